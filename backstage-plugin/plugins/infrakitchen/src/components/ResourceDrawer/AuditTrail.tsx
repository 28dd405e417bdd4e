import { Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@material-ui/core';
import type { AuditEntry } from '../../api/types';
import { RelativeTime } from '../common';

function change(entry: AuditEntry): string {
  const before = entry.before ?? {};
  const after = entry.after ?? {};
  const keys = ['state', 'status'].filter(k => before[k] !== after[k] && after[k] !== undefined);
  return keys.map(k => `${k}: ${before[k] ?? '—'} → ${after[k]}`).join(', ');
}

/** Who did what to the resource, newest first. */
export function AuditTrail(props: { entries: AuditEntry[] }) {
  if (!props.entries.length) {
    return (
      <Typography variant="body2" color="textSecondary">
        No audit entries.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="audit trail">
      <TableHead>
        <TableRow>
          <TableCell>When</TableCell>
          <TableCell>Who</TableCell>
          <TableCell>What</TableCell>
          <TableCell>Change</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.entries.map(entry => (
          <TableRow key={entry.id}>
            <TableCell>
              <RelativeTime value={entry.created_at} />
            </TableCell>
            <TableCell>{entry.actor}</TableCell>
            <TableCell>{entry.action}</TableCell>
            <TableCell>{change(entry)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
