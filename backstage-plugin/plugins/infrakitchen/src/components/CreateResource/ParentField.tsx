import { Box, MenuItem, TextField, Typography } from '@material-ui/core';
import type { Resource, TemplateDependency, TemplateVariable } from '../../api/types';
import { unusableAsParent } from './parentForm';

/**
 * The parent picker of one dependency: the resources of the parent template the caller can see, with their
 * status; a required dependency must have one, an optional one may stay empty.
 */
export function ParentField(props: {
  dependency: TemplateDependency;
  /** The parent template's name, for the label. */
  templateName: string;
  candidates: Resource[];
  value: string;
  error?: string;
  onChange(resourceId: string): void;
}) {
  const { dependency, templateName, candidates, value, error, onChange } = props;
  const wired = dependency.wiring.map(w => w.variable).join(', ');
  let help = `Builds on a ${templateName} resource`;
  if (wired) help += `; sets ${wired} from its outputs`;
  if (!candidates.length) help = `No ${templateName} resource you can see yet: create one first.`;
  return (
    <TextField
      select
      fullWidth
      margin="dense"
      id={`ik-parent-${dependency.id}`}
      label={`Builds on ${templateName}`}
      required={dependency.required}
      value={value}
      error={Boolean(error)}
      helperText={error ?? help}
      onChange={e => onChange(e.target.value)}
    >
      {!dependency.required && (
        <MenuItem value="">
          <em>None</em>
        </MenuItem>
      )}
      {candidates.map(r => (
        <MenuItem key={r.id} value={r.id} disabled={unusableAsParent(r)}>
          {r.name} — {r.status.replace(/_/g, ' ')}
          {unusableAsParent(r) ? ` (${r.state === 'destroyed' ? 'destroyed' : 'being destroyed'})` : ''}
        </MenuItem>
      ))}
    </TextField>
  );
}

/** A variable set from a parent's output: shown, never edited nor sent. */
export function WiredVariable(props: {
  variable: TemplateVariable;
  /** The picked parent's name, or the parent template's before one is picked. */
  source: string;
  output: string;
  /** Where it comes from, in words (default `from <source>.<output>`). */
  text?: string;
  error?: string;
}) {
  const { variable, source, output, error } = props;
  return (
    <Box my={1} data-testid={`ik-wired-${variable.name}`}>
      <Typography variant="body2">
        {variable.name}
        {variable.required ? ' *' : ''}
      </Typography>
      <Typography variant="body2" color="textSecondary">{props.text ?? `from ${source}.${output}`}</Typography>
      {error && (
        <Typography variant="caption" color="error">
          {error}
        </Typography>
      )}
    </Box>
  );
}
