/**
 * Payloads of the InfraKitchen REST API, by the names the plugin uses: aliases of the schemas generated from
 * the service's openapi.yaml (`openapi.generated.ts`, `npm run generate:types`). Fields the schema leaves
 * untyped (e.g. `Resource.last_run`, `Resource.outputs`) are `unknown` here; `payloadFields.ts` reads them.
 */
import type { components } from './openapi.generated';

type Schemas = components['schemas'];

export type Resource = Schemas['Resource'];
export type ResourceState = Resource['state'];
export type ResourceStatus = Resource['status'];
export type ResourceActions = Schemas['ResourceActions'];
export type ResourceAction = ResourceActions['actions'][number];
export type ResourceCreateRequest = Schemas['ResourceCreate'];

export type Run = Schemas['Run'];
export type RunKind = Run['kind'];
export type RunStatus = Run['status'];
export type RunLog = Schemas['RunLog'];

export type Template = Schemas['Template'];
export type TemplateVersion = Schemas['TemplateVersion'];
/** preview (platform team only), active, deprecated (no new resources; an upgrade is offered), archived. */
export type TemplateLifecycle = TemplateVersion['lifecycle'];
/** `Resource.upgrade_available`: the newest active version of its template, when it is on an older one. */
export type Upgrade = Schemas['Upgrade'];
export type TemplateVariable = Schemas['Variable'];
/** What a template builds on: a parent template, and which of its outputs set which variables. */
export type TemplateDependency = Schemas['Dependency'];
export type DependencyWire = Schemas['Wire'];

/**
 * `GET /resources/{id}/tree?direction=children|parents`: depth first, by name among siblings; `truncated`
 * when it has more than the service walks.
 */
export type ResourceTree = Schemas['Tree'];
/** Depth 1 for the resource's own parents or children; `via` is the node it hangs under. */
export type ResourceTreeNode = Schemas['TreeNode'];
/** `?direction=` of the dependency and tree calls: what it builds on (parents) or what builds on it. */
export type DependencyDirection = ResourceTree['direction'];

/**
 * `GET /resources/{id}/cascade-destroy`: what a cascade destroy would do now, its steps in execution order
 * (everything built on the resource, leaves first, then the resource itself).
 */
export type CascadePlan = Schemas['CascadePlan'];
/** One resource of a cascade plan: destroyed by a run, or (never provisioned) its record deleted. */
export type CascadeStep = CascadePlan['steps'][number];
/** Work on several resources tracked as one (a cascade destroy), made of ordered steps. */
export type Operation = Schemas['Operation'];
export type OperationStatus = Operation['status'];
export type OperationStep = Operation['steps'][number];
export type OperationStepStatus = OperationStep['status'];

/**
 * A change request (`PATCH /resources/{id}`): an edit of the resource's values, version or owner, reviewed,
 * planned and applied by a run; a resource never applied is edited at once (the change comes back `applied`).
 */
export type ResourceChange = Omit<Schemas['Change'], 'diff'> & { diff: DiffEntry[] };
export type ChangeStatus = ResourceChange['status'];
/**
 * One line of a change's diff: `variables.<name>`, `template_version` or `owner`. The service sends `dropped`
 * only when it is true (the schema has no `required` list, which the generator reads as always present).
 */
export type DiffEntry = Omit<Schemas['DiffEntry'], 'dropped'> & { dropped?: true };

export type AuditEntry = Schemas['AuditLog'];
export type Me = Schemas['Me'];

export type EventsPage = Schemas['EventPage'];
export type LiveEventType = Schemas['Event']['type'];
/** An event as `GET /events/` sends it; on the WebSocket it also names the subscription it answers. */
export type LiveEvent = Schemas['Event'] & { subscription?: string };

// What the schemas do not describe: headers, the shapes of untyped fields, and the plugin's own requests.

/**
 * The `X-Pagination` header (schema `PaginationMetadata`): the service leaves out the pages that do not apply,
 * and a proxy may drop the header altogether.
 */
export type Pagination = Partial<Schemas['PaginationMetadata']> & {
  /** Beyond 1,000 rows the service's `total` is the database's estimate, and it says so. */
  total_estimated?: boolean;
};

export interface Page<T> {
  items: T[];
  /** From the X-Pagination header; undefined when a proxy stripped it. */
  pagination?: Pagination;
}

/** A resource's newest run as `Resource.last_run` carries it: `{id, kind, status, created_at, finished_at}`. */
export type LastRun = Pick<Run, 'id' | 'kind' | 'status' | 'created_at' | 'finished_at'>;

/** One entry of `Resource.outputs` / `Run.outputs` (`{name: {value, sensitive}}`). */
export interface OutputValue {
  value: unknown;
  sensitive: boolean;
}

/** The data of a `run.log` event: lines from an offset, like a page of `GET /runs/{id}/logs`. */
export type RunLogChunk = Pick<RunLog, 'offset' | 'lines'>;

/**
 * A resource that builds on another, as a 409 on its destroy or delete lists it (`children`, which the
 * schema `ResourceConflictError` leaves as plain objects).
 */
export type ConflictChild = Pick<Resource, 'id' | 'name' | 'state' | 'status'>;

/**
 * The body of `PATCH /resources/{id}` (schema `ChangeRequest`, every field optional: the schema has no
 * `required` list, which the generator reads as all present). A `null` variable removes the resource's value.
 */
export type ChangeRequest = Partial<Schemas['ChangeRequest']>;

/** A plan run's summary (`Change.plan_summary`, `Run.plan_summary`, untyped in the schema). */
export interface PlanSummary {
  add: number;
  change: number;
  destroy: number;
  has_changes: boolean;
  /** Each address the plan touches, with what it does to it (`create`, `update`, `delete`, ...). */
  resources: Array<{ address: string; actions: string[] }>;
}

/** What a live subscription follows. */
export type LiveTopic =
  | { resourceId: string }
  | { entityRef: string }
  | { runId: string }
  | { all: true };
