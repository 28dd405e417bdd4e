import { asUpgrade } from '../api/payloadFields';
import type { Resource } from '../api/types';

/**
 * The resource a live event carries, in place of the one shown. Event payloads may leave out
 * `upgrade_available` (the service computes it per read): without the key, the shown value stays, unless the
 * resource has just moved to that very version (then it is on the newest one).
 */
export function mergeResourceEvent(previous: Resource | undefined, event: Resource): Resource {
  // The type says the key is always there; live payloads may leave it out.
  const next: Omit<Resource, 'upgrade_available'> & Partial<Pick<Resource, 'upgrade_available'>> = event;
  if (next.upgrade_available !== undefined || !previous) return event;
  const upgrade = asUpgrade(previous.upgrade_available);
  const upgraded = upgrade !== null && upgrade.version_id === next.template_version_id;
  return { ...next, upgrade_available: upgraded ? null : previous.upgrade_available };
}
