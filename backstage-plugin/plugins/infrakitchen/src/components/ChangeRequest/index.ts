export { ChangePanel } from './ChangePanel';
export { ChangeHistory } from './ChangeHistory';
export { ChangeRequested } from './ChangeRequested';
