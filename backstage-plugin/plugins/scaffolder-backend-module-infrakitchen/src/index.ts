/**
 * The InfraKitchen scaffolder backend module: `backend.add(import('@infrakitchen/backstage-plugin-scaffolder-backend-module-infrakitchen'))`.
 *
 * @packageDocumentation
 */
export { scaffolderModuleInfraKitchen as default } from './module';
export * from './actions';
