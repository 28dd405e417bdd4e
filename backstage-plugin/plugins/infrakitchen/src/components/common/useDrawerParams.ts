import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';

/**
 * The open drawer lives in the URL (`?resource=<id>&run=<id>`), so links to a run work and nothing
 * but the person closes it: data refreshes never touch it. `&upgrade=<version id>` asks the drawer to open
 * the edit form on that version (a row's "Upgrade available" badge); the drawer clears it once it did.
 */
export function useDrawerParams() {
  const [params, setParams] = useSearchParams();
  const resourceId = params.get('resource') ?? undefined;
  const runId = params.get('run') ?? undefined;
  const upgradeTo = params.get('upgrade') ?? undefined;
  const open = useCallback(
    (resource: string, run?: string) =>
      setParams(p => {
        const next = new URLSearchParams(p);
        next.set('resource', resource);
        if (run) next.set('run', run);
        else next.delete('run');
        next.delete('upgrade');
        return next;
      }),
    [setParams],
  );
  const openUpgrade = useCallback(
    (resource: string, versionId: string) =>
      setParams(p => {
        const next = new URLSearchParams(p);
        next.set('resource', resource);
        next.delete('run');
        next.set('upgrade', versionId);
        return next;
      }),
    [setParams],
  );
  const clearUpgrade = useCallback(
    () =>
      setParams(p => {
        const next = new URLSearchParams(p);
        next.delete('upgrade');
        return next;
      }, { replace: true }),
    [setParams],
  );
  const close = useCallback(
    () =>
      setParams(p => {
        const next = new URLSearchParams(p);
        next.delete('resource');
        next.delete('run');
        next.delete('upgrade');
        return next;
      }),
    [setParams],
  );
  return { resourceId, runId, upgradeTo, open, openUpgrade, clearUpgrade, close };
}

export type DrawerParams = ReturnType<typeof useDrawerParams>;
