export { createGetResourceAction, GET_RESOURCE_ACTION_ID, readInfraKitchenActionOptions } from './getResource';
export type { InfraKitchenActionOptions } from './getResource';
