import { FormControlLabel, MenuItem, Switch, TextField } from '@material-ui/core';
import type { TemplateVariable } from '../../api/types';
import { fieldKind, toFieldText } from './variableForm';

/** One input generated from a module variable: its type, required flag, default, allowed values, description. */
export function VariableField(props: {
  variable: TemplateVariable;
  value: string;
  error?: string;
  /** Shown in the empty input (e.g. "unchanged (sensitive)" when editing a sensitive value). */
  placeholder?: string;
  onChange(value: string): void;
}) {
  const { variable, value, error, placeholder, onChange } = props;
  const kind = fieldKind(variable);
  const hasDefault = variable.default !== null && variable.default !== undefined;
  let inputType = kind === 'number' ? 'number' : 'text';
  if (variable.sensitive) inputType = 'password';
  const help = [
    variable.description,
    `type ${variable.type}`,
    hasDefault ? `default ${toFieldText(variable, variable.default)}` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  if (kind === 'bool') {
    return (
      <FormControlLabel
        control={
          <Switch
            checked={value === 'true'}
            onChange={e => onChange(String(e.target.checked))}
            name={variable.name}
          />
        }
        label={`${variable.name}${variable.required ? ' *' : ''} — ${help}`}
      />
    );
  }
  return (
    <TextField
      fullWidth
      margin="dense"
      id={`ik-var-${variable.name}`}
      name={variable.name}
      label={variable.name}
      required={variable.required}
      select={kind === 'select'}
      type={inputType}
      multiline={kind === 'json'}
      minRows={kind === 'json' ? 2 : undefined}
      value={value}
      placeholder={placeholder}
      InputLabelProps={placeholder ? { shrink: true } : undefined}
      error={Boolean(error)}
      helperText={error ?? help}
      onChange={e => onChange(e.target.value)}
    >
      {kind === 'select'
        ? (variable.allowed_values ?? []).map(option => {
            const text = toFieldText(variable, option);
            return (
              <MenuItem key={text} value={text}>
                {text}
              </MenuItem>
            );
          })
        : undefined}
    </TextField>
  );
}
