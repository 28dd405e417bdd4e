import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { infraKitchenApiRef, type ResourceCommand } from '../api';
import type { Resource, ResourceAction, Run } from '../api/types';

/**
 * Runs the actions of one resource, one at a time: `pending` names the one under way, `error` is the last
 * failure (cleared by the next attempt). `cancel` acts on the active run, `delete` removes the record, the
 * others post the command; `onDone` follows each success.
 */
export function useResourceActions(options: {
  resource: Resource;
  runs: Run[];
  onDone(action: ResourceAction): void;
}) {
  const api = useApi(infraKitchenApiRef);
  const [pending, setPending] = useState<ResourceAction>();
  const [error, setError] = useState<Error>();
  const { resource, runs, onDone } = options;
  const activeRun = runs.find(r => r.status === 'queued' || r.status === 'running');

  /** `reason` goes with a rejection. */
  const perform = async (action: ResourceAction, reason: string = '') => {
    setPending(action);
    setError(undefined);
    try {
      if (action === 'cancel') {
        if (!activeRun) throw new Error('There is no active run to cancel.');
        await api.cancelRun({ runId: activeRun.id });
      } else if (action === 'delete') {
        await api.deleteResource({ resourceId: resource.id });
      } else {
        await api.runCommand({
          resourceId: resource.id,
          command: action as ResourceCommand,
          reason: reason || undefined,
        });
      }
      onDone(action);
    } catch (e) {
      setError(e as Error);
    } finally {
      setPending(undefined);
    }
  };

  return { perform, pending, error };
}
