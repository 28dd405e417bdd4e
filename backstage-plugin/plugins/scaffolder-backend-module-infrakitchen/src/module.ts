import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createGetResourceAction, readInfraKitchenActionOptions } from './actions';

/**
 * Scaffolder actions for InfraKitchen: `infrakitchen:resource:get`.
 *
 * @public
 */
export const scaffolderModuleInfraKitchen = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'infrakitchen',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        auth: coreServices.auth,
      },
      async init({ scaffolder, config, auth }) {
        scaffolder.addActions(createGetResourceAction(readInfraKitchenActionOptions(config, auth)));
      },
    });
  },
});
