import { useCallback, useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  infraKitchenApiRef,
  infraKitchenLiveApiRef,
  type ChangeDecision,
  type ChangeRunCommand,
} from '../api';
import type { ChangeStatus, ResourceChange, Run } from '../api/types';
import { useLiveQuery } from './useLiveQuery';

/** A change in one of these may still be planned, decided on and applied. */
const PENDING_CHANGE_STATUSES: ChangeStatus[] = ['open', 'approved'];
/** How often a change whose run is under way is read again (besides its live events). */
const CHANGE_POLL_MS = 2000;

export type ChangeCommand = ChangeRunCommand | ChangeDecision;

function isPendingChange(change: ResourceChange | undefined): change is ResourceChange {
  return change !== undefined && PENDING_CHANGE_STATUSES.includes(change.status);
}

/** Whether one of the change's runs is queued or running (a run the drawer has not seen yet counts). */
export function awaitsRun(change: ResourceChange, runs: Run[]): boolean {
  const active = (runId: string) => {
    const run = runs.find(r => r.id === runId);
    return !run || run.status === 'queued' || run.status === 'running';
  };
  const planning = Boolean(change.plan_run_id && !change.plan_summary && active(change.plan_run_id));
  return planning || Boolean(change.apply_run_id && active(change.apply_run_id));
}

/** `list` with `change` in its place (unless the one shown is newer), newest first. */
function withChange(list: ResourceChange[], change: ResourceChange): ResourceChange[] {
  const known = list.find(c => c.id === change.id);
  if (known && known.updated_at > change.updated_at) return list;
  const rest = list.filter(c => c.id !== change.id);
  return [change, ...rest].sort((a, b) => b.created_at.localeCompare(a.created_at));
}

/**
 * A resource's change requests, newest first (`GET /resources/{id}/changes`), followed by the live
 * `change.created` / `change.updated` events of its subscription; `current` is the newest open or approved
 * one. While a run of it is under way it is also read every 2 s, so its plan summary shows even without live
 * events. `act` plans, applies, approves or rejects it; a refusal is `actionError` (`error` is the list's
 * own), and `onProgress` follows each success (its runs and the resource move with it).
 */
export function useResourceChanges(resourceId: string, runs: Run[], onProgress: () => void) {
  const api = useApi(infraKitchenApiRef);
  const live = useApi(infraKitchenLiveApiRef);
  const query = useLiveQuery<ResourceChange[]>(
    async () => (await api.listChanges({ resourceId, pageSize: 20 })).items,
    [api, resourceId],
  );
  const [pending, setPending] = useState<ChangeCommand>();
  const [actionError, setActionError] = useState<Error>();
  const { update, refresh } = query;
  const track = useCallback((change: ResourceChange) => update(list => withChange(list, change)), [update]);

  useEffect(
    () =>
      live.subscribe(
        { resourceId },
        {
          onEvent: event => {
            if (event.type === 'change.created' || event.type === 'change.updated') {
              track(event.data as ResourceChange);
            }
          },
          onResync: refresh,
        },
      ),
    [live, resourceId, track, refresh],
  );

  const changes = query.value ?? [];
  const current = changes.find(isPendingChange);
  const currentId = current?.id;
  const waiting = current ? awaitsRun(current, runs) : false;
  useEffect(() => {
    if (!currentId || !waiting) return undefined;
    const timer = setInterval(() => {
      api.getChange({ changeId: currentId }).then(track, () => undefined);
    }, CHANGE_POLL_MS);
    return () => clearInterval(timer);
  }, [api, currentId, waiting, track]);

  const act = async (command: ChangeCommand, reason?: string) => {
    if (!current) return;
    const changeId = current.id;
    setPending(command);
    setActionError(undefined);
    try {
      if (command === 'plan' || command === 'apply') {
        await api.runChange({ changeId, command });
        // The change now names its run: read it rather than guess what the service set.
        await api.getChange({ changeId }).then(track, refresh);
      } else {
        track(await api.decideChange({ changeId, decision: command, reason }));
      }
      onProgress();
    } catch (e) {
      setActionError(e as Error);
    } finally {
      setPending(undefined);
    }
  };

  const past = changes.filter(c => c.id !== currentId);
  return { ...query, changes, current, past, act, pending, actionError, track };
}
