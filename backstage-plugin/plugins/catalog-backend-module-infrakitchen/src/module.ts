import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { InfraKitchenEntityProvider } from './provider';

/**
 * The catalog gets every InfraKitchen resource as a `Resource` entity: a full read on
 * `infrakitchen.catalog.schedule`, and the changes in between within seconds (a long poll).
 *
 * @public
 */
export const catalogModuleInfraKitchen = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'infrakitchen',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
      },
      async init({ catalog, config, logger, auth, scheduler, lifecycle }) {
        const provider = InfraKitchenEntityProvider.fromConfig(config, { auth, logger, scheduler });
        catalog.addEntityProvider(provider);
        // The change loop holds a long poll open: end it so the backend stops at once.
        lifecycle.addShutdownHook(() => provider.stop());
      },
    });
  },
});
