import { useEffect } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { infraKitchenApiRef, type ListResourcesOptions } from '../api';
import type { LiveEvent, Resource, Run } from '../api/types';
import { useLiveQuery } from './useLiveQuery';

export interface ResourceList {
  resources: Resource[];
  /** The newest run of each resource, by resource id (only when asked for). */
  lastRuns: Record<string, Run | undefined>;
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
    const resource = event.data as Resource;
    const others = list.resources.filter(r => r.id !== resource.id);
    if (!matches(resource, filter)) return { ...list, resources: others };
    const index = list.resources.findIndex(r => r.id === resource.id);
    const resources =
      index < 0
        ? [resource, ...list.resources]
        : list.resources.map(r => (r.id === resource.id ? resource : r));
    return { ...list, resources };
  }
  if (event.type.startsWith('run.') && event.type !== 'run.log') {
    const run = event.data as Run;
    const current = list.lastRuns[run.resource_id];
    if (current && current.id !== run.id && current.created_at > run.created_at) return list;
    return { ...list, lastRuns: { ...list.lastRuns, [run.resource_id]: run } };
  }
  return list;
}

/** Resources matching a filter, kept current by the live stream. */
export function useResources(filter: ListResourcesOptions, options: { withLastRuns?: boolean } = {}) {
  const api = useApi(infraKitchenApiRef);
  const key = JSON.stringify(filter);
  const query = useLiveQuery<ResourceList>(async () => {
    const page = await api.listResources(filter);
    const lastRuns: ResourceList['lastRuns'] = {};
    if (options.withLastRuns) {
      await Promise.all(
        page.items.map(async resource => {
          const runs = await api.listResourceRuns({ resourceId: resource.id, pageSize: 1 });
          lastRuns[resource.id] = runs.items[0];
        }),
      );
    }
    return { resources: page.items, lastRuns, total: page.pagination?.total };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key, options.withLastRuns]);

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
