import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import type {
  ChangeDecision,
  ChangeRunCommand,
  InfraKitchenApi,
  ListResourcesOptions,
  OperationCommand,
  ResourceCommand,
} from './InfraKitchenApi';
import { InfraKitchenError } from './InfraKitchenError';
import type {
  AuditEntry,
  CascadePlan,
  ChangeRequest,
  ChangeStatus,
  DependencyDirection,
  EventsPage,
  LiveTopic,
  Me,
  Operation,
  OperationStatus,
  Page,
  Pagination,
  Resource,
  ResourceActions,
  ResourceChange,
  ResourceCreateRequest,
  ResourceTree,
  Run,
  RunLog,
  Template,
  TemplateDependency,
  TemplateVersion,
} from './types';

export interface InfraKitchenClientOptions {
  discoveryApi: DiscoveryApi;
  fetchApi: FetchApi;
  /** Proxy path of the service, `/infrakitchen` unless `infrakitchen.proxyPath` says otherwise. */
  proxyPath?: string;
}

/** One REST call: method (GET by default), JSON body, query parameters (undefined ones left out). */
interface Call {
  method?: string;
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
}

function topicQuery(topic: LiveTopic): Record<string, string | undefined> {
  if ('resourceId' in topic) return { resource_id: topic.resourceId };
  if ('entityRef' in topic) return { entity_ref: topic.entityRef };
  if ('runId' in topic) return { run_id: topic.runId };
  return {};
}

