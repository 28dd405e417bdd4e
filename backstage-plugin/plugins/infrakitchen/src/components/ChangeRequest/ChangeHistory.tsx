import { List, ListItem, ListItemText, Typography } from '@material-ui/core';
import type { ResourceChange, Run } from '../../api/types';
import { RelativeTime, StatusChip } from '../common';
import { diffText } from './ChangeDiff';
import { ChangeRuns, decision } from './ChangeRuns';

/** Earlier changes of the resource, newest first: status, what they changed, who decided and why, errors. */
export function ChangeHistory(props: {
  changes: ResourceChange[];
  runs: Run[];
  onSelectRun(runId: string): void;
}) {
  return (
    <List dense aria-label="past changes">
      {props.changes.map(change => (
        <ListItem key={change.id} data-testid={`change-${change.id}`} alignItems="flex-start">
          <ListItemText
            disableTypography
            primary={
              <Typography variant="body2" component="div">
                <StatusChip status={change.status} /> {change.diff.map(diffText).join(', ')}
              </Typography>
            }
            secondary={
              <Typography variant="body2" color="textSecondary" component="div">
                requested by {change.requested_by} <RelativeTime value={change.created_at} />
                {change.decided_by ? ` · ${decision(change)} by ${change.decided_by}` : ''}
                {change.reason ? `: ${change.reason}` : ''}
                {change.error && (
                  <Typography variant="body2" color="error" data-testid="change-error">
                    {change.error}
                  </Typography>
                )}
                <ChangeRuns change={change} runs={props.runs} onSelectRun={props.onSelectRun} />
              </Typography>
            }
          />
        </ListItem>
      ))}
    </List>
  );
}
