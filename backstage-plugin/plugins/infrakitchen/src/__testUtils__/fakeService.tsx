import { UrlPatternDiscovery } from '@backstage/core-app-api';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { http, HttpResponse, delay } from 'msw';
import type { SetupServerApi } from 'msw/node';
import {
  InfraKitchenClient,
  InfraKitchenLiveClient,
  infraKitchenApiRef,
  infraKitchenLiveApiRef,
} from '../api';
import { asIds } from '../api/payloadFields';
import type {
  CascadePlan,
  Operation,
  Resource,
  ResourceAction,
  ResourceTreeNode,
} from '../api/types';
import { fixtureResource } from '../__fixtures__';
import { ResourceDrawer } from '../components/ResourceDrawer';

/** The API's base as the plugin's client reaches it through the (test) Backstage proxy. */
export const BASE = 'http://backstage.test/api/proxy/infrakitchen/api/v1';

/** A service error body, as the service sends it. */
export function errorBody(code: number, message: string) {
  const names: Record<number, string> = { 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict' };
  return HttpResponse.json({ code, status: names[code] ?? 'Error', message }, { status: code });
}

/** A resource made from the recorded demo resource. */
export function resourceLike(extra: Partial<Resource> & Pick<Resource, 'id' | 'name'>): Resource {
  return { ...fixtureResource, parent_ids: [], outputs: {}, last_run: null, ...extra };
}

/**
 * What the msw handlers of `serveService` answer from; tests change it (and read `requests`) as they go.
 * `plan` and `startCascade` answer the cascade-destroy endpoints (a function may answer an error).
 */
export interface ServiceState {
  resources: Resource[];
  actions: Record<string, ResourceAction[]>;
  operations: Operation[];
  plan?: () => CascadePlan | Response;
  startCascade?: () => Operation | Response;
  /** What `POST /operations/{id}/{command}` answers (default: the operation unchanged). */
  command?: (operation: Operation, command: string) => Operation | Response;
  /** Every request, as "METHOD /path?query" below BASE (`body` for the ones that sent one). */
  requests: string[];
  bodies: Record<string, unknown>;
}

function treeNodes(state: ServiceState, id: string, direction: string): ResourceTreeNode[] {
  const nodes: ResourceTreeNode[] = [];
  const visit = (of: string, depth: number) => {
    const next =
      direction === 'children'
        ? state.resources.filter(r => asIds(r.parent_ids).includes(of))
        : state.resources.filter(r => asIds(state.resources.find(x => x.id === of)?.parent_ids).includes(r.id));
    for (const r of next) {
      nodes.push({
        id: r.id,
        name: r.name,
        state: r.state,
        status: r.status,
        pending_reason: r.pending_reason,
        template_name: String(r.template_name),
        depth,
        via: of,
      });
      visit(r.id, depth + 1);
    }
  };
  visit(id, 1);
  return nodes;
}

/**
 * A small InfraKitchen behind msw: the resource, actions, runs, audit, tree, operation and cascade-destroy
 * endpoints the drawer reads, answered from `state`; the event stream long-polls with nothing to say.
 */
export function serveService(server: SetupServerApi, initial: Partial<ServiceState>): ServiceState {
  const state: ServiceState = {
    resources: [],
    actions: {},
    operations: [],
    requests: [],
    bodies: {},
    ...initial,
  };
  const find = (id: string) => state.resources.find(r => r.id === id);
  const findOperation = (id: string) => state.operations.find(o => o.id === id);
  const record = (request: Request) => {
    state.requests.push(`${request.method} ${request.url.slice(BASE.length)}`);
  };
  server.events.on('request:start', ({ request }) => {
    if (!request.url.startsWith(`${BASE}/events/`)) record(request);
  });
  server.use(
    http.get(`${BASE}/resources/:id`, ({ params }) => {
      const r = find(String(params.id));
      return r ? HttpResponse.json(r) : errorBody(404, 'resource not found');
    }),
    http.get(`${BASE}/resources/:id/actions`, ({ params }) => {
      const r = find(String(params.id))!;
      const actions = state.actions[r.id] ?? [];
      return HttpResponse.json({ resource_id: r.id, state: r.state, status: r.status, actions });
    }),
    http.get(`${BASE}/resources/:id/runs`, () => HttpResponse.json([])),
    http.get(`${BASE}/resources/:id/changes`, () => HttpResponse.json([])),
    http.get(`${BASE}/me`, () =>
      HttpResponse.json({ subject: 'user:default/alice', kind: 'backstage_user', role: 'member', ownership: [] }),
    ),
    http.get(`${BASE}/templates/:id`, () => errorBody(404, 'template not found')),
    http.get(`${BASE}/audit-logs/`, () => HttpResponse.json([])),
    http.get(`${BASE}/resources/:id/tree`, ({ params, request }) => {
      const direction = new URL(request.url).searchParams.get('direction') ?? 'children';
      const id = String(params.id);
      const nodes = treeNodes(state, id, direction);
      return HttpResponse.json({ resource_id: id, direction, truncated: false, nodes });
    }),
    http.get(`${BASE}/resources/:id/cascade-destroy`, () => {
      const plan = state.plan?.() ?? errorBody(404, 'no plan');
      return plan instanceof Response ? plan : HttpResponse.json(plan);
    }),
    http.post(`${BASE}/resources/:id/cascade-destroy`, () => {
      const started = state.startCascade?.() ?? errorBody(404, 'nothing to start');
      if (started instanceof Response) return started;
      state.operations = [started, ...state.operations];
      return HttpResponse.json(started, { status: 202 });
    }),
    http.get(`${BASE}/operations/`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      const items = state.operations.filter(
        o =>
          (!query.get('resource_id') || o.resource_id === query.get('resource_id')) &&
          (!query.get('status') || o.status === query.get('status')),
      );
      return HttpResponse.json(items, {
        headers: { 'X-Pagination': JSON.stringify({ total: items.length, total_pages: 1, page: 1 }) },
      });
    }),
    http.get(`${BASE}/operations/:id`, ({ params }) => {
      const operation = findOperation(String(params.id));
      return operation ? HttpResponse.json(operation) : errorBody(404, 'operation not found');
    }),
    http.post(`${BASE}/operations/:id/:command`, async ({ params, request }) => {
      const text = await request.text();
      if (text) state.bodies[`${params.command}`] = JSON.parse(text);
      const operation = findOperation(String(params.id));
      if (!operation) return errorBody(404, 'operation not found');
      const answer = state.command?.(operation, String(params.command)) ?? operation;
      if (answer instanceof Response) return answer;
      state.operations = state.operations.map(o => (o.id === answer.id ? answer : o));
      return HttpResponse.json(answer);
    }),
    http.get(`${BASE}/events/`, async ({ request }) => {
      if (Number(new URL(request.url).searchParams.get('wait'))) await delay(50);
      return HttpResponse.json({ events: [], last_id: 0, reset: false });
    }),
  );
  return state;
}

/** The drawer of `resourceId`, talking to the msw service through the plugin's own REST and live clients. */
export async function renderDrawer(resourceId: string, onSelectResource = jest.fn()) {
  const client = new InfraKitchenClient({
    discoveryApi: UrlPatternDiscovery.compile('http://backstage.test/api/{{pluginId}}'),
    fetchApi: { fetch: (input, init) => fetch(input, init) },
  });
  const live = new InfraKitchenLiveClient({ infraKitchenApi: client });
  await renderInTestApp(
    <TestApiProvider apis={[[infraKitchenApiRef, client], [infraKitchenLiveApiRef, live]]}>
      <ResourceDrawer
        resourceId={resourceId}
        onSelectRun={jest.fn()}
        onSelectResource={onSelectResource}
        onClose={jest.fn()}
      />
    </TestApiProvider>,
  );
  return onSelectResource;
}
