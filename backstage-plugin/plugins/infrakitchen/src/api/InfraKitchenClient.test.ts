import { registerMswTestHooks } from '@backstage/test-utils';
import { UrlPatternDiscovery } from '@backstage/core-app-api';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { fixtureError401, fixtureError422, fixtureResource, fixtureRuns } from '../__fixtures__';
import { InfraKitchenClient } from './InfraKitchenClient';
import { InfraKitchenError } from './InfraKitchenError';

const server = setupServer();
registerMswTestHooks(server);

const BASE = 'http://backstage.test/api/proxy/infrakitchen/api/v1';

function client() {
  return new InfraKitchenClient({
    discoveryApi: UrlPatternDiscovery.compile('http://backstage.test/api/{{pluginId}}'),
    fetchApi: { fetch: (input, init) => fetch(input, init) },
  });
}

async function failure(promise: Promise<unknown>): Promise<InfraKitchenError> {
  try {
    await promise;
  } catch (e) {
    return e as InfraKitchenError;
  }
  throw new Error('expected a failure');
}

describe('InfraKitchenClient', () => {
  it('lists an entity’s resources through the proxy and reads X-Pagination', async () => {
    let url: URL | undefined;
    server.use(
      http.get(`${BASE}/resources/`, ({ request }) => {
        url = new URL(request.url);
        return HttpResponse.json([fixtureResource], {
          headers: { 'X-Pagination': '{"total": 1, "total_pages": 1, "page": 1}' },
        });
      }),
    );
    const page = await client().listResources({ entityRef: 'component:default/demo' });
    expect(url?.searchParams.get('entity_ref')).toBe('component:default/demo');
    expect(page.items.map(r => r.name)).toEqual([fixtureResource.name]);
    expect(page.pagination?.total).toBe(1);
  });

  it('asks for templates and versions that are not deprecated only when told to', async () => {
    const urls: URL[] = [];
    server.use(
      http.get(`${BASE}/templates/`, ({ request }) => {
        urls.push(new URL(request.url));
        return HttpResponse.json([]);
      }),
      http.get(`${BASE}/templates/t1/versions`, ({ request }) => {
        urls.push(new URL(request.url));
        return HttpResponse.json([]);
      }),
    );
    await client().listTemplates({ deprecated: false });
    await client().listTemplateVersions({ templateId: 't1', deprecated: false });
    await client().listTemplates({});
    expect(urls.map(u => u.searchParams.get('deprecated'))).toEqual(['false', 'false', null]);
  });

  it('gets a resource; 404 carries the service’s message', async () => {
    server.use(
      http.get(`${BASE}/resources/${fixtureResource.id}`, () => HttpResponse.json(fixtureResource)),
      http.get(`${BASE}/resources/missing`, () =>
        HttpResponse.json({ code: 404, status: 'Not Found', message: 'no such resource' }, { status: 404 }),
      ),
    );
    expect((await client().getResource({ resourceId: fixtureResource.id })).id).toBe(fixtureResource.id);
    const error = await failure(client().getResource({ resourceId: 'missing' }));
    expect(error.statusCode).toBe(404);
    expect(error.serviceMessage).toBe('no such resource');
  });

  it('keeps the per-field errors of a 422 on create', async () => {
    let body: unknown;
    server.use(
      http.post(`${BASE}/resources/`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(fixtureError422, { status: 422 });
      }),
    );
    const request = { name: 'x', template_id: 't', variables: { replicas: 'abc' }, auto_provision: false };
    const error = await failure(client().createResource({ request }));
    expect(body).toEqual(request);
    expect(error.statusCode).toBe(422);
    expect(error.errors).toEqual(fixtureError422.errors);
  });

  it('sends the parents and auto_provision of a new resource', async () => {
    let body: unknown;
    server.use(
      http.post(`${BASE}/resources/`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(fixtureResource, { status: 201 });
      }),
    );
    const request = {
      name: 'app',
      template_id: 't',
      variables: {},
      parent_ids: ['p1', 'p2'],
      auto_provision: true,
    };
    await client().createResource({ request });
    expect(body).toEqual(request);
  });

  it('lists a template’s dependencies, in either direction', async () => {
    const urls: URL[] = [];
    const dependency = {
      id: 'd1',
      template_id: 't1',
      parent_template_id: 't0',
      wiring: [{ output: 'vpc_id', variable: 'vpc_id' }],
      required: true,
      created_by: 'user:default/platform',
      created_at: '2026-11-28T16:47:59+00:00',
    };
    server.use(
      http.get(`${BASE}/templates/t1/dependencies`, ({ request }) => {
        urls.push(new URL(request.url));
        return HttpResponse.json([dependency]);
      }),
    );
    expect(await client().listTemplateDependencies({ templateId: 't1' })).toEqual([dependency]);
    await client().listTemplateDependencies({ templateId: 't1', direction: 'children' });
    expect(urls.map(u => u.searchParams.get('direction'))).toEqual([null, 'children']);
  });

  it('reads a resource’s tree in the direction asked', async () => {
    let url: URL | undefined;
    const tree = { resource_id: 'r1', direction: 'parents', truncated: false, nodes: [] };
    server.use(
      http.get(`${BASE}/resources/r1/tree`, ({ request }) => {
        url = new URL(request.url);
        return HttpResponse.json(tree);
      }),
    );
    expect(await client().getResourceTree({ resourceId: 'r1', direction: 'parents' })).toEqual(tree);
    expect(url?.searchParams.get('direction')).toBe('parents');
  });

  it('keeps the children of a 409 on destroy', async () => {
    const children = [{ id: 'c1', name: 'app', state: 'provisioned', status: 'done' }];
    server.use(
      http.post(`${BASE}/resources/r1/destroy`, () =>
        HttpResponse.json(
          {
            code: 409,
            status: 'Conflict',
            message: 'cannot destroy vpc: 1 resource(s) build on it; destroy them first',
            children,
          },
          { status: 409 },
        ),
      ),
    );
    const error = await failure(client().runCommand({ resourceId: 'r1', command: 'destroy' }));
    expect(error.statusCode).toBe(409);
    expect(error.children).toEqual(children);
  });

  it('posts a provision and answers the queued run; 500 becomes an InfraKitchenError', async () => {
    server.use(
      http.post(`${BASE}/resources/r1/provision`, () => HttpResponse.json(fixtureRuns[0], { status: 202 })),
      http.post(`${BASE}/resources/r2/provision`, () => new HttpResponse('boom', { status: 500 })),
    );
    expect(await client().runCommand({ resourceId: 'r1', command: 'provision' })).toEqual(fixtureRuns[0]);
    expect((await failure(client().runCommand({ resourceId: 'r2', command: 'provision' }))).statusCode).toBe(500);
  });

  it('sends the reason of a rejection and the force flag of a cancel', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.post(`${BASE}/resources/r1/reject`, async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json(fixtureResource);
      }),
      http.post(`${BASE}/runs/run1/cancel`, async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json(fixtureRuns[0], { status: 202 });
      }),
    );
    await client().runCommand({ resourceId: 'r1', command: 'reject', reason: 'too big' });
    await client().cancelRun({ runId: 'run1' });
    expect(bodies).toEqual([{ reason: 'too big' }, { force: false }]);
  });

  it('sends an approval’s optional reason, and answers a destroy waiting for approval with the resource', async () => {
    const bodies: unknown[] = [];
    const waiting = { ...fixtureResource, state: 'destroy', status: 'approval_pending' };
    server.use(
      http.post(`${BASE}/resources/r1/approve`, async ({ request }) => {
        const text = await request.text();
        bodies.push(text ? JSON.parse(text) : 'no body');
        return HttpResponse.json(fixtureResource);
      }),
      http.post(`${BASE}/resources/r1/destroy`, () => HttpResponse.json(waiting, { status: 200 })),
    );
    await client().runCommand({ resourceId: 'r1', command: 'approve', reason: 'end of the project' });
    await client().runCommand({ resourceId: 'r1', command: 'approve' });
    expect(bodies).toEqual([{ reason: 'end of the project' }, 'no body']);
    expect(await client().runCommand({ resourceId: 'r1', command: 'destroy' })).toEqual(waiting);
  });

  it('long-polls events with the topic and position', async () => {
    let url: URL | undefined;
    server.use(
      http.get(`${BASE}/events/`, ({ request }) => {
        url = new URL(request.url);
        return HttpResponse.json({ events: [], last_id: 9, reset: false });
      }),
    );
    const page = await client().listEvents({ topic: { runId: 'run1' }, after: 4, waitSeconds: 25 });
    expect(page.last_id).toBe(9);
    expect(Object.fromEntries(url!.searchParams)).toEqual({ run_id: 'run1', after: '4', wait: '25' });
  });

  it('keeps the service’s explanation of a 401', async () => {
    server.use(http.get(`${BASE}/me`, () => HttpResponse.json(fixtureError401, { status: 401 })));
    const error = await failure(client().getMe());
    expect(error.statusCode).toBe(401);
    expect(error.serviceMessage).toBe(fixtureError401.message);
  });

  it('reports an unreachable service with status 0', async () => {
    server.use(http.get(`${BASE}/me`, () => HttpResponse.error()));
    const error = await failure(client().getMe());
    expect(error.statusCode).toBe(0);
    expect(error.message).toMatch(/could not be reached/);
  });
});

