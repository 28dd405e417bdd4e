import { Chip, Tooltip } from '@material-ui/core';
import { useLiveStatus } from '../../hooks/useLiveStatus';

const LABELS = {
  connecting: ['Connecting…', 'Connecting to the live stream'],
  live: ['Live', 'Updates arrive over the WebSocket'],
  polling: ['Live (polling)', 'The WebSocket is unavailable; long-polling for updates'],
  interval: ['Auto-refresh', 'The service has no event stream; refreshing every few seconds'],
} as const;

export function LiveIndicator() {
  const status = useLiveStatus();
  const [label, help] = LABELS[status];
  return (
    <Tooltip title={help}>
      <Chip size="small" variant="outlined" label={label} data-testid="live-status" />
    </Tooltip>
  );
}