/** REST client of the service through the Backstage proxy. */
export class InfraKitchenClient implements InfraKitchenApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;
  private readonly proxyPath: string;

  constructor(options: InfraKitchenClientOptions) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
    this.proxyPath = options.proxyPath ?? '/infrakitchen';
  }

  async listResources(options: ListResourcesOptions): Promise<Page<Resource>> {
    return this.getPage<Resource>('/resources/', {
      entity_ref: options.entityRef,
      state: options.state,
      status: options.status,
      name: options.name,
      template_id: options.templateId,
      page: options.page,
      page_size: options.pageSize ?? 100,
    });
  }

  async getResource(options: { resourceId: string }): Promise<Resource> {
    return this.request(`/resources/${enc(options.resourceId)}`);
  }

  async getResourceActions(options: { resourceId: string }): Promise<ResourceActions> {
    return this.request(`/resources/${enc(options.resourceId)}/actions`);
  }

  async getResourceTree(options: {
    resourceId: string;
    direction: DependencyDirection;
  }): Promise<ResourceTree> {
    return this.request(`/resources/${enc(options.resourceId)}/tree`, {
      query: { direction: options.direction },
    });
  }

  async createResource(options: { request: ResourceCreateRequest }): Promise<Resource> {
    return this.request('/resources/', { method: 'POST', body: options.request });
  }

  async deleteResource(options: { resourceId: string }): Promise<void> {
    await this.request(`/resources/${enc(options.resourceId)}`, { method: 'DELETE' });
  }

  async runCommand(options: {
    resourceId: string;
    command: ResourceCommand;
    reason?: string;
  }): Promise<Run | Resource> {
    // Reject requires a reason; approve takes an optional one (no body without it).
    let body: { reason: string } | undefined;
    if (options.command === 'reject') body = { reason: options.reason ?? '' };
    else if (options.command === 'approve' && options.reason) body = { reason: options.reason };
    return this.request(`/resources/${enc(options.resourceId)}/${options.command}`, { method: 'POST', body });
  }

  async cancelRun(options: { runId: string; force?: boolean }): Promise<Run> {
    return this.request(`/runs/${enc(options.runId)}/cancel`, {
      method: 'POST',
      body: { force: options.force ?? false },
    });
  }

  async getCascadeDestroyPlan(options: { resourceId: string }): Promise<CascadePlan> {
    return this.request(`/resources/${enc(options.resourceId)}/cascade-destroy`);
  }

  async cascadeDestroy(options: { resourceId: string }): Promise<Operation> {
    return this.request(`/resources/${enc(options.resourceId)}/cascade-destroy`, { method: 'POST' });
  }

  async listOperations(options: {
    resourceId?: string;
    status?: OperationStatus;
    pageSize?: number;
  }): Promise<Page<Operation>> {
    return this.getPage<Operation>('/operations/', {
      resource_id: options.resourceId,
      status: options.status,
      page_size: options.pageSize ?? 20,
    });
  }

  async getOperation(options: { operationId: string }): Promise<Operation> {
    return this.request(`/operations/${enc(options.operationId)}`);
  }

  async operationCommand(options: {
    operationId: string;
    command: OperationCommand;
    reason?: string;
  }): Promise<Operation> {
    return this.request(`/operations/${enc(options.operationId)}/${options.command}`, {
      method: 'POST',
      body: options.command === 'reject' ? { reason: options.reason ?? '' } : undefined,
    });
  }

  async requestChange(options: { resourceId: string; request: ChangeRequest }): Promise<ResourceChange> {
    return this.request(`/resources/${enc(options.resourceId)}`, { method: 'PATCH', body: options.request });
  }

  async listChanges(options: {
    resourceId: string;
    status?: ChangeStatus;
    pageSize?: number;
  }): Promise<Page<ResourceChange>> {
    return this.getPage<ResourceChange>(`/resources/${enc(options.resourceId)}/changes`, {
      status: options.status,
      page_size: options.pageSize ?? 20,
    });
  }

  async getChange(options: { changeId: string }): Promise<ResourceChange> {
    return this.request(`/changes/${enc(options.changeId)}`);
  }

  async runChange(options: { changeId: string; command: ChangeRunCommand }): Promise<Run> {
    return this.request(`/changes/${enc(options.changeId)}/${options.command}`, { method: 'POST' });
  }

  async decideChange(options: {
    changeId: string;
    decision: ChangeDecision;
    reason?: string;
  }): Promise<ResourceChange> {
    // Approve takes an optional reason (no body without one); reject requires it.
    let body: { reason: string } | undefined;
    if (options.decision === 'reject') body = { reason: options.reason ?? '' };
    else if (options.reason) body = { reason: options.reason };
    return this.request(`/changes/${enc(options.changeId)}/${options.decision}`, { method: 'POST', body });
  }

  async listResourceRuns(options: { resourceId: string; pageSize?: number }): Promise<Page<Run>> {
    return this.getPage<Run>(`/resources/${enc(options.resourceId)}/runs`, {
      page_size: options.pageSize ?? 20,
    });
  }

  async getRun(options: { runId: string }): Promise<Run> {
    return this.request(`/runs/${enc(options.runId)}`);
  }

  async getRunLogs(options: { runId: string; offset: number; limit?: number }): Promise<RunLog> {
    return this.request(`/runs/${enc(options.runId)}/logs`, {
      query: { offset: options.offset, limit: options.limit },
    });
  }

  async listTemplates(options: {
    name?: string;
    deprecated?: boolean;
    pageSize?: number;
  }): Promise<Page<Template>> {
    return this.getPage<Template>('/templates/', {
      name: options.name,
      deprecated: booleanParam(options.deprecated),
      page_size: options.pageSize ?? 100,
    });
  }

  async getTemplate(options: { templateId: string }): Promise<Template> {
    return this.request(`/templates/${enc(options.templateId)}`);
  }

  async listTemplateVersions(options: {
    templateId: string;
    deprecated?: boolean;
  }): Promise<Page<TemplateVersion>> {
    return this.getPage<TemplateVersion>(`/templates/${enc(options.templateId)}/versions`, {
      deprecated: booleanParam(options.deprecated),
      page_size: 100,
    });
  }

  async listTemplateDependencies(options: {
    templateId: string;
    direction?: DependencyDirection;
  }): Promise<TemplateDependency[]> {
    return this.request(`/templates/${enc(options.templateId)}/dependencies`, {
      query: { direction: options.direction },
    });
  }

  async listAuditLogs(options: { entityId: string; pageSize?: number }): Promise<Page<AuditEntry>> {
    return this.getPage<AuditEntry>('/audit-logs/', {
      entity_id: options.entityId,
      page_size: options.pageSize ?? 50,
    });
  }

  async getMe(): Promise<Me> {
    return this.request('/me');
  }

  async listEvents(options: {
    topic: LiveTopic;
    after?: number;
    waitSeconds: number;
    signal?: AbortSignal;
  }): Promise<EventsPage> {
    // The service answers `/events` and `/events/` alike; never rely on a redirect, whose Location would
    // point at the service's own address, behind the Backstage proxy.
    return this.request('/events/', {
      query: { ...topicQuery(options.topic), after: options.after, wait: options.waitSeconds },
      signal: options.signal,
    });
  }

  private async getPage<T>(
    path: string,
    query: Record<string, string | number | undefined>,
  ): Promise<Page<T>> {
    const response = await this.send(path, { query });
    const items = (await response.json()) as T[];
    const header = response.headers.get('X-Pagination');
    let pagination: Pagination | undefined;
    if (header) {
      try {
        pagination = JSON.parse(header);
      } catch {
        pagination = undefined;
      }
    }
    return { items, pagination };
  }

  private async request<T>(
    path: string,
    init: Call = {},
  ): Promise<T> {
    const response = await this.send(path, init);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  private async send(
    path: string,
    init: Call,
  ): Promise<Response> {
    // The proxy's base URL is looked up on every call: discovery may change at runtime.
    const base = `${await this.discoveryApi.getBaseUrl('proxy')}${this.proxyPath}/api/v1`;
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(init.query ?? {})) {
      if (value !== undefined && value !== '') params.set(key, String(value));
    }
    const url = `${base}${path}${params.size ? `?${params}` : ''}`;
    let response: Response;
    try {
      response = await this.fetchApi.fetch(url, {
        method: init.method ?? 'GET',
        headers: init.body !== undefined ? { 'Content-Type': 'application/json' } : undefined,
        body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
        signal: init.signal,
      });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw InfraKitchenError.unreachable(error);
    }
    if (!response.ok) throw await InfraKitchenError.fromResponse(response);
    return response;
  }
}

function booleanParam(value: boolean | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

function enc(id: string) {
  return encodeURIComponent(id);
}
