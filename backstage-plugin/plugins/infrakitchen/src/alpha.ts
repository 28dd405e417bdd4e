import { createElement } from 'react';
import StorageIcon from '@material-ui/icons/Storage';
import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint, EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { compatWrapper, convertLegacyRouteRef } from '@backstage/core-compat-api';
import { infraKitchenApiFactory, infraKitchenLiveApiFactory } from './plugin';
import { isInfraKitchenAvailable } from './entityRef';
import { rootRouteRef } from './routes';

/** The InfraKitchen REST client (same factory as the legacy plugin's). */
export const infraKitchenApi = ApiBlueprint.make({
  params: defineParams => defineParams(infraKitchenApiFactory),
});

/** The live connection to the service's events (same factory as the legacy plugin's). */
export const infraKitchenLiveApi = ApiBlueprint.make({
  name: 'live',
  params: defineParams => defineParams(infraKitchenLiveApiFactory),
});

/** The "Infrastructure" tab on components, systems and resources. */
export const infraKitchenEntityContent = EntityContentBlueprint.make({
  params: {
    path: '/infrastructure',
    title: 'Infrastructure',
    filter: isInfraKitchenAvailable,
    loader: () =>
      import('./components/EntityInfraContent').then(m =>
        compatWrapper(createElement(m.EntityInfraContent)),
      ),
  },
});

/** The overview card: counts by status, anything in error. */
export const infraKitchenEntityCard = EntityCardBlueprint.make({
  params: {
    filter: isInfraKitchenAvailable,
    loader: () =>
      import('./components/EntityInfraCard').then(m =>
        compatWrapper(createElement(m.EntityInfraCard)),
      ),
  },
});

/** In the sidebar and the page header (the app leaves pages without an icon out of its navigation). */
const icon = createElement(StorageIcon);

/** The standalone page at /infrakitchen, under the app's own page header (so without the plugin's). */
export const infraKitchenPage = PageBlueprint.make({
  params: {
    path: '/infrakitchen',
    title: 'Infrastructure',
    icon,
    routeRef: convertLegacyRouteRef(rootRouteRef),
    loader: () =>
      import('./components/InfraKitchenPage').then(m =>
        compatWrapper(createElement(m.InfraKitchenPage, { header: false })),
      ),
  },
});

/** InfraKitchen for the new frontend system: `import infraKitchenPlugin from '<package>/alpha'`. */
export default createFrontendPlugin({
  pluginId: 'infrakitchen',
  title: 'Infrastructure',
  icon,
  extensions: [
    infraKitchenApi,
    infraKitchenLiveApi,
    infraKitchenEntityContent,
    infraKitchenEntityCard,
    infraKitchenPage,
  ],
  routes: { root: convertLegacyRouteRef(rootRouteRef) },
});
