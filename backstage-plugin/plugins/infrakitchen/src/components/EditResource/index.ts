export { EditResourceDialog } from './EditResourceDialog';
