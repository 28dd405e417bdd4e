export { infraKitchenApiRef } from './InfraKitchenApi';
export type {
  ChangeDecision,
  ChangeRunCommand,
  InfraKitchenApi,
  ListResourcesOptions,
  OperationCommand,
  ResourceCommand,
} from './InfraKitchenApi';
export { InfraKitchenClient } from './InfraKitchenClient';
export type { InfraKitchenClientOptions } from './InfraKitchenClient';
export { infraKitchenLiveApiRef } from './InfraKitchenLiveApi';
export type { InfraKitchenLiveApi } from './InfraKitchenLiveApi';
export { InfraKitchenLiveClient } from './InfraKitchenLiveClient';
export type { InfraKitchenLiveClientOptions } from './InfraKitchenLiveClient';
export { InfraKitchenError, isInfraKitchenError } from './InfraKitchenError';
export * from './types';
