import { useCallback, useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { infraKitchenApiRef, type OperationCommand } from '../api';
import type { Operation, OperationStatus } from '../api/types';

/** While an operation is in one of these, it is followed. */
export const ACTIVE_OPERATION_STATUSES: OperationStatus[] = ['running', 'approval_pending'];
/** How often an active operation is read again. */
export const OPERATION_POLL_MS = 2000;

export function isActiveOperation(operation: Operation | undefined): boolean {
  return operation !== undefined && ACTIVE_OPERATION_STATUSES.includes(operation.status);
}

/**
 * The operation (a cascade destroy) a drawer follows for its resource: on opening, the newest active one
 * asked for on it (`GET /operations?resource_id=&status=`), or the one `track` is given once started. While it
 * is running or waiting for approval it is read every 2 s, and `onProgress` follows each read (the resource
 * moves with it). `act` cancels, retries, approves or rejects it; a refusal is `error`.
 */
export function useResourceOperation(resourceId: string, onProgress: () => void) {
  const api = useApi(infraKitchenApiRef);
  const [operation, setOperation] = useState<Operation>();
  const [pending, setPending] = useState<OperationCommand>();
  const [error, setError] = useState<Error>();

  useEffect(() => {
    let stale = false;
    setOperation(undefined);
    setError(undefined);
    Promise.all(
      ACTIVE_OPERATION_STATUSES.map(status => api.listOperations({ resourceId, status, pageSize: 1 })),
    ).then(
      pages => {
        const newest = pages
          .flatMap(page => page.items)
          .sort((a, b) => b.created_at.localeCompare(a.created_at))[0];
        if (!stale && newest) setOperation(current => current ?? newest);
      },
      // Without it the drawer still works (e.g. a service without operations): nothing to follow.
      () => undefined,
    );
    return () => {
      stale = true;
    };
  }, [api, resourceId]);

  const operationId = operation?.id;
  const active = isActiveOperation(operation);
  useEffect(() => {
    if (!operationId || !active) return undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await api.getOperation({ operationId });
        if (stopped) return;
        setOperation(next);
      } catch {
        // A failed read keeps what is shown; the next one tries again.
      }
      if (stopped) return;
      onProgress();
      timer = setTimeout(poll, OPERATION_POLL_MS);
    };
    timer = setTimeout(poll, OPERATION_POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api, operationId, active, onProgress]);

  const track = useCallback(
    (started: Operation) => {
      setOperation(started);
      setError(undefined);
      onProgress();
    },
    [onProgress],
  );

  const act = async (command: OperationCommand, reason?: string) => {
    if (!operation) return;
    setPending(command);
    setError(undefined);
    try {
      setOperation(await api.operationCommand({ operationId: operation.id, command, reason }));
      onProgress();
    } catch (e) {
      setError(e as Error);
    } finally {
      setPending(undefined);
    }
  };

  return { operation, track, act, pending, error };
}
