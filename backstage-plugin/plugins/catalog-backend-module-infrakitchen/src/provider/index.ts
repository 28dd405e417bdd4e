export { InfraKitchenEntityProvider, DEFAULT_SCHEDULE } from './InfraKitchenEntityProvider';
export type { InfraKitchenEntityProviderOptions } from './InfraKitchenEntityProvider';
export {
  CatalogRequestError,
  CatalogResetRequiredError,
  InfraKitchenCatalogClient,
} from './InfraKitchenCatalogClient';
export type { CatalogEntitiesPage, InfraKitchenCatalogClientOptions } from './InfraKitchenCatalogClient';
