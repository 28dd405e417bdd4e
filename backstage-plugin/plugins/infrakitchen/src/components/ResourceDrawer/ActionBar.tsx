import { Box, Button, Link, List, ListItem, Typography } from '@material-ui/core';
import { type ReactNode, useState } from 'react';
import { isInfraKitchenError } from '../../api';
import type { Resource, ResourceAction, Run } from '../../api/types';
import { useResourceActions } from '../../hooks/useResourceActions';
import { StatusChip, describeError } from '../common';
import { ConfirmDialog, type ConfirmDialogProps } from './ConfirmDialog';

type Confirm = Omit<ConfirmDialogProps, 'open' | 'onCancel' | 'onConfirm'>;

const BUTTONS: Array<{ action: ResourceAction; label: string; confirm?: (r: Resource) => Confirm }> = [
  { action: 'provision', label: 'Provision' },
  { action: 'plan', label: 'Plan' },
  {
    action: 'approve',
    label: 'Approve',
    confirm: r => ({
      title: r.state === 'destroy' ? `Approve destroying ${r.name}?` : `Approve ${r.name}?`,
      text:
        r.state === 'destroy'
          ? 'Its owner can then destroy it.'
          : 'It can then be provisioned.',
      confirmLabel: 'Approve',
      reason: 'optional',
    }),
  },
  {
    action: 'reject',
    label: 'Reject',
    confirm: r => ({
      title: r.state === 'destroy' ? `Reject destroying ${r.name}?` : `Reject ${r.name}?`,
      text:
        r.state === 'destroy'
          ? 'Nothing is destroyed: it goes back to where it was. The requester sees your reason.'
          : 'The requester sees your reason.',
      confirmLabel: 'Reject',
      reason: 'required',
    }),
  },
  { action: 'cancel', label: 'Cancel run' },
  {
    action: 'destroy',
    label: 'Destroy',
    confirm: r => ({
      title: `Destroy ${r.name}?`,
      text: 'Its infrastructure will be deleted. This cannot be undone.',
      confirmLabel: 'Destroy',
      typedConfirmation: r.name,
    }),
  },
  { action: 'recreate', label: 'Recreate' },
  {
    action: 'delete',
    label: 'Delete record',
    confirm: r => ({
      title: `Delete the record of ${r.name}?`,
      text: 'The resource disappears from InfraKitchen; its audit trail stays.',
      confirmLabel: 'Delete',
      typedConfirmation: r.name,
    }),
  },
];

/** Only the buttons the service says this caller may use now (`GET /resources/{id}/actions`). */
export function ActionBar(props: {
  resource: Resource;
  actions: ResourceAction[];
  runs: Run[];
  /** After an action succeeded: `delete` means the resource is gone. */
  onDone(action: ResourceAction): void;
  /** Open the drawer of a resource that stops the action (a child of this one). */
  onSelectResource(resourceId: string): void;
  /** Buttons of actions on more than the resource (Cascade destroy), after its own. */
  extra?: ReactNode;
}) {
  const { perform, pending, error } = useResourceActions({
    resource: props.resource,
    runs: props.runs,
    onDone: props.onDone,
  });
  const [confirming, setConfirming] = useState<(typeof BUTTONS)[number]>();

  const visible = BUTTONS.filter(b => props.actions.includes(b.action));
  // A destroy or delete refused because resources build on this one names them (those the caller sees).
  const blocking = error && isInfraKitchenError(error) ? (error.children ?? []) : [];
  return (
    <Box>
      <Box display="flex" flexWrap="wrap" style={{ gap: 8 }}>
        {visible.map(button => (
          <Button
            key={button.action}
            variant="outlined"
            color={['destroy', 'reject', 'delete'].includes(button.action) ? 'secondary' : 'primary'}
            disabled={pending !== undefined}
            onClick={() => (button.confirm ? setConfirming(button) : perform(button.action, ''))}
          >
            {button.label}
          </Button>
        ))}
        {props.extra}
        {!visible.length && !props.extra && (
          <Typography variant="body2" color="textSecondary">
            No actions are available to you right now.
          </Typography>
        )}
      </Box>
      {error && (
        <Typography role="alert" color="error" variant="body2">
          {describeError(error).title}: {describeError(error).detail}
        </Typography>
      )}
      {blocking.length > 0 && (
        <Box data-testid="blocking-children">
          <Typography variant="body2">Built on it (destroy them first):</Typography>
          <List dense aria-label="built on it">
            {blocking.map(child => (
              <ListItem key={child.id}>
                <Link component="button" variant="body2" onClick={() => props.onSelectResource(child.id)}>
                  {child.name}
                </Link>
                &nbsp;
                <StatusChip status={child.status} />
                &nbsp;
                <Typography variant="caption" color="textSecondary">
                  {child.state}
                </Typography>
              </ListItem>
            ))}
          </List>
        </Box>
      )}
      {confirming?.confirm && (
        <ConfirmDialog
          open
          {...confirming.confirm(props.resource)}
          onCancel={() => setConfirming(undefined)}
          onConfirm={reason => {
            const action = confirming.action;
            setConfirming(undefined);
            perform(action, reason);
          }}
        />
      )}
    </Box>
  );
}
