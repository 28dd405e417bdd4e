import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { infraKitchenApiRef } from '../api';
import type { Template, TemplateVersion } from '../api/types';

/** Templates that may be used for new resources (deprecated ones hidden unless asked). */
export function useTemplates(options: { includeDeprecated?: boolean } = {}) {
  const api = useApi(infraKitchenApiRef);
  return useAsyncRetry(async (): Promise<Template[]> => {
    const page = await api.listTemplates({ pageSize: 100 });
    return options.includeDeprecated ? page.items : page.items.filter(t => !t.deprecated);
  }, [api, options.includeDeprecated]);
}

/** A template's usable versions, newest first. */
export function useTemplateVersions(templateId: string | undefined) {
  const api = useApi(infraKitchenApiRef);
  return useAsyncRetry(async (): Promise<TemplateVersion[]> => {
    if (!templateId) return [];
    const page = await api.listTemplateVersions({ templateId });
    return page.items.filter(v => !v.deprecated);
  }, [api, templateId]);
}

/** "template@version" labels for the resources' version ids. */
export function useTemplateLabels(templateIds: string[]) {
  const api = useApi(infraKitchenApiRef);
  const key = [...new Set(templateIds)].sort().join(',');
  return useAsyncRetry(async (): Promise<Record<string, string>> => {
    const labels: Record<string, string> = {};
    if (!key) return labels;
    const templates = await api.listTemplates({ pageSize: 100 });
    const byId = new Map(templates.items.map(t => [t.id, t]));
    await Promise.all(
      key.split(',').map(async templateId => {
        const versions = await api.listTemplateVersions({ templateId });
        for (const version of versions.items) {
          labels[version.id] = `${byId.get(templateId)?.name ?? templateId}@${version.version}`;
        }
      }),
    );
    return labels;
  }, [api, key]);
}
