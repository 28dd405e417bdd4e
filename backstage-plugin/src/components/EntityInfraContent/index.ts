export { EntityInfraContent } from './EntityInfraContent';
