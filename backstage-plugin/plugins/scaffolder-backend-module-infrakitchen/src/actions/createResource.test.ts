import { createMockDirectory, mockCredentials, mockServices, registerMswTestHooks } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { setupServer } from 'msw/node';
import { BASE_URL, FakeInfraKitchen, LOG_LINES, SUBJECT, TEMPLATE_ID, VERSION_IDS } from '../__testUtils__/fakeInfraKitchen';
import { createCreateResourceAction, DRY_RUN_RESOURCE_ID } from './createResource';

const server = setupServer();
registerMswTestHooks(server);
// one workspace for every context (the actions do not use it), not a new temporary directory each
const workspace = createMockDirectory();

const TOKEN = 'ik_secret_token';
const ENTITY = 'component:default/shop';

let fake: FakeInfraKitchen;
beforeEach(() => {
  fake = new FakeInfraKitchen();
  server.use(...fake.handlers());
});

/** The action with a service-account token, or (null) with plugin tokens on behalf of the user. */
function action(token: string | null = TOKEN) {
  return createCreateResourceAction({
    baseUrl: `${BASE_URL}/`,
    token: token ?? undefined,
    auth: mockServices.auth(),
    pollIntervalMs: 1,
  });
}

type CreateInput = Parameters<ReturnType<typeof createCreateResourceAction>['handler']>[0]['input'];

/** A context for the bucket `assets` of component:default/shop, with `input` over those values. */
function context(input: Partial<CreateInput>) {
  const logger = mockServices.logger.mock();
  const ctx = createMockActionContext<CreateInput>({
    workspacePath: workspace.path,
    input: { template: 's3-bucket', name: 'assets', entityRef: ENTITY, variables: { versioning: true }, ...input },
    logger,
  });
  return { ctx, logger };
}

function logged(logger: ReturnType<typeof mockServices.logger.mock>): string[] {
  return [...logger.info.mock.calls, ...logger.warn.mock.calls, ...logger.error.mock.calls].map(call => String(call[0]));
}

