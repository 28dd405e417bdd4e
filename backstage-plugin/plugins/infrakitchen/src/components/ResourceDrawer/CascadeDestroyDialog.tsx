import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  List,
  ListItem,
  ListItemText,
  TextField,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { Progress } from '@backstage/core-components';
import { useState } from 'react';
import type { CascadeStep, Operation, Resource } from '../../api/types';
import { useCascadeDestroy } from '../../hooks/useCascadeDestroy';
import { StatusChip, describeError } from '../common';

/** What a step does to its resource, as the dialog says it. */
const OUTCOME: Record<CascadeStep['action'], string> = {
  destroy: 'destroyed',
  delete: 'record deleted: never provisioned, nothing to destroy',
};

function ErrorAlert(props: { error: Error }) {
  const { title, detail } = describeError(props.error);
  return (
    <Alert severity="error" role="alert">
      {title}: {detail}
    </Alert>
  );
}

/**
 * Confirms a cascade destroy: the plan's steps exactly as they will run (leaves first, the resource last),
 * whether it waits for approval, and the resource's name typed before the button enables. The service's 403
 * (some resource is not the caller's) and 409 (something is busy) show in the dialog.
 */
export function CascadeDestroyDialog(props: {
  resource: Resource;
  onCancel(): void;
  onStarted(operation: Operation): void;
}) {
  const { resource } = props;
  const { plan, start, starting, error } = useCascadeDestroy(resource.id, props.onStarted);
  const [typed, setTyped] = useState('');
  const steps = plan.value?.steps ?? [];
  return (
    <Dialog open onClose={props.onCancel} fullWidth maxWidth="sm" aria-labelledby="ik-cascade-title">
      <DialogTitle id="ik-cascade-title">Cascade destroy {resource.name}?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          Everything built on {resource.name} is destroyed first, one at a time, then {resource.name} itself.
          This cannot be undone.
        </DialogContentText>
        {plan.loading && <Progress />}
        {plan.error && <ErrorAlert error={plan.error} />}
        {plan.value && (
          <>
            <Typography variant="subtitle2">In this order:</Typography>
            <List dense component="ol" aria-label="cascade steps">
              {steps.map(step => (
                <ListItem key={step.position} data-testid={`cascade-step-${step.position}`}>
                  <ListItemText
                    primary={
                      <>
                        {step.position}. {step.resource_name} <StatusChip status={step.status} />
                      </>
                    }
                    secondary={`${step.template_name} · ${step.state} · ${OUTCOME[step.action]}`}
                  />
                </ListItem>
              ))}
            </List>
            {plan.value.requires_approval && (
              <Alert severity="info" role="status" data-testid="cascade-needs-approval">
                A template in it requires approval: the operation waits for an approver before anything is
                destroyed.
              </Alert>
            )}
            <TextField
              fullWidth
              margin="dense"
              id="ik-cascade-typed"
              label={`Type ${resource.name} to confirm`}
              value={typed}
              onChange={e => setTyped(e.target.value)}
            />
          </>
        )}
        {error && <ErrorAlert error={error} />}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onCancel}>Back</Button>
        <Button
          color="secondary"
          variant="contained"
          disabled={!plan.value || plan.error !== undefined || typed !== resource.name || starting}
          onClick={start}
        >
          Cascade destroy
        </Button>
      </DialogActions>
    </Dialog>
  );
}
