import type { Resource } from '../api/types';
import { fixtureResource } from '../__fixtures__';
import { mergeResourceEvent } from './mergeResourceEvent';

const upgrade = { version_id: 'v-1.1.0', version: '1.1.0' };
const shown: Resource = { ...fixtureResource, upgrade_available: upgrade };
/** A live event's resource: the service leaves `upgrade_available` out of it. */
function event(extra: Partial<Resource>): Resource {
  const { upgrade_available: _absent, ...rest } = { ...fixtureResource, ...extra };
  return rest as Resource;
}

describe('mergeResourceEvent', () => {
  it('keeps the upgrade shown when the event leaves it out', () => {
    const merged = mergeResourceEvent(shown, event({ status: 'queued' }));
    expect(merged.status).toBe('queued');
    expect(merged.upgrade_available).toEqual(upgrade);
  });

  it('drops it once the resource is on that very version', () => {
    const merged = mergeResourceEvent(shown, event({ template_version_id: 'v-1.1.0' }));
    expect(merged.upgrade_available).toBeNull();
  });

  it('takes the event’s own when it has one, and the event as it is for a resource not shown', () => {
    const newer = { version_id: 'v-1.2.0', version: '1.2.0' };
    expect(mergeResourceEvent(shown, { ...shown, upgrade_available: newer }).upgrade_available).toEqual(newer);
    expect(mergeResourceEvent(shown, { ...shown, upgrade_available: null }).upgrade_available).toBeNull();
    const fresh = event({});
    expect(mergeResourceEvent(undefined, fresh)).toBe(fresh);
  });
});
