import {
  Link,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { asLastRun, asText } from '../../api/payloadFields';
import type { Resource } from '../../api/types';
import { RelativeTime, StatusChip, UpgradeBadge } from '../common';

export interface ResourceTableProps {
  /** Rendered from their own fields: template_name, template_version, last_run. */
  resources: Resource[];
  showEntity?: boolean;
  onOpen(resourceId: string, runId?: string): void;
  /** A row's "Upgrade available" badge: open its drawer with the edit form on that version. */
  onUpgrade?(resourceId: string, versionId: string): void;
}

/**
 * Resources, one row each: name, template and version (with a badge when an upgrade is available), state,
 * status, owner, last change, last run.
 */
export function ResourceTable(props: ResourceTableProps) {
  const { resources, showEntity, onOpen, onUpgrade } = props;
  return (
    <Table size="small" aria-label="InfraKitchen resources">
      <TableHead>
        <TableRow>
          <TableCell>Name</TableCell>
          <TableCell>Template</TableCell>
          {showEntity && <TableCell>Entity</TableCell>}
          <TableCell>State</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Owner</TableCell>
          <TableCell>Last change</TableCell>
          <TableCell>Last run</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {resources.map(resource => {
          const run = asLastRun(resource.last_run);
          return (
            <TableRow key={resource.id} hover data-testid={`resource-row-${resource.name}`}>
              <TableCell>
                <Link component="button" variant="body2" onClick={() => onOpen(resource.id)}>
                  {resource.name}
                </Link>
              </TableCell>
              <TableCell>
                {asText(resource.template_name)}@{asText(resource.template_version)}{' '}
                <UpgradeBadge
                  resource={resource}
                  onUpgrade={onUpgrade ? versionId => onUpgrade(resource.id, versionId) : undefined}
                />
              </TableCell>
              {showEntity && <TableCell>{resource.entity_ref ?? '—'}</TableCell>}
              <TableCell data-testid="state">{resource.state}</TableCell>
              <TableCell>
                <StatusChip status={resource.status} />
              </TableCell>
              <TableCell>{resource.owner}</TableCell>
              <TableCell>
                <RelativeTime value={resource.updated_at} />
              </TableCell>
              <TableCell data-testid="last-run">
                {run ? (
                  <Link
                    component="button"
                    variant="body2"
                    onClick={() => onOpen(resource.id, run.id)}
                  >
                    {run.kind} · {run.status}
                  </Link>
                ) : (
                  <Typography variant="body2" color="textSecondary">
                    none yet
                  </Typography>
                )}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
