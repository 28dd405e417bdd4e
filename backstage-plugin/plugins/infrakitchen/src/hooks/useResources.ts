import { useEffect } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { infraKitchenApiRef, infraKitchenLiveApiRef, type ListResourcesOptions } from '../api';
import { asLastRun } from '../api/payloadFields';
import type { LastRun, LiveEvent, Resource, Run } from '../api/types';
import { useLiveQuery } from './useLiveQuery';
import { mergeResourceEvent } from './mergeResourceEvent';

export interface ResourceList {
  /** Each with its template name and version and its last run, as the service sends them. */
  resources: Resource[];
  total?: number;
  /** `total` is the service's estimate (more than 1,000 match). */
  totalEstimated?: boolean;
}

function matches(resource: Resource, filter: ListResourcesOptions): boolean {
  return (
    (!filter.entityRef || resource.entity_ref === filter.entityRef) &&
    (!filter.status || resource.status === filter.status) &&
    (!filter.state || resource.state === filter.state) &&
    (!filter.templateId || resource.template_id === filter.templateId) &&
    (!filter.name || resource.name.startsWith(filter.name))
  );
}

function toLastRun(run: Run): LastRun {
  return {
    id: run.id,
    kind: run.kind,
    status: run.status,
    created_at: run.created_at,
    finished_at: run.finished_at,
  };
}

/** The list with `resource` in place of its row, or first when it has none. */
function withRow(list: ResourceList, resource: Resource): ResourceList {
  const listed = list.resources.some(r => r.id === resource.id);
  const resources = listed
    ? list.resources.map(r => (r.id === resource.id ? resource : r))
    : [resource, ...list.resources];
  return { ...list, resources };
}

/** Applies one live event to a list; exported for tests. */
export function applyListEvent(
  list: ResourceList,
  event: LiveEvent,
  filter: ListResourcesOptions,
): ResourceList {
  if (event.type === 'resource.deleted') {
    return { ...list, resources: list.resources.filter(r => r.id !== event.resource_id) };
  }
  if (event.type === 'resource.created' || event.type === 'resource.updated') {
    // The resource as it committed, its last run included: events arrive in commit order.
    const resource = event.data as Resource;
    if (!matches(resource, filter)) {
      return { ...list, resources: list.resources.filter(r => r.id !== resource.id) };
    }
    return withRow(list, mergeResourceEvent(list.resources.find(r => r.id === resource.id), resource));
  }
  if (event.type === 'run.queued' || event.type === 'run.started' || event.type === 'run.finished') {
    // Between resource events, a run event keeps the row's last run current.
    const run = event.data as Run;
    const current = list.resources.find(r => r.id === run.resource_id);
    if (!current) return list;
    const known = asLastRun(current.last_run);
    if (known && known.id !== run.id && known.created_at > run.created_at) return list;
    return withRow(list, { ...current, last_run: toLastRun(run) });
  }
  return list;
}

/** Resources matching a filter, kept current by the live stream. */
export function useResources(filter: ListResourcesOptions) {
  const api = useApi(infraKitchenApiRef);
  const live = useApi(infraKitchenLiveApiRef);
  const key = JSON.stringify(filter);
  const query = useLiveQuery<ResourceList>(async () => {
    const page = await api.listResources(filter);
    return {
      resources: page.items,
      total: page.pagination?.total,
      totalEstimated: page.pagination?.total_estimated === true,
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key]);

  const { update, refresh } = query;
  useEffect(() => {
    const topic = filter.entityRef ? { entityRef: filter.entityRef } : { all: true as const };
    return live.subscribe(topic, {
      onEvent: event => update(list => applyListEvent(list, event, filter)),
      onResync: refresh,
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [live, key, update, refresh]);

  return query;
}
