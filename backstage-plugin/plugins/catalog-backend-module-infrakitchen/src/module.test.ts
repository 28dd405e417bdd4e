import { coreServices, createBackendModule, SchedulerService } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import catalogModuleInfraKitchen, { InfraKitchenEntityProvider } from '.';
import {
  BASE_URL,
  catalogProcessingRecorder,
  FakeCatalogFeed,
  LOCATION_KEY,
  page,
  RecordingConnection,
  resourceEntity,
} from './__testUtils__/fakeInfraKitchen';

const server = setupServer();
registerMswTestHooks(server);

const TASK_ID = 'infrakitchen-provider:refresh';

// Each test's backend is stopped before the next starts: its change loop would poll the next test's feed.
const running: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map(backend => backend.stop()));
  jest.restoreAllMocks(); // console spies, after the shutdown's own log lines
});

/**
 * The module (the package's default export) in a test backend, with a stand-in for the
 * catalog's processing extension point; the provider it adds is connected to a recording connection.
 */
async function startModule(
  feed: FakeCatalogFeed,
  infrakitchen: JsonObject = {},
  logLevel: 'none' | 'debug' = 'none',
) {
  server.use(feed.handler);
  const catalog = catalogProcessingRecorder();
  let scheduler: SchedulerService | undefined;
  // The catalog plugin's scheduler (plugin-scoped: the same instance the module gets), to run its task now.
  const schedulerOfCatalog = createBackendModule({
    pluginId: 'catalog',
    moduleId: 'test-scheduler',
    register(env) {
      env.registerInit({
        deps: { pluginScheduler: coreServices.scheduler },
        async init({ pluginScheduler }) {
          scheduler = pluginScheduler;
        },
      });
    },
  });
  const backend = await startTestBackend({
    extensionPoints: [[catalogProcessingExtensionPoint, catalog.extensionPoint]],
    features: [
      catalogModuleInfraKitchen, // the package's default export, which `backend.add(import(...))` installs
      schedulerOfCatalog,
      mockServices.rootConfig.factory({ data: { infrakitchen: { baseUrl: BASE_URL, ...infrakitchen } } }),
      mockServices.rootLogger.factory({ level: logLevel }),
    ],
  });
  running.push(backend);
  expect(catalog.providers).toHaveLength(1);
  const [provider] = catalog.providers;
  expect(provider).toBeInstanceOf(InfraKitchenEntityProvider);
  const connection = new RecordingConnection();
  await provider.connect(connection);
  return { backend, provider, connection, fullRead: () => scheduler!.triggerTask(TASK_ID) };
}

const deferred = (name: string) => ({ entity: resourceEntity(name), locationKey: LOCATION_KEY });

