import type {
  InfraKitchenApi,
  InfraKitchenLiveApi,
  ListResourcesOptions,
  OperationCommand,
  ResourceCommand,
} from '../api';
import { InfraKitchenError } from '../api/InfraKitchenError';
import type {
  AuditEntry,
  CascadePlan,
  DependencyDirection,
  EventsPage,
  LiveEvent,
  LiveTopic,
  Me,
  Operation,
  OperationStatus,
  Page,
  Resource,
  ResourceAction,
  ResourceActions,
  ResourceCreateRequest,
  ResourceTree,
  Run,
  RunLog,
  Template,
  TemplateDependency,
  TemplateVersion,
} from '../api/types';
import { asIds } from '../api/payloadFields';
import type { LiveHandlers, LiveStatus } from '../live/types';
import {
  fixtureAudit,
  fixtureResource,
  fixtureRuns,
  fixtureTemplates,
  fixtureVersions,
} from './index';

interface Subscriber {
  topic: LiveTopic;
  handlers: LiveHandlers;
}

/** The live stream of the in-memory InfraKitchen: always `live`, events pushed with `emit`. */
export class FakeInfraKitchenLiveApi implements InfraKitchenLiveApi {
  /** The id of the newest event emitted (what `GET /events/` answers as `last_id`). */
  lastId = 0;
  private subscribers = new Set<Subscriber>();

  /** Pushes an event to every subscriber whose topic it matches. */
  emit(event: Omit<LiveEvent, 'id' | 'at'>) {
    const full: LiveEvent = { ...event, id: ++this.lastId, at: new Date().toISOString() };
    for (const s of this.subscribers) {
      const t = s.topic;
      const match =
        'all' in t ||
        ('resourceId' in t && t.resourceId === full.resource_id) ||
        ('entityRef' in t && t.entityRef === full.entity_ref) ||
        ('runId' in t && t.runId === full.run_id);
      if (match) s.handlers.onEvent(full);
    }
  }

  subscribe(topic: LiveTopic, handlers: LiveHandlers): () => void {
    const subscriber = { topic, handlers };
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  liveStatus(listener: (status: LiveStatus) => void): () => void {
    listener('live');
    return () => {};
  }
}

/**
 * An in-memory InfraKitchen for component tests and the offline dev app: state seeded from recorded
 * fixtures, failures injected with `failNext`; its live stream is `live` (events pushed with `emit`).
 * Provide both: `[infraKitchenApiRef, api]` and `[infraKitchenLiveApiRef, api.live]`.
 */
export class FakeInfraKitchenApi implements InfraKitchenApi {
  readonly live = new FakeInfraKitchenLiveApi();
  resources: Resource[] = [fixtureResource];
  actions: Record<string, ResourceAction[]> = { [fixtureResource.id]: ['provision', 'plan', 'destroy'] };
  runs: Run[] = [...fixtureRuns];
  templates: Template[] = [...fixtureTemplates];
  versions: TemplateVersion[] = [...fixtureVersions];
  /** What templates build on (none in the recorded demo). */
  dependencies: TemplateDependency[] = [];
  audit: AuditEntry[] = [...fixtureAudit];
  /** Cascade destroys started (`cascadeDestroy`), moved only by `operationCommand`. */
  operations: Operation[] = [];
  logs: Record<string, string[]> = {};
  created: ResourceCreateRequest[] = [];
  commands: Array<{ resourceId: string; command: string; reason?: string }> = [];
  /** The filters `listTemplates` / `listTemplateVersions` were called with. */
  templateQueries: Array<{ templateId?: string; deprecated?: boolean }> = [];
  /** Every REST call, by method name (to check which requests a view makes). */
  calls: string[] = [];
  private failures = new Map<string, InfraKitchenError>();

  /** The next call of `method` fails with this status (and body fields). */
  failNext(method: keyof InfraKitchenApi, statusCode: number, extra: Partial<InfraKitchenError> = {}) {
    this.failures.set(
      method,
      new InfraKitchenError({ statusCode, message: `failed with ${statusCode}`, ...extra }),
    );
  }

  /** Pushes an event to the subscribers of `live` whose topic it matches. */
  emit(event: Omit<LiveEvent, 'id' | 'at'>) {
    this.live.emit(event);
  }

  private check(method: keyof InfraKitchenApi) {
    this.calls.push(method);
    const failure = this.failures.get(method);
    if (failure) {
      this.failures.delete(method);
      throw failure;
    }
  }

  private find(resourceId: string): Resource {
    const r = this.resources.find(x => x.id === resourceId);
    if (!r) throw new InfraKitchenError({ statusCode: 404, message: 'not found' });
    return r;
  }

