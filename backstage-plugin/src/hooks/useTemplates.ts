import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { infraKitchenApiRef } from '../api';
import type { Template, TemplateVersion } from '../api/types';

/**
 * Templates that may be used for new resources: the service leaves out deprecated ones
 * (`?deprecated=false`) unless asked to include them.
 */
export function useTemplates(options: { includeDeprecated?: boolean } = {}) {
  const api = useApi(infraKitchenApiRef);
  return useAsyncRetry(async (): Promise<Template[]> => {
    const page = await api.listTemplates({
      pageSize: 100,
      deprecated: options.includeDeprecated ? undefined : false,
    });
    return page.items;
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
