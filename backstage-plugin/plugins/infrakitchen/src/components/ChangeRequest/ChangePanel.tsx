import { Box, Button, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { useState } from 'react';
import { isInfraKitchenError } from '../../api';
import { asPlanSummary } from '../../api/payloadFields';
import type { ResourceChange, Run } from '../../api/types';
import { awaitsRun, type ChangeCommand } from '../../hooks/useResourceChanges';
import { RelativeTime, StatusChip, describeError } from '../common';
import { ConfirmDialog } from '../ResourceDrawer/ConfirmDialog';
import { ChangeDiff } from './ChangeDiff';
import { ChangeRuns, decision } from './ChangeRuns';
import { PlanSummary } from './PlanSummary';

/** Where the change's plan stands: its summary once it ended, else that it runs or failed. */
function PlanState(props: { change: ResourceChange; runs: Run[] }) {
  const { change, runs } = props;
  if (!change.plan_run_id) return null;
  const summary = asPlanSummary(change.plan_summary);
  if (summary) return <PlanSummary summary={summary} />;
  const run = runs.find(r => r.id === change.plan_run_id);
  if (run && ['failed', 'cancelled'].includes(run.status)) {
    return (
      <Alert severity="warning" role="status" data-testid="plan-failed">
        The plan {run.status}{run.error ? `: ${run.error}` : ''}. Plan again once it is fixed.
      </Alert>
    );
  }
  return (
    <Typography variant="body2" color="textSecondary" data-testid="plan-waiting">
      Planning… the summary appears when the plan run ends.
    </Typography>
  );
}

/** A refusal in the service's own words where it gave them (a 403 says why: e.g. one's own change). */
function refusal(error: Error): string {
  if (isInfraKitchenError(error) && error.serviceMessage && [403, 409, 422].includes(error.statusCode)) {
    const { title } = describeError(error);
    return `${title}: ${error.serviceMessage}`;
  }
  const { title, detail } = describeError(error);
  return `${title}: ${detail}`;
}

/**
 * The resource's open (or approved) change: what it changes, who asked and when, its plan, and Plan, Apply
 * (once approved, when its template requires approval), Approve and Reject (only to those who may decide:
 * see `mayDecide`; a refusal the service still gives is shown in its words).
 */
export function ChangePanel(props: {
  change: ResourceChange;
  runs: Run[];
  /** Whether the caller may act on the resource (Plan and Apply). */
  canAct: boolean;
  /** Whether the caller may approve or reject it (`mayDecide`). */
  canDecide: boolean;
  pending?: ChangeCommand;
  error?: Error;
  onCommand(command: ChangeCommand, reason?: string): void;
  onSelectRun(runId: string): void;
}) {
  const { change, runs, canAct, canDecide, pending, error, onCommand } = props;
  const [confirming, setConfirming] = useState<'approve' | 'reject'>();
  const awaitingApproval = change.requires_approval && change.status !== 'approved';
  const busy = pending !== undefined || awaitsRun(change, runs);
  const applying = Boolean(change.apply_run_id) && awaitsRun(change, runs);
  return (
    <Box data-testid="change-panel">
      <Typography variant="body2" component="div">
        <span data-testid="change-status">
          <StatusChip status={change.status} />
        </span>{' '}
        requested by {change.requested_by} <RelativeTime value={change.created_at} />
        {change.requires_approval ? ' · needs approval' : ''}
        {change.decided_by ? ` · ${decision(change)} by ${change.decided_by}` : ''}
        {change.reason ? `: ${change.reason}` : ''}
      </Typography>
      <ChangeDiff diff={change.diff} />
      <PlanState change={change} runs={runs} />
      {applying && (
        <Typography variant="body2" color="textSecondary" data-testid="change-applying">
          Applying… the resource takes these values when the run succeeds.
        </Typography>
      )}
      {change.error && (
        <Alert severity="error" role="status" data-testid="change-error">
          {change.error}
        </Alert>
      )}
      <ChangeRuns change={change} runs={runs} onSelectRun={props.onSelectRun} />
      <Box display="flex" flexWrap="wrap" alignItems="center" mt={1} style={{ gap: 8 }}>
        {canAct && (
          <>
            <Button variant="outlined" color="primary" disabled={busy} onClick={() => onCommand('plan')}>
              Plan
            </Button>
            <Button
              variant="outlined"
              color="primary"
              disabled={busy || awaitingApproval}
              onClick={() => onCommand('apply')}
            >
              Apply
            </Button>
          </>
        )}
        {canDecide && (
          <>
            <Button
              variant="outlined"
              color="primary"
              disabled={pending !== undefined}
              onClick={() => setConfirming('approve')}
            >
              Approve
            </Button>
            <Button
              variant="outlined"
              color="secondary"
              disabled={pending !== undefined}
              onClick={() => setConfirming('reject')}
            >
              Reject
            </Button>
          </>
        )}
      </Box>
      {canAct && awaitingApproval && (
        <Typography variant="caption" color="textSecondary" data-testid="apply-needs-approval">
          Waits for approval: it can be applied once an approver other than {change.requested_by} approves
          it.
        </Typography>
      )}
      {error && (
        <Typography role="alert" color="error" variant="body2">
          {refusal(error)}
        </Typography>
      )}
      {confirming && (
        <ConfirmDialog
          open
          title={confirming === 'approve' ? 'Approve this change?' : 'Reject this change?'}
          text={
            confirming === 'approve'
              ? 'It can then be applied. Your reason, if you give one, is kept with it.'
              : 'It never runs; the requester sees your reason.'
          }
          confirmLabel={confirming === 'approve' ? 'Approve' : 'Reject'}
          reason={confirming === 'approve' ? 'optional' : 'required'}
          onCancel={() => setConfirming(undefined)}
          onConfirm={reason => {
            const chosen = confirming;
            setConfirming(undefined);
            onCommand(chosen, reason || undefined);
          }}
        />
      )}
    </Box>
  );
}