describe('catalogModuleInfraKitchen', () => {
  it('reads every page of a full read and applies them as one full mutation with its location key', async () => {
    const feed = new FakeCatalogFeed().answerReads(
      HttpResponse.json(page({ entities: [resourceEntity('a'), resourceEntity('b')], next_cursor: 'c1', last_event_id: 10 })),
      HttpResponse.json(page({ entities: [resourceEntity('c')], next_cursor: 'c2', last_event_id: 10 })),
      HttpResponse.json(page({ entities: [resourceEntity('d')], next_cursor: null, last_event_id: 10 })),
    );
    const { provider, connection, fullRead } = await startModule(feed);
    expect(provider.getProviderName()).toBe('infrakitchen-provider');

    await fullRead();

    expect(connection.mutations).toEqual([
      { type: 'full', entities: [deferred('a'), deferred('b'), deferred('c'), deferred('d')] },
    ]);
    expect(feed.requests.slice(0, 3).map(r => r.query)).toEqual([
      { limit: '200' },
      { limit: '200', cursor: 'c1' },
      { limit: '200', cursor: 'c2' },
    ]);
    // then the changes after the read's last event, long-polled
    await feed.until(() => feed.held === 1);
    expect(feed.requests[3].query).toEqual({ after: '10', wait: '25' });
  });

  it('applies the changes of a long poll as a delta: upserts and removals', async () => {
    const feed = new FakeCatalogFeed()
      .answerReads(HttpResponse.json(page({ entities: [resourceEntity('a'), resourceEntity('b')], last_event_id: 10 })))
      .answerPolls(
        HttpResponse.json(page({ entities: [resourceEntity('c')], removed: ['resource:default/b'], last_event_id: 12, more: true })),
        HttpResponse.json(page({ entities: [resourceEntity('a', 'error')], last_event_id: 13 })),
      );
    const { connection, fullRead } = await startModule(feed);

    await fullRead();
    await connection.until(mutations => mutations.length === 3);

    expect(connection.mutations.slice(1)).toEqual([
      {
        type: 'delta',
        added: [deferred('c')],
        removed: [{ entityRef: 'resource:default/b', locationKey: LOCATION_KEY }],
      },
      { type: 'delta', added: [{ entity: resourceEntity('a', 'error'), locationKey: LOCATION_KEY }], removed: [] },
    ]);
    await feed.until(() => feed.held === 1);
    expect(feed.requests.slice(1).map(r => r.query.after)).toEqual(['10', '12', '13']);
  });

  it('reads everything again when the service answers 409 reset to a long poll', async () => {
    const feed = new FakeCatalogFeed()
      .answerReads(
        HttpResponse.json(page({ entities: [resourceEntity('a')], last_event_id: 10 })),
        HttpResponse.json(page({ entities: [resourceEntity('a'), resourceEntity('c')], last_event_id: 40 })),
      )
      .answerPolls(
        HttpResponse.json(
          { code: 409, status: 'Conflict', message: 'events after `after` were pruned', reset: true },
          { status: 409 },
        ),
      );
    const { connection, fullRead } = await startModule(feed);

    await fullRead();
    await connection.until(mutations => mutations.length === 2);

    expect(connection.mutations[1]).toEqual({ type: 'full', entities: [deferred('a'), deferred('c')] });
    await feed.until(() => feed.held === 1);
    expect(feed.requests.map(r => r.query)).toEqual([
      { limit: '200' },
      { after: '10', wait: '25' },
      { limit: '200' },
      { after: '40', wait: '25' },
    ]);
  });

  it('retries a 5xx with a pause and carries on, the backend still running', async () => {
    const feed = new FakeCatalogFeed()
      .answerReads(
        HttpResponse.json({ code: 503, status: 'Service Unavailable', message: 'database down' }, { status: 503 }),
        HttpResponse.json(page({ entities: [resourceEntity('a')], last_event_id: 10 })),
      )
      .answerPolls(
        HttpResponse.json({ code: 500, status: 'Internal Server Error' }, { status: 500 }),
        HttpResponse.json(page({ entities: [resourceEntity('b')], last_event_id: 11 })),
      );
    const { backend, connection, fullRead } = await startModule(feed);

    await fullRead(); // its first attempt fails: the scheduler's task fails, the loop goes on
    await connection.until(mutations => mutations.length === 2);

    expect(connection.mutations).toEqual([
      { type: 'full', entities: [deferred('a')] },
      { type: 'delta', added: [deferred('b')], removed: [] },
    ]);
    await feed.until(() => feed.held === 1);
    expect(feed.requests.map(r => r.query)).toEqual([
      { limit: '200' },
      { limit: '200' },
      { after: '10', wait: '25' },
      { after: '10', wait: '25' },
      { after: '11', wait: '25' },
    ]);
    await backend.stop();
  }, 15_000);

  it('logs a 401 without the token, and retries', async () => {
    const logged: string[] = [];
    for (const level of ['error', 'warn', 'info', 'debug'] as const) {
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(`${level}: ${args.map(arg => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ')}`);
      });
    }
    const feed = new FakeCatalogFeed().answerReads(
      HttpResponse.json({ code: 401, status: 'Unauthorized', message: 'token revoked' }, { status: 401 }),
      HttpResponse.json(page({ entities: [resourceEntity('a')], last_event_id: 3 })),
    );
    const { connection, fullRead } = await startModule(feed, { token: 'ik_do_not_log_me' }, 'debug');

    await fullRead();
    await connection.until(mutations => mutations.length === 1);

    expect(logged.some(line => line.startsWith('warn:') && line.includes('401: token revoked'))).toBe(true);
    expect(logged.filter(line => line.includes('ik_do_not_log_me'))).toEqual([]);
  }, 15_000);

  it('sends the configured service-account token', async () => {
    const feed = new FakeCatalogFeed().answerReads(HttpResponse.json(page({ last_event_id: 1 })));
    const { fullRead } = await startModule(feed, { token: 'ik_service_account_token' });

    await fullRead();
    await feed.until(() => feed.held === 1);

    expect(feed.requests.map(r => r.authorization)).toEqual([
      'Bearer ik_service_account_token',
      'Bearer ik_service_account_token',
    ]);
  });

  it('sends a Backstage plugin token for the infrakitchen plugin without a configured token', async () => {
    const feed = new FakeCatalogFeed().answerReads(HttpResponse.json(page({ last_event_id: 1 })));
    const { fullRead } = await startModule(feed);

    await fullRead();

    expect(feed.requests[0].authorization).toBe(
      mockCredentials.service.header({
        onBehalfOf: mockCredentials.service('plugin:catalog'),
        targetPluginId: 'infrakitchen',
      }),
    );
  });

  it('issues the plugin token for infrakitchen.pluginId when it is configured', async () => {
    const feed = new FakeCatalogFeed().answerReads(HttpResponse.json(page({ last_event_id: 1 })));
    const { fullRead } = await startModule(feed, { pluginId: 'ik' });

    await fullRead();

    expect(feed.requests[0].authorization).toBe(
      mockCredentials.service.header({ onBehalfOf: mockCredentials.service('plugin:catalog'), targetPluginId: 'ik' }),
    );
  });

  it('ends the long poll when the backend shuts down', async () => {
    const feed = new FakeCatalogFeed().answerReads(HttpResponse.json(page({ last_event_id: 5 })));
    const { backend, fullRead } = await startModule(feed);
    await fullRead();
    await feed.until(() => feed.held === 1);

    const stopping = Date.now();
    await backend.stop();

    expect(Date.now() - stopping).toBeLessThan(2000); // not the 25 s a held poll would last
    await feed.until(() => feed.held === 0);
    const asked = feed.requests.length;
    await new Promise(resolve => setTimeout(resolve, 1200));
    expect(feed.requests).toHaveLength(asked);
  });
});
