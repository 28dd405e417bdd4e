import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  createCreateResourceAction,
  createDestroyResourceAction,
  createGetResourceAction,
  createProvisionResourceAction,
  readInfraKitchenActionOptions,
} from './actions';

/**
 * Scaffolder actions for InfraKitchen: `infrakitchen:resource:get`, `:create`, `:provision` and `:destroy`.
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
        const options = readInfraKitchenActionOptions(config, auth);
        scaffolder.addActions(
          createGetResourceAction(options),
          createCreateResourceAction(options),
          createProvisionResourceAction(options),
          createDestroyResourceAction(options),
        );
      },
    });
  },
});
