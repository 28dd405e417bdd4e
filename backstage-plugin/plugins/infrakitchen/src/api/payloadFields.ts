/**
 * Readers of the payload fields openapi.yaml leaves untyped (`unknown` in the generated types): each checks
 * the shape the field's description promises and falls back to "nothing" rather than trusting it.
 */
import type { LastRun, OutputValue, PlanSummary, Upgrade } from './types';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `Resource.last_run`: `{id, kind, status, created_at, finished_at}`, or null when there is none. */
export function asLastRun(value: unknown): LastRun | null {
  if (!isRecord(value)) return null;
  const { id, kind, status, created_at } = value;
  const valid = [id, kind, status, created_at].every(field => typeof field === 'string');
  return valid ? (value as LastRun) : null;
}

/** `Resource.outputs` / `Run.outputs`: `{name: {value, sensitive}}`; null (nothing applied yet) is none. */
export function asOutputs(value: unknown): Record<string, OutputValue> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).map(([name, output]) => [
      name,
      isRecord(output)
        ? { value: output.value, sensitive: Boolean(output.sensitive) }
        : { value: output, sensitive: false },
    ]),
  );
}

/** `Resource.variables`: name to value, the sensitive ones already masked by the service. */
export function asVariables(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/** A field that holds text (`Resource.template_name`, `template_version`); empty when absent. */
export function asText(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

/** `Resource.parent_ids`: the ids of the resources it builds on; none when absent. */
export function asIds(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
}

/** `Resource.upgrade_available`: `{version_id, version}`, or null (on the newest version, or not said). */
export function asUpgrade(value: unknown): Upgrade | null {
  if (!isRecord(value)) return null;
  const { version_id, version } = value;
  return typeof version_id === 'string' && typeof version === 'string' ? { version_id, version } : null;
}

/** `Change.plan_summary`: counts and the addresses the plan touches; null until the plan ended. */
export function asPlanSummary(value: unknown): PlanSummary | null {
  if (!isRecord(value)) return null;
  const count = (n: unknown) => (typeof n === 'number' ? n : 0);
  const resources = Array.isArray(value.resources)
    ? value.resources.filter(isRecord).map(r => ({
        address: String(r.address ?? ''),
        actions: Array.isArray(r.actions) ? r.actions.map(String) : [],
      }))
    : [];
  const add = count(value.add);
  const change = count(value.change);
  const destroy = count(value.destroy);
  const hasChanges =
    typeof value.has_changes === 'boolean' ? value.has_changes : add + change + destroy > 0;
  return { add, change, destroy, has_changes: hasChanges, resources };
}
