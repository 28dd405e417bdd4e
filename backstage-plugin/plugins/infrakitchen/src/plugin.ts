import {
  configApiRef,
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
  identityApiRef,
} from '@backstage/core-plugin-api';
import {
  InfraKitchenClient,
  InfraKitchenLiveClient,
  infraKitchenApiRef,
  infraKitchenLiveApiRef,
} from './api';
import { rootRouteRef } from './routes';

/** The REST client factory both frontend systems use. */
export const infraKitchenApiFactory = createApiFactory({
  api: infraKitchenApiRef,
  deps: {
    discoveryApi: discoveryApiRef,
    fetchApi: fetchApiRef,
    configApi: configApiRef,
  },
  factory: ({ discoveryApi, fetchApi, configApi }) =>
    new InfraKitchenClient({
      discoveryApi,
      fetchApi,
      proxyPath: configApi.getOptionalString('infrakitchen.proxyPath'),
    }),
});

/** The live connection's factory (both frontend systems): it long-polls through the REST client. */
export const infraKitchenLiveApiFactory = createApiFactory({
  api: infraKitchenLiveApiRef,
  deps: {
    infraKitchenApi: infraKitchenApiRef,
    configApi: configApiRef,
    identityApi: identityApiRef,
  },
  factory: ({ infraKitchenApi, configApi, identityApi }) =>
    new InfraKitchenLiveClient({
      infraKitchenApi,
      websocketUrl: configApi.getOptionalString('infrakitchen.websocketUrl'),
      getToken: async () => (await identityApi.getCredentials()).token,
    }),
});

export const infraKitchenPlugin = createPlugin({
  id: 'infrakitchen',
  apis: [infraKitchenApiFactory, infraKitchenLiveApiFactory],
  routes: { root: rootRouteRef },
});

/** Standalone page: every resource the user can see, and the template catalog. */
export const InfraKitchenPage = infraKitchenPlugin.provide(
  createRoutableExtension({
    name: 'InfraKitchenPage',
    component: () => import('./components/InfraKitchenPage').then(m => m.InfraKitchenPage),
    mountPoint: rootRouteRef,
  }),
);

/** The entity's "Infrastructure" tab content. */
export const EntityInfraKitchenContent = infraKitchenPlugin.provide(
  createComponentExtension({
    name: 'EntityInfraKitchenContent',
    component: {
      lazy: () => import('./components/EntityInfraContent').then(m => m.EntityInfraContent),
    },
  }),
);

/** The entity overview card: counts by status and resources in error. */
export const EntityInfraKitchenCard = infraKitchenPlugin.provide(
  createComponentExtension({
    name: 'EntityInfraKitchenCard',
    component: {
      lazy: () => import('./components/EntityInfraCard').then(m => m.EntityInfraCard),
    },
  }),
);
