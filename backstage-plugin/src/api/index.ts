export { infraKitchenApiRef } from './InfraKitchenApi';
export type { InfraKitchenApi, ListResourcesOptions, ResourceCommand } from './InfraKitchenApi';
export { InfraKitchenClient } from './InfraKitchenClient';
export type { InfraKitchenClientOptions } from './InfraKitchenClient';
export { InfraKitchenError, isInfraKitchenError } from './InfraKitchenError';
export * from './types';
