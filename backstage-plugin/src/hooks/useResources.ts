import { useEffect } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { infraKitchenApiRef, type ListResourcesOptions } from '../api';
import type { LastRun, LiveEvent, Resource, Run } from '../api/types';
import { useLiveQuery } from './useLiveQuery';

export interface ResourceList {
  /** Each with its template name and version and its last run, as the service sends them. */
  resources: Resource[];
  total?: number;
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
    const incoming = event.data as Resource;
    const others = list.resources.filter(r => r.id !== incoming.id);
    if (!matches(incoming, filter)) return { ...list, resources: others };
    // The resource as it committed, its last run included: events arrive in commit order.
    if (others.length === list.resources.length) return { ...list, resources: [incoming, ...list.resources] };
    return { ...list, resources: list.resources.map(r => (r.id === incoming.id ? incoming : r)) };
  }
  if (event.type === 'run.queued' || event.type === 'run.started' || event.type === 'run.finished') {
    // Between resource events, a run event keeps the row's last run current.
    const run = event.data as Run;
    const current = list.resources.find(r => r.id === run.resource_id);
    if (!current) return list;
    const known = current.last_run;
    if (known && known.id !== run.id && known.created_at > run.created_at) return list;
    const resource = { ...current, last_run: toLastRun(run) };
    return { ...list, resources: list.resources.map(r => (r.id === resource.id ? resource : r)) };
  }
  return list;
}

/** Resources matching a filter, kept current by the live stream. */
export function useResources(filter: ListResourcesOptions) {
  const api = useApi(infraKitchenApiRef);
  const key = JSON.stringify(filter);
  const query = useLiveQuery<ResourceList>(async () => {
    const page = await api.listResources(filter);
    return { resources: page.items, total: page.pagination?.total };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key]);

  const { update, refresh } = query;
  useEffect(() => {
    const topic = filter.entityRef ? { entityRef: filter.entityRef } : { all: true as const };
    return api.subscribe(topic, {
      onEvent: event => update(list => applyListEvent(list, event, filter)),
      onResync: refresh,
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key, update, refresh]);

  return query;
}
