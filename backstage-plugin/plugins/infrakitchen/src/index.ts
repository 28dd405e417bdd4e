/**
 * InfraKitchen for Backstage: an entity's infrastructure, live.
 * @packageDocumentation
 */
export {
  infraKitchenPlugin,
  infraKitchenApiFactory,
  infraKitchenLiveApiFactory,
  InfraKitchenPage,
  EntityInfraKitchenContent,
  EntityInfraKitchenCard,
} from './plugin';
export {
  isInfraKitchenAvailable,
  infraKitchenEntityRef,
  INFRAKITCHEN_ENTITY_REF_ANNOTATION,
} from './entityRef';
export {
  infraKitchenApiRef,
  InfraKitchenClient,
  infraKitchenLiveApiRef,
  InfraKitchenLiveClient,
  InfraKitchenError,
  isInfraKitchenError,
} from './api';
export type {
  InfraKitchenApi,
  InfraKitchenClientOptions,
  InfraKitchenLiveApi,
  InfraKitchenLiveClientOptions,
  ListResourcesOptions,
} from './api';
export type * from './api/types';
export type { LiveStatus, LiveHandlers } from './live/types';
