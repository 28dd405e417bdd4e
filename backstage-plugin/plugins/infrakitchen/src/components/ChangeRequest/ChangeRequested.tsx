import { Alert } from '@material-ui/lab';
import type { ResourceChange } from '../../api/types';

/**
 * What became of the change just asked for: a resource never applied was edited at once (the change came
 * back `applied`); otherwise it is open until it is planned and applied (approved first, where required).
 */
export function ChangeRequested(props: { change: ResourceChange; onClose(): void }) {
  const { change } = props;
  let text = 'Change requested: plan it to see what it would do, then apply it.';
  if (change.requires_approval) {
    text = 'Change requested: it waits for an approver; plan it meanwhile, apply it once it is approved.';
  }
  if (change.status === 'applied') {
    text = 'Edited in place: the resource has never been applied, so its values changed at once.';
  }
  return (
    <Alert
      severity="success"
      role="status"
      data-testid="change-requested"
      closeText="Dismiss"
      onClose={props.onClose}
    >
      {text}
    </Alert>
  );
}