describe('infrakitchen:resource:create', () => {
  it('creates the resource from the template of that exact name, provisions it and outputs its public outputs', async () => {
    const { ctx } = context({});

    await action().handler(ctx);

    const [resource] = fake.resources.values();
    expect(fake.writes().map(({ method, path, body }) => ({ method, path, body }))).toEqual([
      {
        method: 'POST',
        path: '/resources/',
        body: { name: 'assets', template_id: TEMPLATE_ID, variables: { versioning: true }, entity_ref: ENTITY },
      },
      { method: 'POST', path: `/resources/${resource.id}/provision`, body: undefined },
    ]);
    expect(resource).toMatchObject({ state: 'provisioned', status: 'done' });
    expect(ctx.output).toHaveBeenCalledWith('resourceId', resource.id);
    expect(ctx.output).toHaveBeenCalledWith('url', `${BASE_URL}/api/v1/resources/${resource.id}`);
    expect(ctx.output).toHaveBeenCalledWith('outputs', {
      bucket_name: 'assets-0f1e2d',
      arn: 'arn:aws:s3:::assets-0f1e2d',
    });
  });

  it("streams the run's log lines to the step's log, each once and in order", async () => {
    const { ctx, logger } = context({});

    await action().handler(ctx);

    const lines = logged(logger).filter(line => LOG_LINES.includes(line));
    expect(lines).toEqual(LOG_LINES);
    // two chunks: the first while running, the rest after it finished
    expect(fake.seen.filter(r => r.path.endsWith('/logs')).map(r => r.query.offset)).toEqual(['0', '2']);
  });

  it('never logs the token', async () => {
    const { ctx, logger } = context({});

    await action().handler(ctx);

    expect(logged(logger).join('\n')).not.toContain(TOKEN);
    expect(fake.seen.every(r => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('acts on behalf of the user who runs the template without a token', async () => {
    const { ctx } = context({ provision: false });

    await action(null).handler(ctx);

    expect(fake.seen[0].authorization).toBe(
      mockCredentials.service.header({ onBehalfOf: mockCredentials.user(), targetPluginId: 'infrakitchen' }),
    );
  });

  it('sends the id of the version asked for', async () => {
    const { ctx } = context({ version: '1.1.0', owner: 'group:default/team-a', parents: ['p-1'], provision: false });

    await action().handler(ctx);

    expect(fake.writes()[0].body).toMatchObject({
      template_version_id: VERSION_IDS['1.1.0'],
      owner: 'group:default/team-a',
      parent_ids: ['p-1'],
    });
  });

  it('fails with NotFoundError for an unknown version, naming those there are', async () => {
    const { ctx } = context({ version: '9.9.9' });

    await expect(action().handler(ctx)).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining('1.0.0 (deprecated), 1.1.0 (active)'),
    });
    expect(fake.writes()).toEqual([]);
  });

  it('fails with NotFoundError for a template with no exact name match', async () => {
    const { ctx } = context({ template: 's3' });

    await expect(action().handler(ctx)).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it("fails with InputError and the service's message per field on 422", async () => {
    const { ctx } = context({ variables: { versioning: 'yes' } });

    await expect(action().handler(ctx)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('variables.versioning: must be a bool'),
    });
  });

  it('reuses the resource a first attempt created when the name is taken (409)', async () => {
    const existing = fake.addResource({ name: 'assets', entity_ref: ENTITY, owner: SUBJECT });
    const { ctx } = context({});

    await action().handler(ctx);

    expect(fake.resources.size).toBe(1);
    expect(fake.writes().map(r => r.path)).toEqual(['/resources/', `/resources/${existing.id}/provision`]);
    expect(ctx.output).toHaveBeenCalledWith('resourceId', existing.id);
    expect(existing).toMatchObject({ state: 'provisioned', status: 'done' });
  });

  it('does not provision again a resource a first attempt provisioned', async () => {
    const existing = fake.addResource({
      name: 'assets',
      entity_ref: ENTITY,
      state: 'provisioned',
      status: 'done',
      outputs: { bucket_name: { sensitive: false, value: 'assets-1' }, key: { sensitive: true, value: '(sensitive)' } },
    });
    const { ctx } = context({});

    await action().handler(ctx);

    expect(fake.writes().map(r => r.path)).toEqual(['/resources/']);
    expect(ctx.output).toHaveBeenCalledWith('resourceId', existing.id);
    expect(ctx.output).toHaveBeenCalledWith('outputs', { bucket_name: 'assets-1' });
  });

  it('does not take over a resource of another template of the same name', async () => {
    fake.addResource({ name: 'assets', entity_ref: ENTITY, template_id: 'deadbeef-0000-4000-8000-000000000001', template_name: 's3-bucket-legacy' });
    const { ctx } = context({});

    await expect(action().handler(ctx)).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('from template s3-bucket-legacy'),
    });
  });

  it("fails with the run's error when the run fails", async () => {
    fake.outcome = 'failed';
    const { ctx } = context({});

    await expect(action().handler(ctx)).rejects.toThrow(/run .* \(provision\) failed: Error: creating S3 bucket \(assets\): BucketAlreadyExists/);
  });

  it('fails, saying an approver must approve it, when the template requires approval', async () => {
    fake.requiresApproval = true;
    const { ctx } = context({});

    const error = await action().handler(ctx).then(() => undefined, (e: Error) => e);

    const [resource] = fake.resources.values();
    expect(error?.message).toMatch(/an approver must approve it in InfraKitchen/);
    expect(error?.message).toContain(`${BASE_URL}/api/v1/resources/${resource.id}`);
    expect(fake.writes().map(r => r.path)).toEqual(['/resources/']);
  });

  it('fails after timeoutMinutes, saying the run goes on', async () => {
    fake.outcome = 'never';
    const { ctx } = context({ timeoutMinutes: 0.0005 });

    await expect(action().handler(ctx)).rejects.toThrow(/did not finish within 0.0005 minutes; it goes on in InfraKitchen/);
  });

  it("with waitFor 'created' queues the provision and does not wait for it", async () => {
    const { ctx } = context({ waitFor: 'created' });

    await action().handler(ctx);

    expect(fake.writes().map(r => r.path.split('/').pop())).toEqual(['', 'provision']);
    expect(fake.seen.some(r => r.path.startsWith('/runs/'))).toBe(false);
    expect(ctx.output).toHaveBeenCalledWith('outputs', {});
  });

  it('with provision false only creates it', async () => {
    const { ctx } = context({ provision: false });

    await action().handler(ctx);

    expect(fake.writes().map(r => r.path)).toEqual(['/resources/']);
    expect([...fake.resources.values()][0]).toMatchObject({ state: 'provision', status: 'ready' });
  });

  it('makes no call that changes anything in a dry run, and outputs placeholders', async () => {
    const { ctx, logger } = context({});

    await action().handler({ ...ctx, isDryRun: true });

    expect(fake.writes()).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith(expect.stringMatching(/^Dry run: would create InfraKitchen resource assets from s3-bucket/));
    expect(ctx.output).toHaveBeenCalledWith('resourceId', DRY_RUN_RESOURCE_ID);
    expect(ctx.output).toHaveBeenCalledWith('outputs', {});
  });

  it('documents itself with examples', () => {
    const { id, examples, schema, supportsDryRun } = action();
    expect(id).toBe('infrakitchen:resource:create');
    expect(examples?.every(e => e.example.includes('action: infrakitchen:resource:create'))).toBe(true);
    expect(schema?.input).toMatchObject({ required: expect.arrayContaining(['template', 'name']) });
    expect(supportsDryRun).toBe(true);
  });
});
