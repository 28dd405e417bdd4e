import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { infraKitchenApiRef } from '../api';
import type { CascadePlan, Operation } from '../api/types';
import { useLiveQuery } from './useLiveQuery';

/**
 * A cascade destroy of one resource: its plan (`GET /resources/{id}/cascade-destroy`, read when the hook
 * mounts, i.e. when its dialog opens; a 403 or 409 is the plan's `error`), and `start`, which posts it and
 * hands the new operation to `onStarted`. A refused start is `error`, and the plan is read again: what
 * stopped it (a resource that became busy) shows there.
 */
export function useCascadeDestroy(resourceId: string, onStarted: (operation: Operation) => void) {
  const api = useApi(infraKitchenApiRef);
  const plan = useLiveQuery<CascadePlan>(
    () => api.getCascadeDestroyPlan({ resourceId }),
    [api, resourceId],
  );
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<Error>();
  const { refresh } = plan;

  const start = async () => {
    setStarting(true);
    setError(undefined);
    try {
      onStarted(await api.cascadeDestroy({ resourceId }));
    } catch (e) {
      setError(e as Error);
      refresh();
    } finally {
      setStarting(false);
    }
  };

  return { plan, start, starting, error };
}
