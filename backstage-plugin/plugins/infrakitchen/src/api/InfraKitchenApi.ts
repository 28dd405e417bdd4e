import { createApiRef } from '@backstage/core-plugin-api';
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
  Resource,
  ResourceAction,
  ResourceActions,
  ResourceChange,
  ResourceCreateRequest,
  ResourceTree,
  ResourceState,
  ResourceStatus,
  Run,
  RunLog,
  Template,
  TemplateDependency,
  TemplateVersion,
} from './types';

export interface ListResourcesOptions {
  entityRef?: string;
  state?: ResourceState;
  status?: ResourceStatus;
  name?: string;
  templateId?: string;
  page?: number;
  pageSize?: number;
}

/** The actions that queue a run or change the resource; `cancel` acts on a run. */
export type ResourceCommand = Exclude<ResourceAction, 'cancel' | 'delete'>;

/** What a person may do to an operation (`POST /operations/{id}/<command>`). */
export type OperationCommand = 'cancel' | 'retry' | 'approve' | 'reject';

/** What queues a run of a change request (`POST /changes/{id}/<command>`, 202 with the run). */
export type ChangeRunCommand = 'plan' | 'apply';

/** A decision on a change request (`POST /changes/{id}/<decision>`); a rejection needs a reason. */
export type ChangeDecision = 'approve' | 'reject';

/** REST calls to the InfraKitchen service (its live event stream is InfraKitchenLiveApi). */
export interface InfraKitchenApi {
  listResources(options: ListResourcesOptions): Promise<Page<Resource>>;
  getResource(options: { resourceId: string }): Promise<Resource>;
  getResourceActions(options: { resourceId: string }): Promise<ResourceActions>;
  /**
   * `GET /resources/{id}/tree`: the resources built on it (`children`) or that it builds on (`parents`),
   * transitively, depth first.
   */
  getResourceTree(options: { resourceId: string; direction: DependencyDirection }): Promise<ResourceTree>;
  createResource(options: { request: ResourceCreateRequest }): Promise<Resource>;
  deleteResource(options: { resourceId: string }): Promise<void>;
  /**
   * Provision, plan and destroy answer the queued run; the others the resource. A destroy on a template that
   * requires approval answers the resource instead, waiting (`destroy`, `approval_pending`) with no run.
   */
  runCommand(options: {
    resourceId: string;
    command: ResourceCommand;
    reason?: string;
  }): Promise<Run | Resource>;
  cancelRun(options: { runId: string; force?: boolean }): Promise<Run>;
  /** `GET /resources/{id}/cascade-destroy`: what a cascade destroy would do now (nothing changes). */
  getCascadeDestroyPlan(options: { resourceId: string }): Promise<CascadePlan>;
  /** `POST /resources/{id}/cascade-destroy`: destroy it and everything built on it, as one operation. */
  cascadeDestroy(options: { resourceId: string }): Promise<Operation>;
  /** Operations on a resource (the one they were asked for), newest first. */
  listOperations(options: {
    resourceId?: string;
    status?: OperationStatus;
    pageSize?: number;
  }): Promise<Page<Operation>>;
  getOperation(options: { operationId: string }): Promise<Operation>;
  /** Cancel, retry, approve or reject (with `reason`) an operation; answers it as it is now. */
  operationCommand(options: {
    operationId: string;
    command: OperationCommand;
    reason?: string;
  }): Promise<Operation>;
  /**
   * `PATCH /resources/{id}`: a change request with the values laid over the resource's own (`null` removes
   * one), an upgrade (`template_version_id`) or another owner. A resource never applied is edited at once
   * (the change comes back `applied`); otherwise it is `open` and the resource keeps its values until applied.
   */
  requestChange(options: { resourceId: string; request: ChangeRequest }): Promise<ResourceChange>;
  /** A resource's change requests, newest first. */
  listChanges(options: {
    resourceId: string;
    status?: ChangeStatus;
    pageSize?: number;
  }): Promise<Page<ResourceChange>>;
  getChange(options: { changeId: string }): Promise<ResourceChange>;
  /** Plan (a dry run; its summary becomes the change's) or apply (the values become the resource's). */
  runChange(options: { changeId: string; command: ChangeRunCommand }): Promise<Run>;
  /** Approve (reason optional) or reject (reason required); the requester themself gets a 403. */
  decideChange(options: {
    changeId: string;
    decision: ChangeDecision;
    reason?: string;
  }): Promise<ResourceChange>;
  listResourceRuns(options: { resourceId: string; pageSize?: number }): Promise<Page<Run>>;
  getRun(options: { runId: string }): Promise<Run>;
  getRunLogs(options: { runId: string; offset: number; limit?: number }): Promise<RunLog>;
  /** `deprecated: false` asks the service for the templates new resources may use. */
  listTemplates(options: {
    name?: string;
    deprecated?: boolean;
    pageSize?: number;
  }): Promise<Page<Template>>;
  /** One template: whether it requires approval, its approver group, its naming convention. */
  getTemplate(options: { templateId: string }): Promise<Template>;
  /**
   * `deprecated: false` asks the service for the versions new resources may use; without it, every version
   * (each with its `lifecycle`), newest first.
   */
  listTemplateVersions(options: {
    templateId: string;
    deprecated?: boolean;
  }): Promise<Page<TemplateVersion>>;
  /** What a template builds on (its parent templates), or with `direction: 'children'` what builds on it. */
  listTemplateDependencies(options: {
    templateId: string;
    direction?: DependencyDirection;
  }): Promise<TemplateDependency[]>;
  listAuditLogs(options: { entityId: string; pageSize?: number }): Promise<Page<AuditEntry>>;
  getMe(options?: {}): Promise<Me>;
  /** `GET /events/`: the live stream's long-poll fallback (InfraKitchenLiveClient calls it). */
  listEvents(options: {
    topic: LiveTopic;
    after?: number;
    waitSeconds: number;
    signal?: AbortSignal;
  }): Promise<EventsPage>;
}

export const infraKitchenApiRef = createApiRef<InfraKitchenApi>({
  id: 'plugin.infrakitchen.service',
});