describe('InfraKitchenClient errors, method by method', () => {
  const calls: Array<[string, 'get' | 'post' | 'patch' | 'delete', string, (c: InfraKitchenClient) => Promise<unknown>]> = [
    ['listResources', 'get', '/resources/', c => c.listResources({})],
    ['getResource', 'get', '/resources/r1', c => c.getResource({ resourceId: 'r1' })],
    ['getResourceActions', 'get', '/resources/r1/actions', c => c.getResourceActions({ resourceId: 'r1' })],
    [
      'createResource',
      'post',
      '/resources/',
      c => c.createResource({ request: { name: 'x', template_id: 't', variables: {}, auto_provision: false } }),
    ],
    [
      'getResourceTree',
      'get',
      '/resources/r1/tree',
      c => c.getResourceTree({ resourceId: 'r1', direction: 'children' }),
    ],
    [
      'listTemplateDependencies',
      'get',
      '/templates/t1/dependencies',
      c => c.listTemplateDependencies({ templateId: 't1' }),
    ],
    ['deleteResource', 'delete', '/resources/r1', c => c.deleteResource({ resourceId: 'r1' })],
    ['runCommand', 'post', '/resources/r1/plan', c => c.runCommand({ resourceId: 'r1', command: 'plan' })],
    ['cancelRun', 'post', '/runs/run1/cancel', c => c.cancelRun({ runId: 'run1' })],
    ['listResourceRuns', 'get', '/resources/r1/runs', c => c.listResourceRuns({ resourceId: 'r1' })],
    ['getRun', 'get', '/runs/run1', c => c.getRun({ runId: 'run1' })],
    ['getRunLogs', 'get', '/runs/run1/logs', c => c.getRunLogs({ runId: 'run1', offset: 0 })],
    ['listTemplates', 'get', '/templates/', c => c.listTemplates({})],
    ['listTemplateVersions', 'get', '/templates/t1/versions', c => c.listTemplateVersions({ templateId: 't1' })],
    ['listAuditLogs', 'get', '/audit-logs/', c => c.listAuditLogs({ entityId: 'r1' })],
    ['getMe', 'get', '/me', c => c.getMe()],
    [
      'getCascadeDestroyPlan',
      'get',
      '/resources/r1/cascade-destroy',
      c => c.getCascadeDestroyPlan({ resourceId: 'r1' }),
    ],
    ['cascadeDestroy', 'post', '/resources/r1/cascade-destroy', c => c.cascadeDestroy({ resourceId: 'r1' })],
    ['listOperations', 'get', '/operations/', c => c.listOperations({})],
    ['getOperation', 'get', '/operations/op1', c => c.getOperation({ operationId: 'op1' })],
    [
      'operationCommand',
      'post',
      '/operations/op1/retry',
      c => c.operationCommand({ operationId: 'op1', command: 'retry' }),
    ],
    ['listEvents', 'get', '/events/', c => c.listEvents({ topic: { all: true }, waitSeconds: 0 })],
    ['getTemplate', 'get', '/templates/t1', c => c.getTemplate({ templateId: 't1' })],
    [
      'requestChange',
      'patch',
      '/resources/r1',
      c => c.requestChange({ resourceId: 'r1', request: { variables: { x: 1 } } }),
    ],
    ['listChanges', 'get', '/resources/r1/changes', c => c.listChanges({ resourceId: 'r1' })],
    ['getChange', 'get', '/changes/ch1', c => c.getChange({ changeId: 'ch1' })],
    ['runChange', 'post', '/changes/ch1/plan', c => c.runChange({ changeId: 'ch1', command: 'plan' })],
    [
      'decideChange',
      'post',
      '/changes/ch1/approve',
      c => c.decideChange({ changeId: 'ch1', decision: 'approve' }),
    ],
  ];

  it.each(calls)('%s: 404 and 500 both throw InfraKitchenError with the status', async (_name, method, path, call) => {
    for (const status of [404, 500]) {
      server.use(
        http[method](`${BASE}${path}`, () =>
          HttpResponse.json({ code: status, status: 'x', message: `said ${status}` }, { status }),
        ),
      );
      const error = await failure(call(client()));
      expect(error).toBeInstanceOf(InfraKitchenError);
      expect(error.statusCode).toBe(status);
      expect(error.serviceMessage).toBe(`said ${status}`);
    }
  });

  it('requests a change with PATCH, lists a resource’s changes, and posts their runs and decisions', async () => {
    const sent: string[] = [];
    let listed: URL | undefined;
    server.use(
      http.patch(`${BASE}/resources/r1`, async ({ request }) => {
        sent.push(`PATCH ${await request.text()}`);
        return HttpResponse.json({ id: 'ch1', status: 'open' });
      }),
      http.get(`${BASE}/resources/r1/changes`, ({ request }) => {
        listed = new URL(request.url);
        return HttpResponse.json([{ id: 'ch1' }]);
      }),
      http.post(`${BASE}/changes/ch1/:command`, async ({ params, request }) => {
        sent.push(`${params.command} ${await request.text()}`);
        return HttpResponse.json({ id: 'ch1' }, { status: params.command === 'plan' || params.command === 'apply' ? 202 : 200 });
      }),
    );
    const change = await client().requestChange({
      resourceId: 'r1',
      request: { variables: { replicas: 3, greeting: null }, template_version_id: 'v2' },
    });
    expect(change.status).toBe('open');
    const page = await client().listChanges({ resourceId: 'r1', status: 'open' });
    expect(page.items).toHaveLength(1);
    expect(Object.fromEntries(listed!.searchParams)).toEqual({ status: 'open', page_size: '20' });
    await client().runChange({ changeId: 'ch1', command: 'plan' });
    await client().runChange({ changeId: 'ch1', command: 'apply' });
    await client().decideChange({ changeId: 'ch1', decision: 'approve' });
    await client().decideChange({ changeId: 'ch1', decision: 'approve', reason: 'fine' });
    await client().decideChange({ changeId: 'ch1', decision: 'reject', reason: 'not now' });
    expect(sent).toEqual([
      'PATCH {"variables":{"replicas":3,"greeting":null},"template_version_id":"v2"}',
      'plan ',
      'apply ',
      'approve ',
      'approve {"reason":"fine"}',
      'reject {"reason":"not now"}',
    ]);
  });

  it('lists a resource’s operations by status, and posts their commands (reject with its reason)', async () => {
    let url: URL | undefined;
    const bodies: Record<string, string> = {};
    server.use(
      http.get(`${BASE}/operations/`, ({ request }) => {
        url = new URL(request.url);
        return HttpResponse.json([], { headers: { 'X-Pagination': '{"total": 0, "total_pages": 0}' } });
      }),
      http.post(`${BASE}/operations/op1/:command`, async ({ params, request }) => {
        bodies[String(params.command)] = await request.text();
        return HttpResponse.json({ id: 'op1' });
      }),
    );
    const page = await client().listOperations({ resourceId: 'r1', status: 'approval_pending', pageSize: 1 });
    expect(Object.fromEntries(url!.searchParams)).toEqual({
      resource_id: 'r1',
      status: 'approval_pending',
      page_size: '1',
    });
    expect(page.pagination?.total).toBe(0);
    for (const command of ['cancel', 'retry', 'approve'] as const) {
      await client().operationCommand({ operationId: 'op1', command });
    }
    await client().operationCommand({ operationId: 'op1', command: 'reject', reason: 'not now' });
    expect(bodies).toEqual({ cancel: '', retry: '', approve: '', reject: '{"reason":"not now"}' });
  });

  it('deleteResource answers nothing on 204', async () => {
    server.use(http.delete(`${BASE}/resources/r1`, () => new HttpResponse(null, { status: 204 })));
    await expect(client().deleteResource({ resourceId: 'r1' })).resolves.toBeUndefined();
  });
});
