/**
 * The module against the real service: `infrakitchen demo` from this repository (embedded database, its own
 * worker), started here on a free port with a data dir of its own. A full read brings the demo's resource into
 * the catalog; a resource created through the API arrives by the long poll within seconds, and leaves the
 * same way once deleted. Run by `npm run e2e` (it needs the repository's .venv), not by `npm test`.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogProcessingExtensionPoint, EntityProviderMutation } from '@backstage/plugin-catalog-node';
import catalogModuleInfraKitchen, { InfraKitchenEntityProvider } from '.';
import { catalogProcessingRecorder, RecordingConnection } from './__testUtils__/fakeInfraKitchen';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const BIN = process.env.INFRAKITCHEN_BIN ?? path.join(REPO, '.venv', 'bin', 'infrakitchen');

jest.setTimeout(240_000);

let demo: ChildProcess | undefined;
let dataDir: string;
let service: { url: string; token: string };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await fn().catch(() => undefined);
    if (value) return value;
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function api(method: string, apiPath: string, body?: unknown) {
  const response = await fetch(`${service.url}/api/v1${apiPath}`, {
    method,
    headers: { Authorization: `Bearer ${service.token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${apiPath}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

beforeAll(async () => {
  if (!fs.existsSync(BIN)) throw new Error(`${BIN} not found: run \`make install\` in ${REPO} (or set INFRAKITCHEN_BIN)`);
  const port = await freePort();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ik-catalog-e2e-'));
  demo = spawn(BIN, ['demo', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: REPO,
    env: { ...process.env, INFRAKITCHEN_DATA_DIR: dataDir },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  demo.stdout!.on('data', chunk => {
    output += chunk;
  });
  demo.stderr!.on('data', () => {}); // drained, so the demo never blocks on a full pipe
  const token = await eventually('the demo token', async () => output.match(/export TOKEN=(\S+)/)?.[1], 180_000);
  service = { url: `http://127.0.0.1:${port}`, token };
  await eventually('the service', async () => (await fetch(`${service.url}/api/v1/health/`)).ok, 60_000);
});

afterAll(async () => {
  if (demo?.pid) {
    process.kill(-demo.pid, 'SIGTERM'); // the demo and the worker it started
    await new Promise(resolve => demo!.once('exit', resolve));
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const titles = (mutation: EntityProviderMutation) =>
  (mutation.type === 'full' ? mutation.entities : mutation.added).map(deferred => deferred.entity.metadata.title);

it('puts the real service’s resources in the catalog, and follows their changes within seconds', async () => {
  const catalog = catalogProcessingRecorder();
  const backend = await startTestBackend({
    extensionPoints: [[catalogProcessingExtensionPoint, catalog.extensionPoint]],
    features: [
      catalogModuleInfraKitchen,
      mockServices.rootConfig.factory({ data: { infrakitchen: { baseUrl: service.url, token: service.token } } }),
    ],
  });
  try {
    const [provider] = catalog.providers;
    expect(provider).toBeInstanceOf(InfraKitchenEntityProvider);
    const connection = new RecordingConnection();
    await provider.connect(connection);
    await (provider as InfraKitchenEntityProvider).refresh();

    const [full] = connection.mutations;
    expect(full.type).toBe('full');
    expect(titles(full).some(title => title?.startsWith('demo-'))).toBe(true); // the resource the demo made

    const templates = (await api('GET', '/templates/?name=hello-world')) as Array<{ id: string; name: string }>;
    const template = templates.find(t => t.name === 'hello-world')!;
    const created = (await api('POST', '/resources/', {
      name: 'from-the-catalog-test',
      template_id: template.id,
      variables: { name: 'catalog' },
      entity_ref: 'component:default/catalog-e2e',
    })) as { id: string };
    const startedAt = Date.now();
    await connection.until(mutations => mutations.some(m => m.type === 'delta' && titles(m).includes('from-the-catalog-test')));
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    const delta = connection.mutations.find(m => m.type === 'delta' && titles(m).includes('from-the-catalog-test'));
    const entity = delta!.type === 'delta' ? delta!.added[0].entity : undefined;
    expect(entity?.spec?.dependencyOf).toEqual(['component:default/catalog-e2e']);
    expect(entity?.metadata.annotations?.['infrakitchen.io/resource-id']).toBe(created.id);

    await api('DELETE', `/resources/${created.id}`);
    const ref = `resource:default/${entity!.metadata.name}`;
    await connection.until(mutations =>
      mutations.some(m => m.type === 'delta' && m.removed.some(r => 'entityRef' in r && r.entityRef === ref)),
    );
  } finally {
    await backend.stop();
  }
});
