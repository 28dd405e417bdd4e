import { Chip, makeStyles } from '@material-ui/core';
import type { ResourceStatus, RunStatus } from '../../api/types';

type Tone = 'ok' | 'busy' | 'error' | 'waiting' | 'neutral';

const TONES: Record<string, Tone> = {
  done: 'ok',
  succeeded: 'ok',
  ready: 'neutral',
  queued: 'busy',
  in_progress: 'busy',
  running: 'busy',
  error: 'error',
  failed: 'error',
  rejected: 'error',
  approval_pending: 'waiting',
  pending: 'waiting',
  unknown: 'waiting',
  cancelled: 'neutral',
  // change requests
  open: 'waiting',
  approved: 'busy',
  applied: 'ok',
  superseded: 'neutral',
};

const useStyles = makeStyles(theme => ({
  ok: { backgroundColor: theme.palette.success.main, color: theme.palette.success.contrastText },
  busy: { backgroundColor: theme.palette.info.main, color: theme.palette.info.contrastText },
  error: { backgroundColor: theme.palette.error.main, color: theme.palette.error.contrastText },
  waiting: { backgroundColor: theme.palette.warning.main, color: theme.palette.warning.contrastText },
  neutral: {},
}));

/** A resource's, run's or change's status as a coloured chip (the text carries the meaning, not the colour). */
export function StatusChip(props: { status: ResourceStatus | RunStatus | string }) {
  const classes = useStyles();
  const tone = TONES[props.status] ?? 'neutral';
  return (
    <Chip
      size="small"
      label={props.status.replace(/_/g, ' ')}
      className={classes[tone]}
      data-testid={`status-${props.status}`}
    />
  );
}
