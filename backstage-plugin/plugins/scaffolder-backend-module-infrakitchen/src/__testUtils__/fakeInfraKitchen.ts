import { http, HttpResponse } from 'msw';

export const BASE_URL = 'http://infrakitchen.test:7777';
const API = `${BASE_URL}/api/v1`;

export const TEMPLATE_ID = '1b0d6f3e-8a51-4c4f-9d36-3f1f2f0c0a01';
export const VERSION_IDS = { '1.0.0': 'a0000000-0000-4000-8000-000000000100', '1.1.0': 'a0000000-0000-4000-8000-000000000110' };
/** The caller as `GET /me` shows it: the owner of what it creates without an `owner`. */
export const SUBJECT = 'user:default/mock';

/** The log of each run, sent in two chunks: the first while it runs, the rest once it has finished. */
export const LOG_LINES = [
  'tofu init',
  'Initializing the backend...',
  'aws_s3_bucket.this: Creating...',
  'Apply complete! Resources: 1 added, 0 changed, 0 destroyed.',
];

export interface FakeResource {
  id: string;
  name: string;
  template_id: string;
  template_name: string;
  template_version_id: string;
  entity_ref: string | null;
  owner: string;
  state: string;
  status: string;
  variables: Record<string, unknown>;
  outputs: Record<string, { sensitive: boolean; value?: unknown }> | null;
  last_run: { id: string; kind: string; status: string } | null;
  pending_reason: string | null;
}

export interface FakeRun {
  id: string;
  resource_id: string;
  kind: 'provision' | 'destroy';
  status: string;
  error: string | null;
  /** GETs of the run so far: the first starts it, the second finishes it (unless `outcome` is 'never'). */
  looks: number;
}

export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorization: string | null;
}

/** The query parameters each list declares: the service answers 422 to any other. */
const DECLARED: Record<string, string[]> = {
  '/templates/': ['name', 'deprecated', 'sort', 'page', 'page_size'],
  versions: ['deprecated', 'lifecycle', 'sort', 'page', 'page_size'],
  '/resources/': ['entity_ref', 'state', 'status', 'template_id', 'name', 'owner', 'sort', 'page', 'page_size'],
  logs: ['offset', 'limit'],
};

let ids = 0;
function newId(prefix: string) {
  ids += 1;
  return `${prefix}-0000-4000-8000-${String(ids).padStart(12, '0')}`;
}

/**
 * A small InfraKitchen for msw: templates, resources and their runs, kept in memory, moving through the
 * service's states. A run starts at its first GET and finishes at its second; its log comes in two chunks.
 */
export class FakeInfraKitchen {
  readonly resources = new Map<string, FakeResource>();
  readonly runs = new Map<string, FakeRun>();
  readonly seen: SeenRequest[] = [];
  /** The template requires approval: new resources and destroys wait for an approver. */
  requiresApproval = false;
  /** How runs end. */
  outcome: 'succeeded' | 'failed' | 'never' = 'succeeded';
  runError = 'Error: creating S3 bucket (assets): BucketAlreadyExists';
  /** The next looks at a run answered 503, as while the service's database restarts. */
  unavailable = 0;
  /** Resources that build on a resource, by its id: its destroy is refused. */
  readonly children = new Map<string, Array<{ id: string; name: string; state: string; status: string }>>();

  readonly templates = [
    // the name filter matches names that contain it: the action must pick the exact one
    { id: 'deadbeef-0000-4000-8000-000000000001', name: 's3-bucket-legacy' },
    { id: TEMPLATE_ID, name: 's3-bucket' },
  ];

  readonly versions = [
    { id: VERSION_IDS['1.0.0'], template_id: TEMPLATE_ID, version: '1.0.0', lifecycle: 'deprecated' },
    { id: VERSION_IDS['1.1.0'], template_id: TEMPLATE_ID, version: '1.1.0', lifecycle: 'active' },
  ];

  /** A resource as if an earlier attempt had created it. */
  addResource(fields: Partial<FakeResource> & { name: string }): FakeResource {
    const resource: FakeResource = {
      id: newId('c0000000'),
      template_id: TEMPLATE_ID,
      template_name: 's3-bucket',
      template_version_id: VERSION_IDS['1.1.0'],
      entity_ref: null,
      owner: SUBJECT,
      state: 'provision',
      status: this.requiresApproval ? 'approval_pending' : 'ready',
      variables: {},
      outputs: null,
      last_run: null,
      pending_reason: null,
      ...fields,
    };
    this.resources.set(resource.id, resource);
    return resource;
  }

