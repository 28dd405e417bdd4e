import { Chip, Table, TableBody, TableCell, TableHead, TableRow } from '@material-ui/core';
import type { DiffEntry } from '../../api/types';

/** The field a diff line is about: a variable's name, `version` or `owner`. */
function diffField(entry: DiffEntry): string {
  if (entry.name.startsWith('variables.')) return entry.name.slice('variables.'.length);
  return entry.name === 'template_version' ? 'version' : entry.name;
}

/** A value of a diff as text (sensitive ones arrive masked). */
function diffValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** One line of a diff as text: `replicas: 2 → 3`, `greeting: hello (dropped)`. */
export function diffText(entry: DiffEntry): string {
  const old = diffValue(entry.old);
  return entry.dropped
    ? `${diffField(entry)}: ${old} (dropped)`
    : `${diffField(entry)}: ${old} → ${diffValue(entry.new)}`;
}

/** What a change does, old → new per field; the values the new version does not declare marked dropped. */
export function ChangeDiff(props: { diff: DiffEntry[] }) {
  return (
    <Table size="small" aria-label="change diff">
      <TableHead>
        <TableRow>
          <TableCell>Field</TableCell>
          <TableCell>Old</TableCell>
          <TableCell>New</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.diff.map(entry => (
          <TableRow key={entry.name} data-testid={`change-diff-${diffField(entry)}`}>
            <TableCell component="th" scope="row">
              {diffField(entry)}
            </TableCell>
            <TableCell>
              <code>{diffValue(entry.old)}</code>
            </TableCell>
            <TableCell>
              {entry.dropped ? (
                <Chip size="small" label="dropped" data-testid="diff-dropped" />
              ) : (
                <code>{diffValue(entry.new)}</code>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
