import type { Resource, TemplateVariable, TemplateVersion } from '../../api/types';
import { parseFieldText, toFieldText } from '../CreateResource/variableForm';

/** How the service shows a sensitive value: never the value itself. */
export const SENSITIVE_MASK = '(sensitive)';

/** Statuses of a resource never applied: the service edits it at once (the change comes back `applied`). */
const NEVER_APPLIED = ['ready', 'pending', 'approval_pending', 'rejected'];

export function isNeverApplied(resource: Pick<Resource, 'state' | 'status'>): boolean {
  return resource.state === 'provision' && NEVER_APPLIED.includes(resource.status);
}

/** Edit is offered on resources not marked for destruction. */
export function isEditable(resource: Pick<Resource, 'state'>): boolean {
  return resource.state !== 'destroy' && resource.state !== 'destroyed';
}

export function isSensitive(variable: TemplateVariable, current: unknown): boolean {
  return Boolean(variable.sensitive) || current === SENSITIVE_MASK;
}

/**
 * What a field shows before it is edited: the resource's value, else the module's default; nothing for a
 * sensitive one (its value is never shown).
 */
export function baselineText(variable: TemplateVariable, current: Record<string, unknown>): string {
  if (isSensitive(variable, current[variable.name])) return '';
  return variable.name in current
    ? toFieldText(variable, current[variable.name])
    : toFieldText(variable, variable.default);
}

/**
 * The variables an edit sends: only those edited to differ from what the field showed, parsed by type; `null`
 * for one emptied (the module's default then applies); a sensitive one only when something was typed. Wired
 * and frozen ones are never sent. A required variable left without a value is an error.
 */
export function changedVariables(options: {
  variables: TemplateVariable[];
  /** Never sent: wired from a parent, or frozen. */
  readOnly: string[];
  /** The resource's values, sensitive ones masked. */
  current: Record<string, unknown>;
  /** What the person typed, by variable name (fields not touched are absent). */
  edits: Record<string, string>;
}): { variables: Record<string, unknown>; errors: Record<string, string> } {
  const { current, edits } = options;
  const out: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const variable of options.variables) {
    const { name } = variable;
    if (options.readOnly.includes(name)) continue;
    const had = name in current && current[name] !== null;
    const baseline = baselineText(variable, current);
    const text = (edits[name] ?? baseline).trim();
    if (isSensitive(variable, current[name]) && !text) {
      if (!had && variable.required) errors[name] = 'required';
      continue;
    }
    if (text === baseline.trim()) {
      if (!text && variable.required) errors[name] = 'required';
      continue;
    }
    if (!text) {
      if (variable.required) errors[name] = 'required';
      else if (had) out[name] = null;
      continue;
    }
    const parsed = parseFieldText(variable, text);
    if ('error' in parsed) errors[name] = parsed.error;
    else out[name] = parsed.value;
  }
  return { variables: out, errors };
}

/** The resource's values the version does not declare: an upgrade to it drops them. */
export function droppedNames(version: TemplateVersion, current: Record<string, unknown>): string[] {
  const declared = new Set(version.variables.map(v => v.name));
  return Object.keys(current).filter(name => !declared.has(name));
}

/**
 * The variables the platform team froze on the resource's version (`variable_rules[name].frozen`): set when
 * the resource was created, never changed after.
 */
export function frozenNames(version: Pick<TemplateVersion, 'variable_rules'> | undefined): string[] {
  return Object.entries(version?.variable_rules ?? {})
    .filter(([, rule]) => typeof rule === 'object' && rule !== null && (rule as { frozen?: unknown }).frozen === true)
    .map(([name]) => name);
}

/**
 * The versions an edit may pick, newest first: the resource's own (whatever its lifecycle: keeping it is no
 * move), the active ones, and those in preview when the caller may use them (the platform team). Deprecated
 * and archived versions are never a target.
 */
export function versionChoices(
  versions: TemplateVersion[],
  currentId: string,
  options: { preview: boolean },
): TemplateVersion[] {
  return versions.filter(
    v =>
      v.id === currentId || v.lifecycle === 'active' || (options.preview && v.lifecycle === 'preview'),
  );
}

export function versionLabel(version: TemplateVersion, currentId: string): string {
  const notes = [
    version.id === currentId ? 'current' : '',
    version.lifecycle !== 'active' ? version.lifecycle : '',
  ].filter(Boolean);
  return notes.length ? `${version.version} (${notes.join(', ')})` : version.version;
}