  /** The requests that change something. */
  writes() {
    return this.seen.filter(request => request.method !== 'GET');
  }

  handlers() {
    return [
      http.all(`${API}/*`, ({ request }) => {
        const url = new URL(request.url);
        const query = Object.fromEntries(url.searchParams);
        const path = url.pathname.replace('/api/v1', '');
        this.seen.push({ method: request.method, path, query, body: undefined, authorization: request.headers.get('authorization') });
        const declared = DECLARED[path] ?? DECLARED[path.split('/').pop() ?? ''];
        const unknown = Object.keys(query).filter(key => !declared?.includes(key));
        if (unknown.length) return error(422, `unknown query parameter: ${unknown.join(', ')}`);
        return undefined; // on to the routes below
      }),
      http.get(`${API}/me`, () => HttpResponse.json({ subject: SUBJECT, kind: 'backstage_user', role: 'member' })),
      http.get(`${API}/templates/`, ({ request }) => {
        const name = new URL(request.url).searchParams.get('name') ?? '';
        return page(this.templates.filter(t => t.name.includes(name)));
      }),
      http.get(`${API}/templates/:id`, ({ params }) => {
        const template = this.templates.find(t => t.id === params.id);
        return template ? HttpResponse.json(template) : error(404, 'Not Found');
      }),
      http.get(`${API}/templates/:id/versions`, ({ params }) =>
        page(this.versions.filter(v => v.template_id === params.id)),
      ),
      http.get(`${API}/resources/`, ({ request }) => {
        const query = new URL(request.url).searchParams;
        return page(
          [...this.resources.values()].filter(
            r =>
              r.name.startsWith(query.get('name') ?? '') &&
              (!query.has('entity_ref') || r.entity_ref === query.get('entity_ref')) &&
              (!query.has('owner') || r.owner === query.get('owner')),
          ),
        );
      }),
      http.post(`${API}/resources/`, async ({ request }) => {
        const body = (await request.json()) as Record<string, any>;
        this.seen[this.seen.length - 1].body = body;
        if (body.variables?.versioning !== undefined && typeof body.variables.versioning !== 'boolean') {
          return HttpResponse.json(
            {
              code: 422,
              status: 'Unprocessable Entity',
              message: 'invalid variables',
              errors: { variables: { versioning: ['must be a bool'] } },
            },
            { status: 422 },
          );
        }
        const owner = body.owner ?? SUBJECT;
        const entityRef = body.entity_ref ?? null;
        if ([...this.resources.values()].some(r => r.name === body.name && r.owner === owner && r.entity_ref === entityRef)) {
          return error(409, `${owner} already has a resource named '${body.name}' for entity ${entityRef}`);
        }
        const resource = this.addResource({
          name: body.name,
          template_id: body.template_id,
          template_version_id: body.template_version_id ?? VERSION_IDS['1.1.0'],
          entity_ref: entityRef,
          owner,
          variables: body.variables,
        });
        return HttpResponse.json(resource, { status: 201 });
      }),
      http.get(`${API}/resources/:id`, ({ params }) => {
        const resource = this.resources.get(String(params.id));
        return resource ? HttpResponse.json(resource) : error(404, 'Not Found');
      }),
      http.post(`${API}/resources/:id/provision`, ({ params }) => {
        const resource = this.resources.get(String(params.id));
        if (!resource) return error(404, 'Not Found');
        const allowed =
          (resource.state === 'provision' && ['ready', 'error'].includes(resource.status)) ||
          (resource.state === 'provisioned' && ['done', 'error', 'unknown'].includes(resource.status));
        if (!allowed) return stateConflict('provision', resource);
        return HttpResponse.json(this.startRun(resource, 'provision'), { status: 202 });
      }),
      http.post(`${API}/resources/:id/destroy`, ({ params }) => {
        const resource = this.resources.get(String(params.id));
        if (!resource) return error(404, 'Not Found');
        const children = this.children.get(resource.id) ?? [];
        if (children.length) {
          return HttpResponse.json(
            {
              code: 409,
              status: 'Conflict',
              message: `cannot destroy ${resource.name}: ${children.length} resource(s) build on it; destroy them first`,
              children,
            },
            { status: 409 },
          );
        }
        if (resource.state !== 'provisioned' && !(resource.state === 'destroy' && resource.status === 'ready')) {
          return stateConflict('destroy', resource);
        }
        if (this.requiresApproval && resource.state === 'provisioned') {
          Object.assign(resource, { state: 'destroy', status: 'approval_pending' });
          return HttpResponse.json(resource);
        }
        return HttpResponse.json(this.startRun(resource, 'destroy'), { status: 202 });
      }),
      http.get(`${API}/runs/:id`, ({ params }) => {
        const run = this.runs.get(String(params.id));
        if (!run) return error(404, 'Not Found');
        if (this.unavailable > 0) {
          this.unavailable -= 1;
          return error(503, 'the database is unavailable; try again shortly');
        }
        this.advance(run);
        return HttpResponse.json(run);
      }),
      http.get(`${API}/runs/:id/logs`, ({ params, request }) => {
        const run = this.runs.get(String(params.id));
        if (!run) return error(404, 'Not Found');
        const query = new URL(request.url).searchParams;
        const offset = Number(query.get('offset') ?? 0);
        const limit = Number(query.get('limit') ?? 1000);
        const finished = ['succeeded', 'failed', 'cancelled'].includes(run.status);
        const written = run.status === 'queued' ? [] : LOG_LINES.slice(0, finished ? undefined : 2);
        const lines = written.slice(offset, offset + limit);
        const nextOffset = offset + lines.length;
        return HttpResponse.json({
          run_id: run.id,
          run_status: run.status,
          offset,
          next_offset: nextOffset,
          complete: finished && nextOffset >= written.length,
          lines,
        });
      }),
    ];
  }

