import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { infraKitchenApiRef } from '../api';
import type { Template, TemplateVersion } from '../api/types';

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

/** A template's usable versions (not deprecated, asked of the service), newest first. */
export function useTemplateVersions(templateId: string | undefined) {
  const api = useApi(infraKitchenApiRef);
  return useAsyncRetry(async (): Promise<TemplateVersion[]> => {
    if (!templateId) return [];
    const page = await api.listTemplateVersions({ templateId, deprecated: false });
    return page.items;
  }, [api, templateId]);
}
