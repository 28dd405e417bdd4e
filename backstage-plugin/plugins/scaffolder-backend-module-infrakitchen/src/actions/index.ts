export { createGetResourceAction, GET_RESOURCE_ACTION_ID } from './getResource';
export { createCreateResourceAction, CREATE_RESOURCE_ACTION_ID, DRY_RUN_RESOURCE_ID } from './createResource';
export { createProvisionResourceAction, PROVISION_RESOURCE_ACTION_ID, DRY_RUN_RUN_ID } from './provisionResource';
export { createDestroyResourceAction, DESTROY_RESOURCE_ACTION_ID } from './destroyResource';
export { readInfraKitchenActionOptions } from './infraKitchenClient';
export type { InfraKitchenActionOptions } from './infraKitchenClient';
