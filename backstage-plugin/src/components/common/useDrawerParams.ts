import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';

/**
 * The open drawer lives in the URL (`?resource=<id>&run=<id>`), so links to a run work and nothing
 * but the person closes it: data refreshes never touch it.
 */
export function useDrawerParams() {
  const [params, setParams] = useSearchParams();
  const resourceId = params.get('resource') ?? undefined;
  const runId = params.get('run') ?? undefined;
  const open = useCallback(
    (resource: string, run?: string) =>
      setParams(p => {
        const next = new URLSearchParams(p);
        next.set('resource', resource);
        if (run) next.set('run', run);
        else next.delete('run');
        return next;
      }),
    [setParams],
  );
  const close = useCallback(
    () =>
      setParams(p => {
        const next = new URLSearchParams(p);
        next.delete('resource');
        next.delete('run');
        return next;
      }),
    [setParams],
  );
  return { resourceId, runId, open, close };
}

export type DrawerParams = ReturnType<typeof useDrawerParams>;