  async listResources(o: ListResourcesOptions): Promise<Page<Resource>> {
    this.check('listResources');
    const items = this.resources.filter(
      r =>
        (!o.entityRef || r.entity_ref === o.entityRef) &&
        (!o.status || r.status === o.status) &&
        (!o.state || r.state === o.state) &&
        (!o.templateId || r.template_id === o.templateId) &&
        (!o.name || r.name.startsWith(o.name)),
    );
    return { items, pagination: { total: items.length, total_pages: 1, page: 1 } };
  }
  async getResource(o: { resourceId: string }) {
    this.check('getResource');
    return this.find(o.resourceId);
  }
  async getResourceActions(o: { resourceId: string }): Promise<ResourceActions> {
    this.check('getResourceActions');
    const r = this.find(o.resourceId);
    return { resource_id: r.id, state: r.state, status: r.status, actions: this.actions[r.id] ?? [] };
  }
  async getResourceTree(o: { resourceId: string; direction: DependencyDirection }): Promise<ResourceTree> {
    this.check('getResourceTree');
    this.find(o.resourceId);
    // Like the service: depth first, by name among siblings.
    const next = (id: string) =>
      (o.direction === 'children'
        ? this.resources.filter(r => asIds(r.parent_ids).includes(id))
        : asIds(this.find(id).parent_ids).flatMap(p => this.resources.filter(r => r.id === p))
      ).sort((a, b) => a.name.localeCompare(b.name));
    const nodes: ResourceTree['nodes'] = [];
    const visit = (id: string, depth: number) => {
      for (const r of next(id)) {
        nodes.push({
          id: r.id,
          name: r.name,
          state: r.state,
          status: r.status,
          pending_reason: r.pending_reason,
          template_name: String(r.template_name),
          depth,
          via: id,
        });
        if (depth < 20) visit(r.id, depth + 1);
      }
    };
    visit(o.resourceId, 1);
    return { resource_id: o.resourceId, direction: o.direction, truncated: false, nodes };
  }
  async createResource(o: { request: ResourceCreateRequest }): Promise<Resource> {
    this.check('createResource');
    this.created.push(o.request);
    const parents = (o.request.parent_ids ?? []).map(id => this.find(id));
    const waiting = parents.filter(p => p.state !== 'provisioned' || p.status !== 'done');
    const now = new Date().toISOString();
    const template = this.templates.find(t => t.id === o.request.template_id);
    // Like the service: the given version, else the template's newest one that is not deprecated.
    const version = o.request.template_version_id
      ? this.versions.find(v => v.id === o.request.template_version_id)
      : this.versions.find(v => v.template_id === o.request.template_id && !v.deprecated);
    const resource: Resource = {
      ...fixtureResource,
      id: `fake-${this.created.length}`,
      name: o.request.name,
      entity_ref: o.request.entity_ref ?? null,
      template_id: o.request.template_id,
      template_name: template?.name ?? fixtureResource.template_name,
      template_version_id: version?.id ?? fixtureResource.template_version_id,
      template_version: version?.version ?? fixtureResource.template_version,
      last_run: null,
      variables: o.request.variables,
      outputs: {},
      state: 'provision',
      status: waiting.length ? 'pending' : 'ready',
      parent_ids: parents.map(p => p.id),
      pending_reason: waiting.length
        ? `waiting for parent ${waiting.map(p => `${p.name} (${p.state}, ${p.status})`).join(', ')} to be provisioned`
        : null,
      auto_provision: o.request.auto_provision ?? false,
      created_at: now,
      updated_at: now,
    };
    this.resources = [resource, ...this.resources];
    this.actions[resource.id] = waiting.length ? ['delete'] : ['provision', 'plan'];
    return resource;
  }
  async deleteResource(o: { resourceId: string }) {
    this.check('deleteResource');
    this.resources = this.resources.filter(r => r.id !== o.resourceId);
  }
  async runCommand(o: { resourceId: string; command: ResourceCommand; reason?: string }) {
    this.check('runCommand');
    this.commands.push(o);
    return this.find(o.resourceId);
  }
  async cancelRun(o: { runId: string }) {
    this.check('cancelRun');
    this.commands.push({ resourceId: '', command: `cancel:${o.runId}` });
    return this.runs.find(r => r.id === o.runId)!;
  }
  async getCascadeDestroyPlan(o: { resourceId: string }): Promise<CascadePlan> {
    this.check('getCascadeDestroyPlan');
    const root = this.find(o.resourceId);
    const { nodes } = await this.getResourceTree({ resourceId: root.id, direction: 'children' });
    // Leaves first: the deepest place of each resource decides, then the resource itself.
    const depth = new Map<string, number>();
    for (const n of nodes) depth.set(n.id, Math.max(depth.get(n.id) ?? 0, n.depth));
    const below = [...depth.keys()]
      .map(id => this.find(id))
      .filter(r => r.state !== 'destroyed')
      .sort((a, b) => depth.get(b.id)! - depth.get(a.id)! || a.name.localeCompare(b.name));
    const steps = [...below, root].map((r, i) => {
      const never = r.state === 'provision' && ['ready', 'pending'].includes(r.status);
      return {
        position: i + 1,
        resource_id: r.id,
        resource_name: r.name,
        template_name: String(r.template_name),
        state: r.state,
        status: r.status,
        action: never ? ('delete' as const) : ('destroy' as const),
        reason: never ? 'never provisioned: nothing to destroy, its record is deleted' : null,
      };
    });
    return { resource_id: root.id, requires_approval: false, steps };
  }
  async cascadeDestroy(o: { resourceId: string }): Promise<Operation> {
    const plan = await this.getCascadeDestroyPlan(o);
    this.check('cascadeDestroy');
    this.commands.push({ resourceId: o.resourceId, command: 'cascade-destroy' });
    const now = new Date().toISOString();
    const operation: Operation = {
      id: `op-${this.operations.length + 1}`,
      kind: 'cascade_destroy',
      resource_id: o.resourceId,
      resource_name: this.find(o.resourceId).name,
      status: plan.requires_approval ? 'approval_pending' : 'running',
      requires_approval: plan.requires_approval,
      approved_by: null,
      reject_reason: null,
      created_by: 'user:default/alice',
      created_at: now,
      updated_at: now,
      finished_at: null,
      cancel_requested_by: null,
      error: null,
      steps: plan.steps.map(step => ({
        position: step.position,
        resource_id: step.resource_id,
        resource_name: step.resource_name,
        action: step.action,
        status: 'waiting',
        run_id: null,
        attempts: 0,
        error: null,
        started_at: null,
        finished_at: null,
      })),
    };
    this.operations = [operation, ...this.operations];
    return operation;
  }
  async listOperations(o: { resourceId?: string; status?: OperationStatus }): Promise<Page<Operation>> {
    this.check('listOperations');
    const items = this.operations.filter(
      op => (!o.resourceId || op.resource_id === o.resourceId) && (!o.status || op.status === o.status),
    );
    return { items };
  }
  async getOperation(o: { operationId: string }): Promise<Operation> {
    this.check('getOperation');
    const operation = this.operations.find(op => op.id === o.operationId);
    if (!operation) throw new InfraKitchenError({ statusCode: 404, message: 'not found' });
    return operation;
  }
  async operationCommand(o: {
    operationId: string;
    command: OperationCommand;
    reason?: string;
  }): Promise<Operation> {
    const operation = await this.getOperation(o);
    this.check('operationCommand');
    this.commands.push({
      resourceId: operation.resource_id ?? '',
      command: `operation:${o.command}`,
      reason: o.reason,
    });
    const next: Record<OperationCommand, OperationStatus> = {
      cancel: 'cancelled',
      retry: 'running',
      approve: 'running',
      reject: 'rejected',
    };
    const moved: Operation = { ...operation, status: next[o.command], reject_reason: o.reason ?? null };
    this.operations = this.operations.map(op => (op.id === moved.id ? moved : op));
    return moved;
  }
  async listResourceRuns(o: { resourceId: string; pageSize?: number }): Promise<Page<Run>> {
    this.check('listResourceRuns');
    const items = this.runs.filter(r => r.resource_id === o.resourceId).slice(0, o.pageSize ?? 20);
    return { items };
  }
  async getRun(o: { runId: string }) {
    this.check('getRun');
    return this.runs.find(r => r.id === o.runId)!;
  }
  async getRunLogs(o: { runId: string; offset: number }): Promise<RunLog> {
    this.check('getRunLogs');
    const all = this.logs[o.runId] ?? [];
    const lines = all.slice(o.offset);
    const run = this.runs.find(r => r.id === o.runId);
    const done = run ? ['succeeded', 'failed', 'cancelled'].includes(run.status) : true;
    return {
      run_id: o.runId,
      run_status: run?.status ?? 'succeeded',
      offset: o.offset,
      next_offset: o.offset + lines.length,
      complete: done,
      lines,
    };
  }
  async listTemplates(o: { deprecated?: boolean }): Promise<Page<Template>> {
    this.check('listTemplates');
    this.templateQueries.push({ deprecated: o.deprecated });
    return {
      items: this.templates.filter(t => o.deprecated === undefined || t.deprecated === o.deprecated),
    };
  }
  async listTemplateVersions(o: {
    templateId: string;
    deprecated?: boolean;
  }): Promise<Page<TemplateVersion>> {
    this.check('listTemplateVersions');
    this.templateQueries.push({ templateId: o.templateId, deprecated: o.deprecated });
    return {
      items: this.versions.filter(
        v =>
          v.template_id === o.templateId &&
          (o.deprecated === undefined || v.deprecated === o.deprecated),
      ),
    };
  }
  async listTemplateDependencies(o: {
    templateId: string;
    direction?: DependencyDirection;
  }): Promise<TemplateDependency[]> {
    this.check('listTemplateDependencies');
    return this.dependencies.filter(d =>
      o.direction === 'children' ? d.parent_template_id === o.templateId : d.template_id === o.templateId,
    );
  }
  async listAuditLogs(o: { entityId: string }): Promise<Page<AuditEntry>> {
    this.check('listAuditLogs');
    return { items: this.audit.filter(a => a.entity_id === o.entityId) };
  }
  async getMe(): Promise<Me> {
    return { subject: 'user:default/alice', kind: 'backstage_user', role: 'member', ownership: [] };
  }
  async listEvents(): Promise<EventsPage> {
    return { events: [], last_id: this.live.lastId, reset: false };
  }
}
