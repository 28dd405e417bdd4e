/* eslint-disable no-console */ // a command-line script: the console is its output
// End-to-end: the plugin's dev app in headless Chromium against the real InfraKitchen service.
//
// Starts (unless INFRAKITCHEN_URL and INFRAKITCHEN_TOKEN point at a running service):
//   1. `infrakitchen demo` from the repository (embedded SQLite + local queue + worker) in a temp data dir
//      on a free port; it registers the hello-world template and prints an admin token,
//   2. dev/proxy.mjs on a free port, standing in for Backstage's proxy (adds that token as Bearer),
//   3. the dev app (`backstage-cli package start`) on a free port,
// then drives Chromium: entity page -> create a resource from hello-world -> Provision -> watch it become
// provisioned live -> read its outputs. Screenshots land in e2e/artifacts/. Everything started is stopped.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startProxy } from '../dev/proxy.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = path.resolve(here, '..');
const repo = path.resolve(pkg, '..');
const artifacts = path.join(here, 'artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const started = [];
const cleanups = [];

function log(...args) {
  console.log(`[e2e ${new Date().toISOString().slice(11, 19)}]`, ...args);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function start(name, command, args, options) {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const logFile = fs.createWriteStream(path.join(artifacts, `${name}.log`));
  child.stdout.pipe(logFile);
  child.stderr.pipe(logFile);
  started.push({ name, child });
  child.on('exit', code => log(`${name} exited (${code})`));
  return child;
}

async function waitFor(what, fn, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

async function startService() {
  if (process.env.INFRAKITCHEN_URL && process.env.INFRAKITCHEN_TOKEN) {
    return { url: process.env.INFRAKITCHEN_URL, token: process.env.INFRAKITCHEN_TOKEN };
  }
  const bin = process.env.INFRAKITCHEN_BIN ?? path.join(repo, '.venv', 'bin', 'infrakitchen');
  if (!fs.existsSync(bin)) {
    throw new Error(`${bin} not found: run \`make demo\` once in ${repo} (or set INFRAKITCHEN_BIN)`);
  }
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ik-e2e-'));
  cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const child = start('service', bin, ['demo', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: repo,
    env: { ...process.env, INFRAKITCHEN_DATA_DIR: dataDir },
  });
  let output = '';
  child.stdout.on('data', chunk => {
    output += chunk;
  });
  const token = await waitFor('the demo token', () => output.match(/export TOKEN=(\S+)/)?.[1], 120_000);
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the service', async () => (await fetch(`${url}/api/v1/health/`)).ok, 60_000);
  log(`service on ${url} (data in ${dataDir})`);
  return { url, token };
}

async function startDevApp(backendUrl) {
  const port = await freePort();
  const appUrl = `http://localhost:${port}`;
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ik-e2e-config-'));
  cleanups.push(() => fs.rmSync(configDir, { recursive: true, force: true }));
  const config = path.join(configDir, 'app-config.yaml');
  fs.writeFileSync(
    config,
    [
      'app:',
      '  title: InfraKitchen e2e',
      `  baseUrl: ${appUrl}`,
      'backend:',
      `  baseUrl: ${backendUrl}`,
      // E2E_NO_SOCKET=1 leaves the WebSocket out, to exercise the long-poll fallback instead.
      ...(process.env.E2E_NO_SOCKET
        ? []
        : ['infrakitchen:', `  websocketUrl: ${backendUrl.replace(/^http/, 'ws')}/api/proxy/infrakitchen/api/v1/ws`]),
      '',
    ].join('\n'),
  );
  start('devapp', path.join(pkg, 'node_modules', '.bin', 'backstage-cli'), ['package', 'start', '--config', config], {
    cwd: pkg,
    env: { ...process.env, BROWSER: 'none' },
  });
  await waitFor('the dev app', async () => (await fetch(appUrl)).ok, 300_000);
  log(`dev app on ${appUrl}`);
  return appUrl;
}

async function drive(appUrl) {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  cleanups.push(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  page.setDefaultTimeout(60_000);
  page.on('pageerror', error => log('page error:', error.message));
  // No Backstage auth backend here: the guest sign-in asks (confirm()) to fall back to the legacy guest
  // token, which the dev app is fine with. The service sees the proxy's service token, not this identity.
  page.on('dialog', dialog => {
    log(`dialog: ${dialog.message()} -> accept`);
    dialog.accept();
  });
  try {
    await page.goto(`${appUrl}/infrakitchen-entity`);
    // The dev app signs in as guest: the Enter button, unless a session is already there.
    const enter = page.getByRole('button', { name: 'Enter' });
    const content = page.getByText('InfraKitchen resources of component:default/demo');
    await enter.or(content).first().waitFor({ timeout: 180_000 });
    if (await enter.isVisible()) await enter.click();

    log('entity page: the demo resource is listed');
    await page.getByText('InfraKitchen resources of component:default/demo').waitFor();
    await page.locator('[data-testid^="resource-row-demo-"]').first().waitFor();
    const transport = process.env.E2E_NO_SOCKET ? /Live \(polling\)|Auto-refresh/ : /^Live$/;
    await page.getByTestId('live-status').filter({ hasText: transport }).first().waitFor();
    log(`live updates: ${await page.getByTestId('live-status').first().textContent()}`);

    log('create a resource from hello-world');
    const name = `e2e-${Date.now().toString(36)}`;
    await page.getByRole('button', { name: 'Create resource' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a resource' });
    await dialog.getByRole('button', { name: /Template/ }).click();
    await page.getByRole('option', { name: /hello-world/ }).click();
    await dialog.locator('#ik-name').fill(name);
    await dialog.locator('#ik-var-name').fill('playwright');
    await dialog.locator('#ik-var-replicas').fill('2');
    await dialog.getByRole('button', { name: 'Create' }).click();

    log('the drawer opens on the new resource; provision it');
    const drawer = page.getByRole('region', { name: 'resource details' });
    await drawer.waitFor();
    await page.getByRole('heading', { name }).waitFor();
    await drawer.getByRole('region', { name: 'Actions' }).getByRole('button', { name: 'Provision' }).click();

    log('watch the status become provisioned, live');
    await drawer.getByTestId(/status-(queued|in_progress|done)/).first().waitFor();
    await drawer.getByTestId('status-done').waitFor({ timeout: 120_000 });
    await drawer.getByText(/^provisioned/).first().waitFor();
    await drawer.getByTestId('outputs-messages').getByText('hello, playwright #0').waitFor();
    const masked = await drawer.getByTestId('outputs-api_key_length').textContent();
    if (masked?.trim() !== '••••••') throw new Error(`sensitive output not masked: ${masked}`);
    await drawer.getByTestId('run-log').getByText(/Apply complete/).waitFor();
    await page.screenshot({ path: path.join(artifacts, 'provisioned.png'), fullPage: true });

    log('close the drawer: the table shows it provisioned');
    await page.getByRole('button', { name: 'Close' }).click();
    const row = page.getByTestId(`resource-row-${name}`);
    await row.getByTestId('status-done').waitFor();
    // Template, version and last run as the service's resource payload (and run events) carry them.
    await row.getByText('hello-world@1.0.0').waitFor();
    await row.getByTestId('last-run').getByText('provision · succeeded').waitFor();
    await page.screenshot({ path: path.join(artifacts, 'entity-page.png'), fullPage: true });

    log('the standalone page lists it, filters, and shows the template catalog');
    await page.goto(`${appUrl}/infrakitchen`);
    await page.getByTestId(`resource-row-${name}`).getByText('provision · succeeded').waitFor();
    await page.getByRole('button', { name: /Status/ }).click();
    await page.getByRole('option', { name: 'error' }).click();
    await page.getByTestId(`resource-row-${name}`).waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'Templates' }).click();
    await page.getByRole('button', { name: 'Create from hello-world' }).waitFor();
    await page.screenshot({ path: path.join(artifacts, 'templates.png'), fullPage: true });
    log('passed');
  } catch (error) {
    await page.screenshot({ path: path.join(artifacts, 'failure.png'), fullPage: true }).catch(() => {});
    throw error;
  }
}

async function main() {
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  const service = await startService();
  const proxyPort = await freePort();
  const backendUrl = `http://localhost:${proxyPort}`;
  // The app origin is only known after the dev app has a port; the proxy reads it per request.
  const appOrigin = { value: '*' };
  const proxy = await startProxy({
    port: proxyPort,
    target: service.url,
    token: service.token,
    appOrigin: { toString: () => appOrigin.value },
    log: line => fs.appendFileSync(path.join(artifacts, 'proxy.log'), `${line}\n`),
  });
  cleanups.push(() => new Promise(r => proxy.close(r)));
  const appUrl = await startDevApp(backendUrl);
  appOrigin.value = appUrl;
  await drive(appUrl);
}

let failed = false;
try {
  await main();
} catch (error) {
  failed = true;
  console.error(`[e2e] FAILED: ${error.stack ?? error}`);
} finally {
  for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
  // Each was started in its own process group: stop it and everything it spawned (the demo's worker),
  // and kill what is still there after 15 s.
  const signal = sig => {
    for (const { child } of started) {
      try {
        process.kill(-child.pid, sig);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  const exited = started.map(({ child }) =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise(r => child.once('exit', r)),
  );
  await Promise.race([Promise.all(exited), new Promise(r => setTimeout(r, 15_000))]);
  signal('SIGKILL');
}
console.log(failed ? '0 passed, 1 failed' : '1 passed, 0 failed');
process.exit(failed ? 1 : 0);
