import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  TextField,
} from '@material-ui/core';
import { useState } from 'react';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  text: string;
  confirmLabel: string;
  /** The person must type this exact text (e.g. the resource name) to confirm. */
  typedConfirmation?: string;
  /** Ask for a reason; `required` blocks confirming without one. */
  reason?: 'optional' | 'required';
  onCancel(): void;
  onConfirm(reason: string): void;
}

export function ConfirmDialog(props: ConfirmDialogProps) {
  const [typed, setTyped] = useState('');
  const [reason, setReason] = useState('');
  const blocked =
    (props.typedConfirmation !== undefined && typed !== props.typedConfirmation) ||
    (props.reason === 'required' && !reason.trim());
  const close = () => {
    setTyped('');
    setReason('');
    props.onCancel();
  };
  return (
    <Dialog open={props.open} onClose={close} aria-labelledby="ik-confirm-title">
      <DialogTitle id="ik-confirm-title">{props.title}</DialogTitle>
      <DialogContent>
        <DialogContentText>{props.text}</DialogContentText>
        {props.typedConfirmation !== undefined && (
          <TextField
            fullWidth
            id="ik-confirm-typed"
            label={`Type ${props.typedConfirmation} to confirm`}
            value={typed}
            onChange={e => setTyped(e.target.value)}
          />
        )}
        {props.reason && (
          <TextField
            fullWidth
            multiline
            minRows={2}
            id="ik-confirm-reason"
            required={props.reason === 'required'}
            label="Reason"
            value={reason}
            onChange={e => setReason(e.target.value)}
          />
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close}>Back</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={blocked}
          onClick={() => {
            const given = reason.trim();
            setTyped('');
            setReason('');
            props.onConfirm(given);
          }}
        >
          {props.confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
