import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { infraKitchenApiRef } from '../api';
import type { Resource, Template, TemplateDependency, TemplateVersion } from '../api/types';

/** A template as the service sends it: with its id (optional in the schema, which requests share). */
export type ListedTemplate = Template & { id: string };

/**
 * Templates that may be used for new resources: the service leaves out deprecated ones
 * (`?deprecated=false`) unless asked to include them.
 */
export function useTemplates(options: { includeDeprecated?: boolean } = {}) {
  const api = useApi(infraKitchenApiRef);
  return useAsyncRetry(async (): Promise<ListedTemplate[]> => {
    const page = await api.listTemplates({
      pageSize: 100,
      deprecated: options.includeDeprecated ? undefined : false,
    });
    return page.items.filter((t): t is ListedTemplate => typeof t.id === 'string');
  }, [api, options.includeDeprecated]);
}

/** One template (`GET /templates/{id}`): whether it requires approval, its approver group. */
export function useTemplate(templateId: string | undefined) {
  const api = useApi(infraKitchenApiRef);
  return useAsyncRetry(
    async (): Promise<Template | undefined> =>
      templateId ? api.getTemplate({ templateId }) : undefined,
    [api, templateId],
  );
}

/**
 * A template's usable versions (not deprecated, asked of the service), newest first; with `all`, every
 * version whatever its lifecycle (the catalog, and an edit that starts from a deprecated one).
 */
export function useTemplateVersions(templateId: string | undefined, options: { all?: boolean } = {}) {
  const api = useApi(infraKitchenApiRef);
  const all = Boolean(options.all);
  return useAsyncRetry(async (): Promise<TemplateVersion[]> => {
    if (!templateId) return [];
    const page = await api.listTemplateVersions({ templateId, deprecated: all ? undefined : false });
    return page.items;
  }, [api, templateId, all]);
}

/** What a template builds on: one dependency per parent template (none for most templates). */
export function useTemplateDependencies(templateId: string | undefined) {
  const api = useApi(infraKitchenApiRef);
  return useAsyncRetry(async (): Promise<TemplateDependency[]> => {
    if (!templateId) return [];
    return api.listTemplateDependencies({ templateId });
  }, [api, templateId]);
}

/**
 * The resources that may be picked as parents, by parent template id: those of each parent template the
 * caller can see (the service lists only those), newest first.
 */
export function useParentCandidates(dependencies: TemplateDependency[] | undefined) {
  const api = useApi(infraKitchenApiRef);
  const templateIds = [...new Set((dependencies ?? []).map(d => d.parent_template_id))];
  const key = templateIds.join(',');
  return useAsyncRetry(async (): Promise<Record<string, Resource[]>> => {
    const pages = await Promise.all(
      templateIds.map(templateId => api.listResources({ templateId, pageSize: 100 })),
    );
    return Object.fromEntries(templateIds.map((id, i) => [id, pages[i].items]));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key]);
}

/**
 * The resources a resource builds on (its `parent_ids`), read one by one; a parent the caller may not see is
 * left out.
 */
export function useParentResources(parentIds: string[]) {
  const api = useApi(infraKitchenApiRef);
  const key = parentIds.join(',');
  return useAsyncRetry(async (): Promise<Resource[]> => {
    const parents = await Promise.all(
      parentIds.map(resourceId => api.getResource({ resourceId }).catch(() => undefined)),
    );
    return parents.filter((p): p is Resource => p !== undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key]);
}
