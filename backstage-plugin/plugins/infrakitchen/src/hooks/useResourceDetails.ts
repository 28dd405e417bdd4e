import { useEffect } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { infraKitchenApiRef, infraKitchenLiveApiRef } from '../api';
import type { AuditEntry, Resource, ResourceAction, Run } from '../api/types';
import { useLiveQuery } from './useLiveQuery';
import { mergeResourceEvent } from './mergeResourceEvent';

export interface ResourceDetails {
  resource: Resource;
  actions: ResourceAction[];
  runs: Run[];
  audit: AuditEntry[];
  deleted?: boolean;
}

/** One resource with what the caller may do now, its runs and its audit trail; live. */
export function useResourceDetails(resourceId: string) {
  const api = useApi(infraKitchenApiRef);
  const live = useApi(infraKitchenLiveApiRef);
  const query = useLiveQuery<ResourceDetails>(async () => {
    const [resource, actions, runs, audit] = await Promise.all([
      api.getResource({ resourceId }),
      api.getResourceActions({ resourceId }),
      api.listResourceRuns({ resourceId, pageSize: 20 }),
      api.listAuditLogs({ entityId: resourceId, pageSize: 50 }),
    ]);
    return { resource, actions: actions.actions, runs: runs.items, audit: audit.items };
  }, [api, resourceId]);

  const { update, refresh } = query;
  useEffect(() => {
    // Permissions and the audit trail follow from the change, so they are reread after each event.
    const rereadSideData = async () => {
      const [actions, audit] = await Promise.all([
        api.getResourceActions({ resourceId }),
        api.listAuditLogs({ entityId: resourceId, pageSize: 50 }),
      ]);
      update(d => ({ ...d, actions: actions.actions, audit: audit.items }));
    };
    return live.subscribe(
      { resourceId },
      {
        onEvent: event => {
          if (event.type === 'resource.updated' || event.type === 'resource.created') {
            update(d => ({ ...d, resource: mergeResourceEvent(d.resource, event.data as Resource) }));
          } else if (event.type === 'resource.deleted') {
            update(d => ({ ...d, deleted: true, actions: [] }));
            return;
          } else if (event.type !== 'run.log' && event.type.startsWith('run.')) {
            const run = event.data as Run;
            update(d => ({
              ...d,
              runs: d.runs.some(r => r.id === run.id)
                ? d.runs.map(r => (r.id === run.id ? run : r))
                : [run, ...d.runs],
            }));
          }
          rereadSideData().catch(() => refresh());
        },
        onResync: refresh,
      },
    );
  }, [api, live, resourceId, update, refresh]);

  return query;
}
