import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint, TemplateAction } from '@backstage/plugin-scaffolder-node';
import scaffolderModuleInfraKitchen from '.';

describe('scaffolderModuleInfraKitchen', () => {
  it("adds the InfraKitchen actions to the scaffolder's actions", async () => {
    const actions: TemplateAction<any, any, any>[] = [];
    await startTestBackend({
      // a stand-in for the scaffolder's extension point, recording what the module adds
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions: (...added) => actions.push(...added) }]],
      features: [
        scaffolderModuleInfraKitchen,
        mockServices.rootConfig.factory({ data: { infrakitchen: { baseUrl: 'http://infrakitchen.test:7777' } } }),
      ],
    });

    expect(actions.map(action => action.id)).toEqual([
      'infrakitchen:resource:get',
      'infrakitchen:resource:create',
      'infrakitchen:resource:provision',
      'infrakitchen:resource:destroy',
    ]);
  });
});
