import { Box, List, ListItem, ListItemText, Typography } from '@material-ui/core';
import type { PlanSummary as Summary } from '../../api/types';

/** A plan's outcome: how many to add, change and destroy, and each address with its actions. */
export function PlanSummary(props: { summary: Summary }) {
  const { summary } = props;
  return (
    <Box data-testid="plan-summary" mt={1}>
      <Typography variant="body2" data-testid="plan-counts">
        {summary.has_changes
          ? `Plan: ${summary.add} to add, ${summary.change} to change, ${summary.destroy} to destroy.`
          : 'Plan: no changes. The infrastructure already matches.'}
      </Typography>
      {summary.resources.length > 0 && (
        <List dense aria-label="planned resources">
          {summary.resources.map(r => (
            <ListItem key={r.address}>
              <ListItemText
                primary={<code>{r.address}</code>}
                secondary={r.actions.join(', ')}
              />
            </ListItem>
          ))}
        </List>
      )}
    </Box>
  );
}
