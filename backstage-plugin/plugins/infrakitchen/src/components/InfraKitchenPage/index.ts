export { InfraKitchenPage } from './InfraKitchenPage';
