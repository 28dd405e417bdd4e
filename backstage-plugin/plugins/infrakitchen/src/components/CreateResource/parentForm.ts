import type { Resource, TemplateDependency } from '../../api/types';

/** Where a wired variable takes its value: a dependency, and which output of its parent. */
export interface WiredSource {
  dependency: TemplateDependency;
  output: string;
}

/**
 * The variables set from a parent's output, by variable name. A required dependency always wires them (its
 * parent must be picked); an optional one only once a parent is picked: without one, the service takes them
 * as ordinary variables.
 */
export function activeWiring(
  dependencies: TemplateDependency[],
  picked: Record<string, string>,
): Record<string, WiredSource> {
  const wired: Record<string, WiredSource> = {};
  for (const dependency of dependencies) {
    if (!dependency.required && !picked[dependency.id]) continue;
    for (const wire of dependency.wiring) {
      wired[wire.variable] ??= { dependency, output: wire.output };
    }
  }
  return wired;
}

/** `parent_ids` to send: the picked parent of each dependency, in the template's order. */
export function pickedParentIds(
  dependencies: TemplateDependency[],
  picked: Record<string, string>,
): string[] {
  return dependencies.map(d => picked[d.id]).filter((id): id is string => Boolean(id));
}

/** The dependencies whose parent is required but not picked, with the message each shows. */
export function missingParents(
  dependencies: TemplateDependency[],
  picked: Record<string, string>,
): Record<string, string> {
  return Object.fromEntries(
    dependencies
      .filter(d => d.required && !picked[d.id])
      .map(d => [d.id, 'required: pick the resource this one builds on']),
  );
}

/** A resource the service refuses as a parent: destroyed, or marked for destruction. */
export function unusableAsParent(resource: Pick<Resource, 'state'>): boolean {
  return resource.state === 'destroy' || resource.state === 'destroyed';
}
