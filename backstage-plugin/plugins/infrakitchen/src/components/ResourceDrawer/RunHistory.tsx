import { List, ListItem, ListItemText, Typography } from '@material-ui/core';
import type { Run } from '../../api/types';
import { RelativeTime, StatusChip } from '../common';
import { RunLogTail } from './RunLogTail';

/** Runs newest first; the selected one shows its log, following it live. */
export function RunHistory(props: {
  runs: Run[];
  selectedRunId?: string;
  onSelect(runId: string): void;
}) {
  const { runs, onSelect } = props;
  if (!runs.length) {
    return (
      <Typography variant="body2" color="textSecondary">
        No runs yet.
      </Typography>
    );
  }
  const selected = runs.find(r => r.id === props.selectedRunId) ?? runs[0];
  return (
    <>
      <List dense aria-label="runs">
        {runs.map(run => (
          <ListItem
            key={run.id}
            button
            selected={run.id === selected.id}
            onClick={() => onSelect(run.id)}
          >
            <ListItemText
              primary={
                <>
                  {run.kind} <StatusChip status={run.status} />
                </>
              }
              secondary={
                <>
                  {run.created_by} · <RelativeTime value={run.created_at} />
                  {run.error ? ` · ${run.error}` : ''}
                </>
              }
            />
          </ListItem>
        ))}
      </List>
      <RunLogTail runId={selected.id} />
    </>
  );
}
