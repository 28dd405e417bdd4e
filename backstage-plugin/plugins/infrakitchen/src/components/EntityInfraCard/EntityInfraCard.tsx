import { Box, List, ListItem, ListItemText, Typography } from '@material-ui/core';
import { InfoCard, Progress } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { asUpgrade } from '../../api/payloadFields';
import { infraKitchenEntityRef } from '../../entityRef';
import { useResources } from '../../hooks/useResources';
import { ErrorState, StatusChip } from '../common';

/**
 * Overview card: resources of the entity counted by status, how many are not on their template's newest
 * version (`upgrade_available`), and every one in error.
 */
export function EntityInfraCard() {
  const { entity } = useEntity();
  const entityRef = infraKitchenEntityRef(entity);
  const list = useResources({ entityRef });
  let body;
  if (list.loading && !list.value) body = <Progress />;
  else if (list.error && !list.value) body = <ErrorState error={list.error} onRetry={list.retry} />;
  else if (list.value) {
    const counts = new Map<string, number>();
    for (const r of list.value.resources) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
    const failing = list.value.resources.filter(r => r.status === 'error');
    const behind = list.value.resources.filter(r => asUpgrade(r.upgrade_available) !== null).length;
    body = !list.value.resources.length ? (
      <Typography variant="body2" color="textSecondary">
        No InfraKitchen resources for {entityRef}.
      </Typography>
    ) : (
      <>
        <Box display="flex" flexWrap="wrap" style={{ gap: 12 }} aria-label="counts by status">
          {[...counts.entries()].map(([status, count]) => (
            <Box key={status} display="flex" alignItems="center" style={{ gap: 4 }}>
              <StatusChip status={status} />
              <Typography variant="body2" data-testid={`count-${status}`}>
                {count}
              </Typography>
            </Box>
          ))}
        </Box>
        {behind > 0 && (
          <Typography variant="body2" data-testid="not-newest">
            {behind} not on the newest version
          </Typography>
        )}
        {failing.length > 0 && (
          <List dense aria-label="resources in error">
            {failing.map(r => (
              <ListItem key={r.id}>
                <ListItemText primary={r.name} secondary={`${r.state} failed`} />
              </ListItem>
            ))}
          </List>
        )}
      </>
    );
  }
  return <InfoCard title="Infrastructure">{body}</InfoCard>;
}
