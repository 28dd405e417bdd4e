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

const WHAT = { provision: 'Creation', destroy: 'Destroy' } as const;

/**
 * The last approval asked for (creation or destroy, on a template that requires approval): who asked and that
 * it waits, or who decided and why. Nothing while a run of the resource is under way.
 */
export function ApprovalNotice(props: { resource: Resource }) {
  const classes = useStyles();
  const { approval, status, state } = props.resource;
  if (!approval || status === 'queued' || status === 'in_progress') return null;
  const what = WHAT[approval.action ?? 'provision'];
  if (status === 'approval_pending') {
    return (
      <Alert severity="info" className={classes.notice} data-testid="approval">
        <AlertTitle>{what} waits for approval</AlertTitle>
        Asked by {approval.requested_by}. The platform team or the template's approver group decides; whoever
        asked may withdraw it (Reject).
      </Alert>
    );
  }
  if (!approval.decided_by) return null;
  const reason = approval.reason ? `: “${approval.reason}”` : '';
  const next =
    approval.approved && approval.action === 'destroy' && state === 'destroy'
      ? ' Destroy it to go ahead.'
      : '';
  return (
    <Alert
      severity={approval.approved ? 'success' : 'warning'}
      className={classes.notice}
      data-testid="approval"
    >
      {what} {approval.approved ? 'approved' : 'rejected'} by {approval.decided_by}
      {reason}.{next}
    </Alert>
  );
}
