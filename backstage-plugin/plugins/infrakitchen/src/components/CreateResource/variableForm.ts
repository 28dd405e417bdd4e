import type { TemplateVariable } from '../../api/types';
import { isInfraKitchenError } from '../../api';

export type FieldKind = 'string' | 'number' | 'bool' | 'select' | 'json';

/** The input a variable gets, from its type constraint. */
export function fieldKind(variable: TemplateVariable): FieldKind {
  if (variable.allowed_values?.length) return 'select';
  const kind = variable.type_spec?.kind ?? variable.type;
  if (kind === 'string') return 'string';
  if (kind === 'number') return 'number';
  if (kind === 'bool') return 'bool';
  // `any` (untyped) modules most often take strings.
  if (kind === 'any' || kind === '' || kind === undefined) return 'string';
  return 'json';
}

/** Form text of a value (defaults included): strings as they are, everything else as JSON. */
export function toFieldText(variable: TemplateVariable, value: unknown): string {
  if (value === null || value === undefined) return '';
  const kind = fieldKind(variable);
  if (kind === 'string' || (kind === 'select' && typeof value === 'string')) return String(value);
  if (kind === 'number' || kind === 'bool') return String(value);
  return JSON.stringify(value, null, 2);
}

export function initialValues(variables: TemplateVariable[]): Record<string, string> {
  return Object.fromEntries(variables.map(v => [v.name, toFieldText(v, v.default)]));
}

/** A field's text (trimmed, not empty) as the value to send, parsed by the variable's type; or why not. */
export function parseFieldText(
  variable: TemplateVariable,
  text: string,
): { value: unknown } | { error: string } {
  const kind = fieldKind(variable);
  if (kind === 'number') {
    const n = Number(text);
    return Number.isNaN(n) ? { error: 'expected a number' } : { value: n };
  }
  if (kind === 'bool') return { value: text === 'true' };
  if (kind === 'json') {
    try {
      return { value: JSON.parse(text) };
    } catch {
      return { error: `expected JSON for ${variable.type}` };
    }
  }
  if (kind === 'select') {
    const allowed = variable.allowed_values ?? [];
    return { value: allowed.find(a => toFieldText(variable, a) === text) ?? text };
  }
  return { value: text };
}

/**
 * The `variables` object to send: only fields that differ from the module's default, parsed by type.
 * Problems the form can see itself are returned per field, in the service's words where it has them.
 */
export function buildVariables(
  variables: TemplateVariable[],
  values: Record<string, string>,
): { variables: Record<string, unknown>; errors: Record<string, string> } {
  const out: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const variable of variables) {
    const text = (values[variable.name] ?? '').trim();
    const unchangedDefault =
      variable.default !== null &&
      variable.default !== undefined &&
      text === toFieldText(variable, variable.default).trim();
    if (unchangedDefault) continue;
    if (text === '') {
      if (variable.required) errors[variable.name] = 'required';
      continue;
    }
    const parsed = parseFieldText(variable, text);
    if ('error' in parsed) errors[variable.name] = parsed.error;
    else out[variable.name] = parsed.value;
  }
  return { variables: out, errors };
}

export interface FormErrors {
  /**
   * Errors on the form's own fields (name, ..., `parent_ids` for the service's word on the parents), on each
   * variable by variable name, and on each parent picker by dependency id.
   */
  fields: Record<string, string>;
  variables: Record<string, string>;
  parents: Record<string, string>;
  general?: string;
}

function join(messages: unknown): string {
  return Array.isArray(messages) ? messages.map(String).join('; ') : String(messages);
}

/** Spreads a 422 `errors` object over the form: `{variables: {x: [...]}, json: {name: [...]}}`. */
export function formErrorsFrom(error: unknown): FormErrors {
  const result: FormErrors = { fields: {}, variables: {}, parents: {} };
  if (!isInfraKitchenError(error) || error.statusCode !== 422 || !error.errors) {
    result.general = error instanceof Error ? error.message : String(error);
    return result;
  }
  const leftovers: string[] = [];
  const spread = (location: Record<string, unknown>) => {
    for (const [field, messages] of Object.entries(location)) {
      if (field === 'variables' && messages && typeof messages === 'object' && !Array.isArray(messages)) {
        for (const [name, m] of Object.entries(messages)) result.variables[name] = join(m);
      } else if (
        ['name', 'owner', 'entity_ref', 'template_id', 'template_version_id', 'parent_ids'].includes(field)
      ) {
        result.fields[field] = join(messages);
      } else {
        leftovers.push(`${field}: ${join(messages)}`);
      }
    }
  };
  for (const [key, value] of Object.entries(error.errors)) {
    // flask-smorest nests request-body problems under the location ("json"); the service's own don't.
    if (key === 'json' && value && typeof value === 'object') spread(value as Record<string, unknown>);
    else spread({ [key]: value });
  }
  if (leftovers.length || (!Object.keys(result.fields).length && !Object.keys(result.variables).length)) {
    result.general = [error.serviceMessage, ...leftovers].filter(Boolean).join(' — ');
  }
  return result;
}
