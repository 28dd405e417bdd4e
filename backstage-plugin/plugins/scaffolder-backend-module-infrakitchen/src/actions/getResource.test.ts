import { mockCredentials, mockServices, registerMswTestHooks } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createGetResourceAction } from './getResource';

const server = setupServer();
registerMswTestHooks(server);

const BASE_URL = 'http://infrakitchen.test:7777';
const RESOURCE_ID = '755f7a8e-37b4-4641-baa8-3713df252919';

/** `GET /resources/{id}` as the service answers it (trimmed), sensitive values already masked. */
const resource = {
  id: RESOURCE_ID,
  name: 'demo-09dfb7',
  state: 'provisioned',
  status: 'done',
  entity_ref: 'component:default/demo',
  outputs: {
    api_key_length: { sensitive: true, value: '(sensitive)' },
    messages: { sensitive: false, value: ['hello, world #0', 'hello, world #1'] },
    endpoint: { sensitive: false, value: 'db.internal:5432' },
  },
  variables: { api_key: '(sensitive)', name: 'world' },
};

function serve(answer: () => Response) {
  const seen: Array<{ path: string; authorization: string | null }> = [];
  server.use(
    http.get(`${BASE_URL}/api/v1/resources/:id`, ({ request }) => {
      seen.push({ path: new URL(request.url).pathname, authorization: request.headers.get('authorization') });
      return answer();
    }),
  );
  return seen;
}

function action(token?: string) {
  return createGetResourceAction({ baseUrl: `${BASE_URL}/`, token, auth: mockServices.auth() });
}

describe('infrakitchen:resource:get', () => {
  it('outputs the name, state, status and only the non-sensitive outputs', async () => {
    serve(() => HttpResponse.json(resource));
    const ctx = createMockActionContext({ input: { resourceId: RESOURCE_ID } });

    await action('ik_token').handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('resourceId', RESOURCE_ID);
    expect(ctx.output).toHaveBeenCalledWith('name', 'demo-09dfb7');
    expect(ctx.output).toHaveBeenCalledWith('state', 'provisioned');
    expect(ctx.output).toHaveBeenCalledWith('status', 'done');
    expect(ctx.output).toHaveBeenCalledWith('outputs', {
      messages: ['hello, world #0', 'hello, world #1'],
      endpoint: 'db.internal:5432',
    });
  });

  it('outputs no outputs for a resource never applied', async () => {
    serve(() => HttpResponse.json({ ...resource, state: 'ready', status: 'done', outputs: null }));
    const ctx = createMockActionContext({ input: { resourceId: RESOURCE_ID } });

    await action('ik_token').handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('outputs', {});
  });

  it('sends the configured service-account token', async () => {
    const seen = serve(() => HttpResponse.json(resource));

    await action('ik_token').handler(createMockActionContext({ input: { resourceId: RESOURCE_ID } }));

    expect(seen).toEqual([{ path: `/api/v1/resources/${RESOURCE_ID}`, authorization: 'Bearer ik_token' }]);
  });

  it('reads on behalf of the user who runs the template without a token', async () => {
    const seen = serve(() => HttpResponse.json(resource));
    // the mock context's initiator is mockCredentials.user()
    const ctx = createMockActionContext({ input: { resourceId: RESOURCE_ID } });

    await action().handler(ctx);

    expect(seen[0].authorization).toBe(
      mockCredentials.service.header({ onBehalfOf: mockCredentials.user(), targetPluginId: 'infrakitchen' }),
    );
  });

  it('fails with NotFoundError on a resource the user may not see', async () => {
    serve(() => HttpResponse.json({ code: 404, status: 'Not Found', message: 'Not Found' }, { status: 404 }));

    await expect(
      action('ik_token').handler(createMockActionContext({ input: { resourceId: RESOURCE_ID } })),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it("fails with NotAllowedError and the service's message on 403", async () => {
    serve(() => HttpResponse.json({ code: 403, status: 'Forbidden', message: 'no access to it' }, { status: 403 }));

    await expect(
      action('ik_token').handler(createMockActionContext({ input: { resourceId: RESOURCE_ID } })),
    ).rejects.toMatchObject({ name: 'NotAllowedError', message: expect.stringContaining('no access to it') });
  });

  it('fails with the status on a 5xx', async () => {
    serve(() => HttpResponse.json({ code: 503, status: 'Service Unavailable', message: 'database down' }, { status: 503 }));

    await expect(
      action('ik_token').handler(createMockActionContext({ input: { resourceId: RESOURCE_ID } })),
    ).rejects.toThrow(/answered 503: database down/);
  });

  it('documents itself with an example', () => {
    const { id, examples, schema } = action('ik_token');
    expect(id).toBe('infrakitchen:resource:get');
    expect(examples?.[0].example).toContain('action: infrakitchen:resource:get');
    expect(schema?.input).toBeDefined();
  });
});
