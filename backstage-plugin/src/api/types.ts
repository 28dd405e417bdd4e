/** Payloads of the InfraKitchen REST API (see openapi.yaml in the service repository). */

export type ResourceState = 'provision' | 'provisioned' | 'destroy' | 'destroyed';

export type ResourceStatus =
  | 'ready'
  | 'queued'
  | 'in_progress'
  | 'done'
  | 'error'
  | 'approval_pending'
  | 'pending'
  | 'rejected'
  | 'unknown';

export type ResourceAction =
  | 'approve'
  | 'reject'
  | 'provision'
  | 'plan'
  | 'destroy'
  | 'cancel'
  | 'delete'
  | 'recreate';

export interface OutputValue {
  value: unknown;
  sensitive: boolean;
}

export interface Resource {
  id: string;
  name: string;
  state: ResourceState;
  status: ResourceStatus;
  /** Sensitive values arrive masked by the service. */
  variables: Record<string, unknown>;
  outputs: Record<string, OutputValue> | null;
  template_id: string;
  template_name: string;
  template_version_id: string;
  /** The version's name, e.g. `1.0.0`. */
  template_version: string;
  /** The newest run (set when it is queued; its status is current when the resource is read or sent). */
  last_run: LastRun | null;
  entity_ref: string | null;
  owner: string;
  integration_ids: string[];
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** A resource's newest run, as the resource payload carries it. */
export interface LastRun {
  id: string;
  kind: RunKind;
  status: RunStatus;
  created_at: string;
  finished_at: string | null;
}

export interface ResourceActions {
  resource_id: string;
  state: string;
  status: string;
  actions: ResourceAction[];
}

export type RunKind = 'provision' | 'destroy' | 'plan' | 'drift_check';
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Run {
  id: string;
  resource_id: string;
  kind: RunKind;
  status: RunStatus;
  created_by: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_seconds: number | null;
  error: string | null;
  outputs: Record<string, OutputValue> | null;
  log_line_count: number;
  plan_summary: Record<string, unknown> | null;
}

export interface RunLog {
  run_id: string;
  run_status: string;
  offset: number;
  next_offset: number;
  complete: boolean;
  lines: string[];
}

export interface Template {
  id: string;
  name: string;
  description: string;
  requires_approval: boolean;
  /** No new resources from it (existing ones keep working). */
  deprecated: boolean;
  created_at: string;
}

export interface TemplateVariable {
  name: string;
  /** The type constraint in Terraform syntax, e.g. `string`, `number`, `list(string)`. */
  type: string;
  type_spec?: { kind?: string; [key: string]: unknown };
  default: unknown;
  required: boolean;
  description: string | null;
  sensitive: boolean;
  nullable: boolean;
  /** The values a `contains([...], var.x)` validation allows, else null. */
  allowed_values: unknown[] | null;
}

export interface TemplateVersion {
  id: string;
  template_id: string;
  version: string;
  variables: TemplateVariable[];
  outputs: Array<{ name: string; description: string | null; sensitive: boolean }>;
  /** Never the default; no new resources on it. */
  deprecated: boolean;
  created_at: string;
}

export interface AuditEntry {
  id: number;
  created_at: string;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface Me {
  subject: string;
  kind: string;
  role: 'admin' | 'platform' | 'member' | 'viewer';
  ownership: string[];
}

export interface Pagination {
  total: number;
  total_pages: number;
  page: number;
  next_page?: number;
  previous_page?: number;
}

export interface Page<T> {
  items: T[];
  /** From the X-Pagination header; undefined when a proxy stripped it. */
  pagination?: Pagination;
}

export interface ResourceCreateRequest {
  name: string;
  template_id: string;
  template_version_id?: string;
  variables: Record<string, unknown>;
  entity_ref?: string;
  owner?: string;
}

/** What a live subscription follows. */
export type LiveTopic =
  | { resourceId: string }
  | { entityRef: string }
  | { runId: string }
  | { all: true };

export type LiveEventType =
  | 'resource.created'
  | 'resource.updated'
  | 'resource.deleted'
  | 'run.queued'
  | 'run.started'
  | 'run.finished'
  | 'run.log';

export interface LiveEvent {
  type: LiveEventType;
  id: number;
  subscription?: string;
  at: string;
  resource_id: string;
  run_id: string | null;
  entity_ref: string | null;
  data: unknown;
}

export interface RunLogChunk {
  offset: number;
  lines: string[];
}

export interface EventsPage {
  events: LiveEvent[];
  last_id: number;
  reset: boolean;
}
