/* eslint-disable no-console */ // a command-line script: the console is its output
// End-to-end: the plugin's dev app in headless Chromium against the real InfraKitchen service.
//
// Starts (unless INFRAKITCHEN_URL and INFRAKITCHEN_TOKEN point at a running service):
//   1. `infrakitchen demo` from the repository (embedded SQLite + local queue + worker) in a temp data dir
//      on a free port; it registers the hello-world template and prints an admin token,
//   2. dev/proxy.mjs on a free port, standing in for Backstage's proxy (adds that token as Bearer),
//   3. the dev app (`backstage-cli package start`) on a free port,
// then drives Chromium: entity page -> create a resource from hello-world -> Provision -> watch it become
// provisioned live -> read its outputs; the demo resource changed through a change request: Edit -> open
// change -> Plan -> Apply -> the new value on the resource; then resources that build on each other: a
// demo-network, and a demo-app on it (pending, auto-provision) -> provision the network -> both provisioned
// live -> cascade destroy the network (the app first). Screenshots land in e2e/artifacts/. Everything started
// is stopped.
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
// <repo>/backstage-plugin/plugins/infrakitchen: the npm workspace root is two levels up, the repository three.
const workspace = path.resolve(pkg, '..', '..');
const repo = path.resolve(workspace, '..');
const artifacts = path.join(here, 'artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const started = [];
const cleanups = [];
/** A GET on the service itself (not through the page), as the demo's admin. */
let serviceApi = async () => {
  throw new Error('the service is not started');
};

function log(...args) {
  console.log(`[e2e ${new Date().toISOString().slice(11, 19)}]`, ...args);
}

/** npm hoists the CLI to the workspace root's node_modules; a package-local one wins when present. */
function backstageCli() {
  const candidates = [pkg, workspace].map(dir => path.join(dir, 'node_modules', '.bin', 'backstage-cli'));
  return candidates.find(file => fs.existsSync(file)) ?? candidates[candidates.length - 1];
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
  start('devapp', backstageCli(), ['package', 'start', '--config', config], {
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
    // Each version with its lifecycle: the demo's only one is active.
    const helloVersions = page.getByTestId('template-row-hello-world').getByTestId('lifecycle-1.0.0');
    await helloVersions.getByText('1.0.0 · active').waitFor();
    await page.screenshot({ path: path.join(artifacts, 'templates.png'), fullPage: true });
    await changesTheDemoResource(page, appUrl);
    await buildsOnEachOther(page, appUrl);
    log('passed');
  } catch (error) {
    await page.screenshot({ path: path.join(artifacts, 'failure.png'), fullPage: true }).catch(() => {});
    throw error;
  }
}

/**
 * The demo resource (provisioned when the demo started) edited through a change request: Edit (its secret
 * left "unchanged") -> the change is open, the resource keeps its value -> Plan -> the plan summary -> (no
 * approval: hello-world does not require it) -> Apply -> the resource has the new value and its outputs show
 * it after the run; its secret was kept.
 */
async function changesTheDemoResource(page, appUrl) {
  await page.goto(`${appUrl}/infrakitchen-entity`);
  await page.getByText('InfraKitchen resources of component:default/demo').waitFor();
  const demoRow = page.locator('[data-testid^="resource-row-demo-"]').first();
  await demoRow.waitFor();
  const demoName = (await demoRow.getAttribute('data-testid')).slice('resource-row-'.length);
  const [resource] = await serviceApi(`/resources/?name=${demoName}`);
  if (resource?.name !== demoName) throw new Error(`the service does not list ${demoName}`);
  await waitFor(`${demoName} to be provisioned`, async () => {
    const r = await serviceApi(`/resources/${resource.id}`);
    return r.state === 'provisioned' && r.status === 'done';
  }, 180_000);

  log(`edit ${demoName}: a new name, its secret left unchanged`);
  await demoRow.getByRole('button', { name: demoName }).click();
  const drawer = page.getByRole('region', { name: 'resource details' });
  await page.getByRole('heading', { name: demoName }).waitFor();
  await drawer.getByTestId('variables-name').getByText('world').waitFor();
  await drawer.getByRole('region', { name: 'Actions' }).getByRole('button', { name: 'Edit' }).click();
  const dialog = page.getByRole('dialog', { name: `Edit ${demoName}` });
  const nameField = dialog.locator('#ik-var-name');
  await nameField.waitFor();
  if ((await nameField.inputValue()) !== 'world') throw new Error('the edit form is not pre-filled');
  const secret = dialog.locator('#ik-var-api_key');
  const placeholder = await secret.getAttribute('placeholder');
  if ((await secret.inputValue()) !== '' || placeholder !== 'unchanged (sensitive)') {
    throw new Error('the sensitive variable is not shown as unchanged');
  }
  await nameField.fill('e2e-edit');
  await page.screenshot({ path: path.join(artifacts, 'edit-dialog.png'), fullPage: true });
  await dialog.getByRole('button', { name: 'Submit' }).click();
  await dialog.waitFor({ state: 'detached' });

  log('the change is open; the resource keeps its value until it is applied');
  await drawer.getByTestId('change-requested').waitFor();
  const section = drawer.getByRole('region', { name: 'Change', exact: true });
  await section.getByTestId('change-status').getByText('open').waitFor();
  const line = section.getByTestId('change-diff-name');
  await line.getByText('world').waitFor();
  await line.getByText('e2e-edit').waitFor();
  if (await section.getByTestId('change-diff-api_key').count()) {
    throw new Error('the untouched secret is in the diff');
  }
  await drawer.getByTestId('variables-name').getByText('world').waitFor();
  const [change] = await serviceApi(`/resources/${resource.id}/changes`);
  log(`change ${change.id}: ${change.status}, ${JSON.stringify(change.diff)}`);
  if (change.status !== 'open' || change.diff.some(d => d.name === 'variables.api_key')) {
    throw new Error(`unexpected change: ${JSON.stringify(change)}`);
  }

  log('plan it: the summary shows once the plan run ends');
  await section.getByRole('button', { name: 'Plan' }).click();
  const counts = section.getByTestId('plan-counts');
  await counts.waitFor({ timeout: 180_000 });
  const planned = (await counts.textContent()) ?? '';
  log(`plan: ${planned}`);
  if (!/Plan: \d+ to add, [1-9]\d* to change, \d+ to destroy\./.test(planned)) {
    throw new Error('the plan does not change the greeters');
  }
  await section.getByText(/terraform_data\.greeter\[0\]/).waitFor();
  await page.screenshot({ path: path.join(artifacts, 'change-planned.png'), fullPage: true });

  // The e2e has a single identity (the demo's admin, through the proxy), and nobody decides on their own
  // change: hello-world requires no approval, so there is nothing to approve.
  if (change.requires_approval) {
    throw new Error('hello-world requires approval now: the e2e has no second identity to approve with');
  }
  log('hello-world requires no approval: no Approve/Reject, Apply is enabled');
  if (await section.getByRole('button', { name: 'Approve' }).count()) {
    throw new Error('Approve offered on a change that needs no approval');
  }

  log('apply it: the resource takes the new value after the run');
  const apply = section.getByRole('button', { name: 'Apply' });
  if (!(await apply.isEnabled())) throw new Error('Apply is disabled on a change needing no approval');
  await apply.click();
  await section.waitFor({ state: 'detached', timeout: 180_000 });
  await drawer.getByTestId('variables-name').getByText('e2e-edit').waitFor();
  await drawer.getByTestId('outputs-messages').getByText('hello, e2e-edit #0').waitFor({ timeout: 60_000 });
  const past = drawer.getByRole('region', { name: 'Past changes' });
  await past.getByTestId('status-applied').first().waitFor();
  await page.screenshot({ path: path.join(artifacts, 'change-applied.png'), fullPage: true });
  const after = await serviceApi(`/resources/${resource.id}`);
  const applied = await serviceApi(`/changes/${change.id}`);
  log(`after: ${after.state}/${after.status} ${JSON.stringify(after.variables)}, change ${applied.status}`);
  if (after.variables.name !== 'e2e-edit' || after.variables.api_key !== '(sensitive)') {
    throw new Error(`the applied change did not become the resource's values: ${JSON.stringify(after.variables)}`);
  }
  if (applied.status !== 'applied') throw new Error(`the change is ${applied.status}, not applied`);
  await page.getByRole('button', { name: 'Close' }).click();
  await demoRow.getByTestId('status-done').waitFor();
}

/**
 * Records, in the page, each change of state/status of the named rows of the resource table (with the time
 * it was seen), and marks the window: a reload would lose both. Read with `seen(page)`.
 */
async function recordRows(page, names) {
  await page.evaluate(rowNames => {
    window.__ikSeen = Object.fromEntries(rowNames.map(n => [n, []]));
    const read = () => {
      for (const name of rowNames) {
        const row = document.querySelector(`[data-testid="resource-row-${name}"]`);
        if (!row) continue;
        const state = row.querySelector('[data-testid="state"]')?.textContent;
        const status = row.querySelector('[data-testid^="status-"]')?.getAttribute('data-testid').slice(7);
        const now = `${state}/${status}`;
        const list = window.__ikSeen[name];
        if (list[list.length - 1]?.value !== now) list.push({ value: now, at: performance.now() });
      }
    };
    read();
    new MutationObserver(read).observe(document.body, { subtree: true, childList: true, characterData: true });
  }, names);
}

async function seen(page) {
  const value = await page.evaluate(() => window.__ikSeen);
  if (!value) throw new Error('the page was reloaded: its row recorder is gone');
  return value;
}

/** Waits until the row of `name` shows `value` (state/status), as recorded. */
async function waitForRow(page, name, value, timeoutMs) {
  await waitFor(`${name} to be ${value}`, async () => {
    const rows = (await seen(page))[name];
    return rows[rows.length - 1]?.value === value;
  }, timeoutMs);
}

function trail(rows) {
  return rows.map(r => r.value).join(' -> ');
}

/**
 * demo-app builds on demo-network: create a network (not provisioned), an app on it with auto-provision (it
 * waits, pending), provision the network and watch both become provisioned live; then cascade-destroy the
 * network: the app goes first, then the network.
 */
async function buildsOnEachOther(page, appUrl) {
  await page.goto(`${appUrl}/infrakitchen-entity`);
  await page.getByText('InfraKitchen resources of component:default/demo').waitFor();
  const transport = process.env.E2E_NO_SOCKET ? /Live \(polling\)|Auto-refresh/ : /^Live$/;
  await page.getByTestId('live-status').filter({ hasText: transport }).first().waitFor();
  const stamp = Date.now().toString(36);
  const netName = `e2e-net-${stamp}`;
  const appName = `e2e-app-${stamp}`;
  await recordRows(page, [netName, appName]);
  const drawer = page.getByRole('region', { name: 'resource details' });
  const actions = drawer.getByRole('region', { name: 'Actions' });

  log('create a demo-network resource (not provisioned yet)');
  await page.getByRole('button', { name: 'Create resource' }).click();
  let dialog = page.getByRole('dialog', { name: 'Create a resource' });
  await dialog.getByRole('button', { name: /Template/ }).click();
  await page.getByRole('option', { name: /^demo-network/ }).click();
  await dialog.locator('#ik-name').fill(netName);
  await dialog.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('heading', { name: netName }).waitFor();
  await page.getByRole('button', { name: 'Close' }).click();
  await waitForRow(page, netName, 'provision/ready', 30_000);

  log('create a demo-app resource on it, provisioned automatically once the network is');
  await page.getByRole('button', { name: 'Create resource' }).click();
  dialog = page.getByRole('dialog', { name: 'Create a resource' });
  await dialog.getByRole('button', { name: /Template/ }).click();
  await page.getByRole('option', { name: /^demo-app/ }).click();
  await dialog.locator('#ik-name').fill(appName);
  await dialog.getByRole('button', { name: /Builds on demo-network/ }).click();
  await page.getByRole('option', { name: new RegExp(`^${netName}`) }).click();
  await dialog.getByTestId('ik-wired-network_id').getByText(`from ${netName}.network_id`).waitFor();
  await dialog.getByTestId('ik-wired-admin_password').getByText(`from ${netName}.admin_password`).waitFor();
  await dialog.getByLabel('Provision automatically once its parents are ready').check();
  await page.screenshot({ path: path.join(artifacts, 'create-app.png'), fullPage: true });
  await dialog.getByRole('button', { name: 'Create' }).click();

  log('the app waits for its network: pending, with the reason');
  await page.getByRole('heading', { name: appName }).waitFor();
  await drawer.getByTestId('status-pending').first().waitFor();
  await drawer.getByTestId('pending-reason').filter({ hasText: netName }).waitFor();
  await drawer.getByTestId('pending-reason').filter({ hasText: 'provisioned automatically' }).waitFor();
  const buildsOn = drawer.getByRole('region', { name: 'Builds on' });
  await buildsOn.getByTestId(`related-${netName}`).waitFor();
  log(`pending reason: ${await drawer.getByTestId('pending-reason').textContent()}`);
  await page.screenshot({ path: path.join(artifacts, 'app-pending.png'), fullPage: true });

  log('provision the network from its drawer (opened from the app\'s "Builds on")');
  await buildsOn.getByRole('button', { name: netName }).click();
  await page.getByRole('heading', { name: netName }).waitFor();
  await actions.getByRole('button', { name: 'Provision' }).click();

  log('watch the network become provisioned, then the app by itself, live');
  await drawer.getByTestId('outputs-network_id').getByText('net-10.0.0.0/16').waitFor({ timeout: 180_000 });
  await drawer.getByText(/^provisioned ·/).waitFor();
  const password = await drawer.getByTestId('outputs-admin_password').textContent();
  if (password?.trim() !== '••••••') throw new Error(`sensitive output not masked: ${password}`);
  await waitForRow(page, netName, 'provisioned/done', 180_000);
  await waitForRow(page, appName, 'provisioned/done', 240_000);
  let rows = await seen(page);
  log(`network: ${trail(rows[netName])}`);
  log(`app:     ${trail(rows[appName])}`);
  const appTrail = rows[appName].map(r => r.value);
  if (appTrail[0] !== 'provision/pending') {
    throw new Error(`the app did not start pending: ${trail(rows[appName])}`);
  }
  // The app is released in the transaction that provisions the network: it may be seen a moment before it.
  const netStarted = rows[netName].find(r => r.value !== 'provision/ready').at;
  const appLeftPending = rows[appName].find(r => r.value !== 'provision/pending').at;
  if (appLeftPending < netStarted) throw new Error('the app left pending before its network was provisioned');

  log('the network is used by the app, the app builds on the network');
  const usedBy = drawer.getByRole('region', { name: 'Used by' });
  await usedBy.getByTestId(`related-${appName}`).waitFor();
  await page.screenshot({ path: path.join(artifacts, 'network-used-by.png'), fullPage: true });
  await usedBy.getByRole('button', { name: appName }).click();
  await page.getByRole('heading', { name: appName }).waitFor();
  const appBuildsOn = drawer.getByRole('region', { name: 'Builds on' });
  await appBuildsOn.getByTestId(`related-${netName}`).getByTestId('status-done').waitFor();
  await drawer.getByTestId('outputs-placed_on').getByText(/app #0 on net-10\.0\.0\.0\/16/).waitFor();
  const appText = await drawer.textContent();
  if (/pw-[0-9a-f]{8}/.test(appText ?? '')) throw new Error('the wired secret is shown in the app drawer');
  await page.screenshot({ path: path.join(artifacts, 'app-provisioned.png'), fullPage: true });

  log('cascade destroy the network: the dialog lists the app, then the network');
  await appBuildsOn.getByRole('button', { name: netName }).click();
  await page.getByRole('heading', { name: netName }).waitFor();
  await actions.getByRole('button', { name: 'Cascade destroy' }).click();
  const cascade = page.getByRole('dialog', { name: `Cascade destroy ${netName}?` });
  await cascade.getByTestId('cascade-step-1').waitFor();
  const steps = await cascade.getByTestId(/^cascade-step-/).allTextContents();
  log(`plan: ${steps.join(' | ')}`);
  if (steps.length !== 2 || !steps[0].includes(appName) || !steps[1].includes(netName)) {
    throw new Error(`unexpected plan: ${steps.join(' | ')}`);
  }
  if (!steps.every(step => step.includes('destroyed'))) throw new Error('both should be destroyed');
  const confirm = cascade.getByRole('button', { name: 'Cascade destroy' });
  if (await confirm.isEnabled()) throw new Error('confirm enabled before the name is typed');
  await cascade.locator('#ik-cascade-typed').fill(netName);
  await page.screenshot({ path: path.join(artifacts, 'cascade-dialog.png'), fullPage: true });
  await confirm.click();
  await cascade.waitFor({ state: 'detached' });

  log('watch the operation: the app is destroyed first, then the network');
  const progress = drawer.getByTestId('operation-progress');
  await progress.waitFor();
  await progress.getByTestId('operation-status').getByTestId('status-succeeded').waitFor({ timeout: 300_000 });
  for (const [position, name] of [[1, appName], [2, netName]]) {
    const done = progress.getByTestId(`operation-step-${position}`).filter({ hasText: name });
    await done.getByTestId('status-succeeded').waitFor();
  }
  await waitForRow(page, appName, 'destroyed/done', 60_000);
  await waitForRow(page, netName, 'destroyed/done', 60_000);
  rows = await seen(page);
  log(`network: ${trail(rows[netName])}`);
  log(`app:     ${trail(rows[appName])}`);
  // The order from the runs themselves (the page may render two rows' updates in one frame).
  const [operation] = await serviceApi('/operations/?page_size=1');
  const [appRun, netRun] = await Promise.all(operation.steps.map(step => serviceApi(`/runs/${step.run_id}`)));
  log(`app destroyed ${appRun.finished_at}, network destroy started ${netRun.started_at}`);
  if (!(appRun.finished_at <= netRun.started_at)) throw new Error('the network was destroyed before the app');
  await drawer.getByText(/^destroyed ·/).waitFor();
  await page.screenshot({ path: path.join(artifacts, 'cascade-destroyed.png'), fullPage: true });
}

async function main() {
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  const service = await startService();
  serviceApi = async apiPath => {
    const response = await fetch(`${service.url}/api/v1${apiPath}`, {
      headers: { Authorization: `Bearer ${service.token}` },
    });
    if (!response.ok) throw new Error(`GET ${apiPath}: ${response.status}`);
    return response.json();
  };
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
