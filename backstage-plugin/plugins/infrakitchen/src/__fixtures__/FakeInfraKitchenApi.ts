import type {
  ChangeDecision,
  ChangeRunCommand,
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
  ChangeRequest,
  ChangeStatus,
  DependencyDirection,
  DiffEntry,
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
  ResourceChange,
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

/** How the service shows a sensitive value. */
const MASK = '(sensitive)';

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
  /** Change requests, newest first; plan and apply end at once (a plan with one change, an apply adopted). */
  changes: ResourceChange[] = [];
  /** The values each change gives its resource once applied (the service keeps them; the API shows the diff). */
  private proposals = new Map<string, { variables: Record<string, unknown>; versionId: string; owner: string }>();
  /** Who the fake takes the caller for (`getMe`, and who asks for and decides on changes). */
  me: Me = { subject: 'user:default/alice', kind: 'backstage_user', role: 'member', ownership: [] };
  logs: Record<string, string[]> = {};
  created: ResourceCreateRequest[] = [];
  /** The bodies `requestChange` was called with (what `PATCH /resources/{id}` would have been sent). */
  changeRequests: Array<{ resourceId: string; request: ChangeRequest }> = [];
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
  private emitChange(type: 'change.created' | 'change.updated', change: ResourceChange) {
    const resource = this.find(change.resource_id);
    this.emit({
      type,
      resource_id: resource.id,
      entity_ref: resource.entity_ref,
      run_id: null,
      data: change as unknown as Record<string, unknown>,
    });
  }
  private changeOf(changeId: string): ResourceChange {
    const change = this.changes.find(c => c.id === changeId);
    if (!change) throw new InfraKitchenError({ statusCode: 404, message: 'change not found' });
    return change;
  }
  private moveChange(changeId: string, fields: Partial<ResourceChange>): ResourceChange {
    const moved = { ...this.changeOf(changeId), ...fields, updated_at: new Date().toISOString() };
    this.changes = this.changes.map(c => (c.id === changeId ? moved : c));
    this.emitChange('change.updated', moved);
    return moved;
  }
  /** Like the service when a change is applied: its values become the resource's (a `resource.updated`). */
  private adopt(changeId: string) {
    const proposal = this.proposals.get(changeId)!;
    const resource = this.find(this.changeOf(changeId).resource_id);
    const version = this.versions.find(v => v.id === proposal.versionId);
    const adopted: Resource = {
      ...resource,
      variables: proposal.variables,
      template_version_id: proposal.versionId,
      template_version: version?.version ?? resource.template_version,
      upgrade_available: null,
      owner: proposal.owner,
      updated_at: new Date().toISOString(),
    };
    this.resources = this.resources.map(r => (r.id === adopted.id ? adopted : r));
    const { upgrade_available: _notInEvents, ...shown } = adopted;
    this.emit({
      type: 'resource.updated',
      resource_id: adopted.id,
      entity_ref: adopted.entity_ref,
      run_id: null,
      data: shown,
    });
  }
  /**
   * Like the service's `PATCH /resources/{id}`: the values laid over the resource's, a masked diff (`dropped`
   * only when true), 422 per field (a version not offered, a frozen value, nothing to change), an open change
   * superseding the one before, and a resource never applied edited at once (the change is `applied`).
   */
  async requestChange(o: { resourceId: string; request: ChangeRequest }): Promise<ResourceChange> {
    this.check('requestChange');
    this.changeRequests.push(o);
    const resource = this.find(o.resourceId);
    if (resource.state === 'destroy' || resource.state === 'destroyed') {
      throw new InfraKitchenError({ statusCode: 409, message: `cannot change ${resource.name}` });
    }
    const invalid = (message: string, errors: Record<string, unknown>) =>
      new InfraKitchenError({ statusCode: 422, message, serviceMessage: message, errors });
    const own = this.versions.find(v => v.id === resource.template_version_id);
    let version = own;
    const versionId = o.request.template_version_id ?? resource.template_version_id;
    if (versionId !== resource.template_version_id) {
      version = this.versions.find(v => v.id === versionId && v.template_id === resource.template_id);
      const platform = this.me.role === 'admin' || this.me.role === 'platform';
      if (!version || !(version.lifecycle === 'active' || (version.lifecycle === 'preview' && platform))) {
        throw invalid('version not usable', { template_version_id: [`not usable: ${version?.lifecycle}`] });
      }
    }
    const given = o.request.variables ?? {};
    const current = (resource.variables ?? {}) as Record<string, unknown>;
    const frozen = Object.entries(own?.variable_rules ?? {})
      .filter(([name, rule]) => (rule as { frozen?: boolean }).frozen && name in given)
      .filter(([name]) => given[name] !== current[name]);
    if (frozen.length) {
      throw invalid('frozen variables cannot be changed', {
        variables: Object.fromEntries(frozen.map(([name]) => [name, ['frozen: set when the resource was created']])),
      });
    }
    const declared = new Set((version?.variables ?? []).map(v => v.name));
    const secret = new Set(
      [...Object.keys(current), ...Object.keys(given)].filter(
        name =>
          current[name] === MASK || Boolean(version?.variables.find(v => v.name === name)?.sensitive),
      ),
    );
    const merged = Object.fromEntries(
      Object.entries({ ...current, ...given }).filter(([k, v]) => v !== null && declared.has(k)),
    );
    const shown = (name: string, value: unknown) => {
      if (value === undefined || value === null) return null;
      return secret.has(name) ? MASK : value;
    };
    const diff: DiffEntry[] = [];
    if (version && version.id !== resource.template_version_id) {
      diff.push({ name: 'template_version', old: resource.template_version, new: version.version });
    }
    const owner = o.request.owner ?? resource.owner;
    if (owner !== resource.owner) diff.push({ name: 'owner', old: resource.owner, new: owner });
    for (const name of [...new Set([...Object.keys(current), ...Object.keys(merged)])].sort()) {
      const typed = name in given && given[name] !== null && secret.has(name);
      if (current[name] === merged[name] && !typed) continue;
      diff.push({
        name: `variables.${name}`,
        old: shown(name, current[name]),
        new: shown(name, merged[name]),
        ...(declared.has(name) ? {} : { dropped: true as const }),
      });
    }
    if (!diff.length) {
      throw invalid("nothing to change: these are the resource's values already", {
        variables: ["no value differs from the resource's"],
      });
    }
    const now = new Date().toISOString();
    const inPlace =
      resource.state === 'provision' &&
      ['ready', 'pending', 'approval_pending', 'rejected'].includes(resource.status);
    const template = this.templates.find(t => t.id === resource.template_id);
    const change: ResourceChange = {
      id: `change-${this.changes.length + 1}`,
      resource_id: resource.id,
      status: inPlace ? 'applied' : 'open',
      requires_approval: !inPlace && Boolean(template?.requires_approval),
      requested_by: this.me.subject,
      created_at: now,
      updated_at: now,
      template_version_id: versionId,
      owner,
      diff,
      decided_by: null,
      decided_at: null,
      reason: null,
      plan_run_id: null,
      plan_summary: null,
      apply_run_id: null,
      error: null,
    };
    for (const pending of this.changes.filter(
      c => c.resource_id === resource.id && (c.status === 'open' || c.status === 'approved'),
    )) {
      this.moveChange(pending.id, { status: 'superseded' });
    }
    this.changes = [change, ...this.changes];
    // The resource shows its sensitive values masked, whatever was typed.
    const variables = Object.fromEntries(
      Object.entries(merged).map(([name, value]) => [name, secret.has(name) ? MASK : value]),
    );
    this.proposals.set(change.id, { variables, versionId, owner });
    this.emitChange('change.created', change);
    if (inPlace) this.adopt(change.id);
    return change;
  }
  async listChanges(o: { resourceId: string; status?: ChangeStatus }): Promise<Page<ResourceChange>> {
    this.check('listChanges');
    return {
      items: this.changes.filter(
        c => c.resource_id === o.resourceId && (!o.status || c.status === o.status),
      ),
    };
  }
  async getChange(o: { changeId: string }): Promise<ResourceChange> {
    this.check('getChange');
    return this.changeOf(o.changeId);
  }
  /** Plan and apply runs end at once: a plan with one change, an apply whose values the resource takes. */
  async runChange(o: { changeId: string; command: ChangeRunCommand }): Promise<Run> {
    this.check('runChange');
    const change = this.changeOf(o.changeId);
    if (change.status !== 'open' && change.status !== 'approved') {
      throw new InfraKitchenError({ statusCode: 409, message: `it is ${change.status}` });
    }
    if (o.command === 'apply' && change.requires_approval && change.status !== 'approved') {
      const message = `cannot apply change ${change.id}: it waits for approval`;
      throw new InfraKitchenError({ statusCode: 409, message, serviceMessage: message });
    }
    const run: Run = {
      ...this.runs[0],
      id: `run-${o.command}-${this.runs.length + 1}`,
      resource_id: change.resource_id,
      kind: o.command === 'plan' ? 'plan' : 'provision',
      status: 'succeeded',
    };
    this.runs = [run, ...this.runs];
    if (o.command === 'plan') {
      const resources = [{ address: 'terraform_data.greeter[0]', actions: ['update'] }];
      this.moveChange(change.id, {
        plan_run_id: run.id,
        plan_summary: { add: 0, change: 1, destroy: 0, has_changes: true, resources },
      });
    } else {
      this.adopt(change.id);
      this.moveChange(change.id, { apply_run_id: run.id, status: 'applied' });
    }
    return run;
  }
  /** Like the service: the platform team or the template's approver group, never whoever asked; open only. */
  async decideChange(o: {
    changeId: string;
    decision: ChangeDecision;
    reason?: string;
  }): Promise<ResourceChange> {
    this.check('decideChange');
    const change = this.changeOf(o.changeId);
    const refuse = (statusCode: number, message: string) =>
      new InfraKitchenError({ statusCode, message, serviceMessage: message });
    const template = this.templates.find(t => t.id === this.find(change.resource_id).template_id);
    const platform = this.me.role === 'admin' || this.me.role === 'platform';
    const group = template?.approver_group;
    if (!platform && !(group && this.me.ownership.includes(group))) {
      throw refuse(403, "only the platform team or the template's approver group may decide on a change");
    }
    if (change.requested_by === this.me.subject) {
      throw refuse(403, 'a change cannot be approved or rejected by whoever asked for it');
    }
    if (change.status !== 'open') throw refuse(409, `cannot ${o.decision} change ${change.id}: it is ${change.status}`);
    return this.moveChange(o.changeId, {
      status: o.decision === 'approve' ? 'approved' : 'rejected',
      decided_by: this.me.subject,
      decided_at: new Date().toISOString(),
      reason: o.reason ?? null,
    });
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
  async getTemplate(o: { templateId: string }): Promise<Template> {
    this.check('getTemplate');
    const template = this.templates.find(t => t.id === o.templateId);
    if (!template) throw new InfraKitchenError({ statusCode: 404, message: 'template not found' });
    return template;
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
    return this.me;
  }
  async listEvents(): Promise<EventsPage> {
    return { events: [], last_id: this.live.lastId, reset: false };
  }
}
