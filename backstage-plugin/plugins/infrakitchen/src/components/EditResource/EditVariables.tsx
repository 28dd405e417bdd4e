import { Box, TextField, Typography } from '@material-ui/core';
import type { TemplateVariable } from '../../api/types';
import { WiredVariable } from '../CreateResource/ParentField';
import { VariableField } from '../CreateResource/VariableField';
import { baselineText, isSensitive, SENSITIVE_MASK } from './editForm';

/** Where a wired variable comes from: the parent's name and its output. */
export interface WiredFrom {
  parent: string;
  output: string;
}

/** A frozen variable: its value shown, never edited (the service refuses to change it). */
function FrozenVariable(props: {
  variable: TemplateVariable;
  current: Record<string, unknown>;
  error?: string;
}) {
  const { variable, current, error } = props;
  const value = isSensitive(variable, current[variable.name])
    ? SENSITIVE_MASK
    : baselineText(variable, current);
  return (
    <TextField
      fullWidth
      margin="dense"
      disabled
      id={`ik-var-${variable.name}`}
      label={variable.name}
      value={value}
      error={Boolean(error)}
      helperText={error ?? 'frozen: set when the resource was created'}
      data-testid={`ik-frozen-${variable.name}`}
    />
  );
}

/**
 * The picked version's variables, pre-filled with the resource's values: sensitive ones empty ("unchanged")
 * unless typed, wired and frozen ones read-only, and the resource's values the version does not declare
 * listed as dropped.
 */
export function EditVariables(props: {
  variables: TemplateVariable[];
  current: Record<string, unknown>;
  edits: Record<string, string>;
  wired: Record<string, WiredFrom>;
  frozen: string[];
  dropped: string[];
  /** The picked version, when it is not the resource's own (the dropped ones are its doing). */
  upgradeTo?: string;
  errors: Record<string, string>;
  onEdit(name: string, text: string): void;
}) {
  const { variables, current, edits, wired, errors } = props;
  return (
    <>
      {variables.map(variable => {
        const source = wired[variable.name];
        if (source) {
          return (
            <WiredVariable
              key={variable.name}
              variable={variable}
              source={source.parent}
              output={source.output}
              text={`set from parent ${source.parent} output ${source.output}`}
              error={errors[variable.name]}
            />
          );
        }
        if (props.frozen.includes(variable.name)) {
          return (
            <FrozenVariable
              key={variable.name}
              variable={variable}
              current={current}
              error={errors[variable.name]}
            />
          );
        }
        const sensitive = isSensitive(variable, current[variable.name]);
        const had = variable.name in current;
        return (
          <VariableField
            key={variable.name}
            variable={variable}
            value={edits[variable.name] ?? baselineText(variable, current)}
            placeholder={sensitive && (had || !variable.required) ? 'unchanged (sensitive)' : undefined}
            error={errors[variable.name]}
            onChange={text => props.onEdit(variable.name, text)}
          />
        );
      })}
      {props.dropped.length > 0 && (
        <Box mt={2} data-testid="ik-dropped">
          <Typography variant="subtitle2">
            Dropped{props.upgradeTo ? ` by ${props.upgradeTo}` : ''}: it does not declare them, their values
            are discarded
          </Typography>
          {props.dropped.map(name => (
            <Typography key={name} variant="body2" data-testid={`ik-dropped-${name}`}>
              {name} — dropped
            </Typography>
          ))}
        </Box>
      )}
    </>
  );
}
