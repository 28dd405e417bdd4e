import { Table, TableBody, TableCell, TableRow, Typography } from '@material-ui/core';
import type { OutputValue } from '../../api/types';

const MASK = '••••••';

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Variables (already masked by the service) or outputs (masked here too when marked sensitive). */
export function KeyValueTable(props: {
  values: Record<string, unknown> | Record<string, OutputValue>;
  kind: 'variables' | 'outputs';
  sensitiveNames?: string[];
}) {
  const entries = Object.entries(props.values);
  if (!entries.length) {
    return (
      <Typography variant="body2" color="textSecondary">
        {props.kind === 'outputs' ? 'No outputs yet: they appear after a successful provision.' : 'None.'}
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label={props.kind}>
      <TableBody>
        {entries.map(([name, raw]) => {
          const output = props.kind === 'outputs' ? (raw as OutputValue) : undefined;
          const sensitive = output ? output.sensitive : props.sensitiveNames?.includes(name);
          const value = output ? output.value : raw;
          return (
            <TableRow key={name}>
              <TableCell component="th" scope="row">
                {name}
              </TableCell>
              <TableCell data-testid={`${props.kind}-${name}`}>
                <code>{sensitive ? MASK : show(value)}</code>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
