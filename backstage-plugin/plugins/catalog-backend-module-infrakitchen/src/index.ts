/**
 * The InfraKitchen catalog backend module: `backend.add(import('@infrakitchen/backstage-plugin-catalog-backend-module-infrakitchen'))`.
 *
 * @packageDocumentation
 */
export { catalogModuleInfraKitchen as default } from './module';
export * from './provider';
