import { makeStyles } from '@material-ui/core';
import { Alert, AlertTitle } from '@material-ui/lab';
import type { Resource } from '../../api/types';

const useStyles = makeStyles(theme => ({
  notice: { marginTop: theme.spacing(2) },
}));

/** Why a `pending` resource waits, and what happens once its parents are provisioned. */
export function PendingNotice(props: { resource: Resource }) {
  const classes = useStyles();
  const { resource } = props;
  return (
    <Alert severity="info" className={classes.notice} data-testid="pending-reason">
      <AlertTitle>Waiting for the resources it builds on</AlertTitle>
      {resource.pending_reason ?? 'Its parents are not all provisioned yet.'}{' '}
      {resource.auto_provision
        ? 'It will be provisioned automatically once they are.'
        : 'It can be provisioned once they are.'}
    </Alert>
  );
}

/** A parent's wired output changed after this resource was last applied (`parent_outputs_changed`). */
export function ParentOutputsChangedNotice() {
  const classes = useStyles();
  return (
    <Alert
      severity="warning"
      role="status"
      className={classes.notice}
      data-testid="parent-outputs-changed"
    >
      A parent's outputs changed since this was applied: re-apply (Provision) to pick them up; a Plan shows
      the difference.
    </Alert>
  );
}
