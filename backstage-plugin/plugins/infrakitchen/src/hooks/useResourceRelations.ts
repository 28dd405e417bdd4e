import { useEffect, useRef } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { infraKitchenApiRef } from '../api';
import { asIds } from '../api/payloadFields';
import type { Resource, ResourceTreeNode } from '../api/types';
import { useLiveQuery } from './useLiveQuery';

export interface ResourceRelations {
  /** The resources it builds on (depth 1 of its parents' tree), those the caller can see. */
  parents: ResourceTreeNode[];
  /** How many of its `parent_ids` the caller cannot see (the tree leaves them out). */
  hiddenParents: number;
  /** The resources built directly on it (depth 1 of its children's tree). */
  children: ResourceTreeNode[];
}

/**
 * What a resource builds on and what is built on it, one level each way, from `GET /resources/{id}/tree`.
 * Reread (without a loading state) whenever the resource itself changes: a parent provisioned, a child added.
 */
export function useResourceRelations(resource: Resource | undefined) {
  const api = useApi(infraKitchenApiRef);
  const resourceId = resource?.id;
  const parentIds = asIds(resource?.parent_ids);
  const parentKey = parentIds.join(',');
  const query = useLiveQuery<ResourceRelations>(async () => {
    if (!resourceId) return { parents: [], hiddenParents: 0, children: [] };
    const [parents, children] = await Promise.all([
      parentIds.length
        ? api.getResourceTree({ resourceId, direction: 'parents' })
        : Promise.resolve(undefined),
      api.getResourceTree({ resourceId, direction: 'children' }),
    ]);
    const shown = (parents?.nodes ?? []).filter(n => n.depth === 1);
    return {
      parents: shown,
      hiddenParents: parentIds.filter(id => !shown.some(n => n.id === id)).length,
      children: children.nodes.filter(n => n.depth === 1),
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, resourceId, parentKey]);

  const { refresh } = query;
  const version = resource ? `${resource.id}|${resource.updated_at}|${resource.status}` : undefined;
  const seen = useRef(version);
  useEffect(() => {
    // The first load (and that of another resource) is useLiveQuery's own; only later changes reread.
    const sameResource = seen.current?.split('|')[0] === resourceId;
    if (version !== seen.current && sameResource) refresh();
    seen.current = version;
  }, [version, resourceId, refresh]);

  return query;
}
