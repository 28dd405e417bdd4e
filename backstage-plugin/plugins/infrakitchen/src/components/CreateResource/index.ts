export { CreateResourceDialog } from './CreateResourceDialog';
