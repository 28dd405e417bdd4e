import { Box, Button, Link, List, ListItem, ListItemText, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { useState } from 'react';
import type { OperationCommand } from '../../api';
import type { Operation, OperationStep } from '../../api/types';
import { isActiveOperation } from '../../hooks/useResourceOperation';
import { RelativeTime, StatusChip, describeError } from '../common';
import { ConfirmDialog } from './ConfirmDialog';

/** The buttons an operation's status allows; Approve and Reject ask first (Reject with a reason). */
function commandsFor(operation: Operation): OperationCommand[] {
  switch (operation.status) {
    case 'approval_pending':
      return ['approve', 'reject', 'cancel'];
    case 'running':
      return ['cancel'];
    case 'failed':
    case 'cancelled':
      return ['retry'];
    default:
      return [];
  }
}

const LABELS: Record<OperationCommand, string> = {
  approve: 'Approve',
  reject: 'Reject',
  cancel: 'Cancel',
  retry: 'Retry',
};

/** One step: its resource (a link while its record exists), status, run, attempts and error. */
function Step(props: { step: OperationStep; onSelectResource(resourceId: string, runId?: string): void }) {
  const { step, onSelectResource } = props;
  const resourceId = step.resource_id;
  const runId = step.run_id;
  const details = [
    step.action === 'delete' ? 'record deleted (never provisioned)' : 'destroy',
    step.attempts > 1 ? `${step.attempts} attempts` : '',
    step.error ?? '',
  ].filter(Boolean);
  return (
    <ListItem data-testid={`operation-step-${step.position}`}>
      <ListItemText
        primary={
          <>
            {step.position}.{' '}
            {resourceId ? (
              <Link component="button" variant="body2" onClick={() => onSelectResource(resourceId)}>
                {step.resource_name}
              </Link>
            ) : (
              step.resource_name
            )}{' '}
            <StatusChip status={step.status} />
          </>
        }
        secondary={
          <>
            {details.join(' · ')}
            {runId && (
              <>
                {' · '}
                {resourceId ? (
                  <Link
                    component="button"
                    variant="body2"
                    aria-label={`run ${runId} of ${step.resource_name}`}
                    onClick={() => onSelectResource(resourceId, runId)}
                  >
                    run {runId.slice(0, 8)}
                  </Link>
                ) : (
                  `run ${runId.slice(0, 8)}`
                )}
              </>
            )}
          </>
        }
      />
    </ListItem>
  );
}

/**
 * The progress of a cascade destroy: its status, each step's, why it failed, and the buttons its status
 * allows (Approve/Reject are shown to anyone while it waits: the service answers 403 to those who may not).
 */
export function OperationProgress(props: {
  operation: Operation;
  /** The command under way. */
  pending?: OperationCommand;
  /** The last command's failure. */
  error?: Error;
  onCommand(command: OperationCommand, reason?: string): void;
  /** Open a step's resource (at one of its runs). */
  onSelectResource(resourceId: string, runId?: string): void;
}) {
  const { operation, pending, error, onCommand } = props;
  const [confirming, setConfirming] = useState<'approve' | 'reject'>();
  const done = operation.steps.filter(s => s.status === 'succeeded').length;
  return (
    <Box data-testid="operation-progress">
      <Typography variant="body2" component="div">
        <span data-testid="operation-status">
          <StatusChip status={operation.status} />
        </span>{' '}
        {done} of {operation.steps.length} steps done · asked by {operation.created_by}{' '}
        <RelativeTime value={operation.created_at} />
        {operation.approved_by ? ` · approved by ${operation.approved_by}` : ''}
        {operation.cancel_requested_by && isActiveOperation(operation)
          ? ` · cancel asked by ${operation.cancel_requested_by}`
          : ''}
      </Typography>
      {operation.status === 'approval_pending' && (
        <Alert severity="info" role="status">
          Waiting for approval: nothing is destroyed before it is approved.
        </Alert>
      )}
      {operation.error && (
        <Alert
          severity={operation.status === 'failed' ? 'error' : 'warning'}
          role="status"
          data-testid="operation-error"
        >
          {operation.error}
        </Alert>
      )}
      <List dense component="ol" aria-label="operation steps">
        {operation.steps.map(step => (
          <Step key={step.position} step={step} onSelectResource={props.onSelectResource} />
        ))}
      </List>
      <Box display="flex" style={{ gap: 8 }}>
        {commandsFor(operation).map(command => (
          <Button
              key={command}
              variant="outlined"
              color={command === 'reject' || command === 'cancel' ? 'secondary' : 'primary'}
              disabled={pending !== undefined}
              onClick={() =>
                command === 'approve' || command === 'reject' ? setConfirming(command) : onCommand(command)
              }
            >
              {LABELS[command]}
            </Button>
        ))}
      </Box>
      {error && (
        <Typography role="alert" color="error" variant="body2">
          {describeError(error).title}: {describeError(error).detail}
        </Typography>
      )}
      {confirming && (
        <ConfirmDialog
          open
          title={`${LABELS[confirming]} the cascade destroy of ${operation.resource_name}?`}
          text={
            confirming === 'approve'
              ? `Its ${operation.steps.length} resources are then destroyed, leaves first.`
              : 'Nothing is destroyed; the requester sees your reason.'
          }
          confirmLabel={LABELS[confirming]}
          reason={confirming === 'reject' ? 'required' : undefined}
          onCancel={() => setConfirming(undefined)}
          onConfirm={reason => {
            const command = confirming;
            setConfirming(undefined);
            onCommand(command, command === 'reject' ? reason : undefined);
          }}
        />
      )}
    </Box>
  );
}