  private startRun(resource: FakeResource, kind: FakeRun['kind']): FakeRun {
    const run: FakeRun = { id: newId('b0000000'), resource_id: resource.id, kind, status: 'queued', error: null, looks: 0 };
    this.runs.set(run.id, run);
    Object.assign(resource, {
      state: kind === 'destroy' ? 'destroy' : resource.state,
      status: 'queued',
      last_run: { id: run.id, kind, status: run.status },
    });
    return run;
  }

  /** What the worker would have done by the time of this look at the run. */
  private advance(run: FakeRun) {
    run.looks += 1;
    const resource = this.resources.get(run.resource_id);
    if (!resource) return;
    if (run.looks === 1) {
      run.status = 'running';
      resource.status = 'in_progress';
    } else if (run.looks === 2 && this.outcome !== 'never' && run.status === 'running') {
      run.status = this.outcome;
      if (this.outcome === 'failed') {
        run.error = this.runError;
        resource.status = 'error';
      } else if (run.kind === 'destroy') {
        Object.assign(resource, { state: 'destroyed', status: 'done', outputs: null });
      } else {
        Object.assign(resource, {
          state: 'provisioned',
          status: 'done',
          outputs: {
            bucket_name: { sensitive: false, value: `${resource.name}-0f1e2d` },
            arn: { sensitive: false, value: `arn:aws:s3:::${resource.name}-0f1e2d` },
            secret_access_key: { sensitive: true, value: '(sensitive)' },
          },
        });
      }
    }
    resource.last_run = { id: run.id, kind: run.kind, status: run.status };
  }
}

function page(items: unknown[]) {
  const pagination = { total: items.length, total_pages: 1, first_page: 1, last_page: 1, page: 1 };
  return HttpResponse.json(items, { headers: { 'X-Pagination': JSON.stringify(pagination) } });
}

function error(status: number, message: string) {
  const names: Record<number, string> = {
    404: 'Not Found',
    409: 'Conflict',
    422: 'Unprocessable Entity',
    503: 'Service Unavailable',
  };
  return HttpResponse.json({ code: status, status: names[status] ?? 'Error', message }, { status });
}

function stateConflict(action: string, resource: FakeResource) {
  return HttpResponse.json(
    {
      code: 409,
      status: 'Conflict',
      message: `cannot ${action} a resource in state '${resource.state}' with status '${resource.status}'`,
      state: resource.state,
      resource_status: resource.status,
      allowed_actions: resource.status === 'approval_pending' ? ['approve', 'reject', 'delete'] : [],
    },
    { status: 409 },
  );
}
