export { LinkedResourceDrawer, ResourceDrawer } from './ResourceDrawer';
