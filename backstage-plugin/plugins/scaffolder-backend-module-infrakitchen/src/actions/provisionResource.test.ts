import { createMockDirectory, mockServices, registerMswTestHooks } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { setupServer } from 'msw/node';
import { BASE_URL, FakeInfraKitchen, LOG_LINES } from '../__testUtils__/fakeInfraKitchen';
import { createProvisionResourceAction, DRY_RUN_RUN_ID } from './provisionResource';

const server = setupServer();
registerMswTestHooks(server);
// one workspace for every context (the actions do not use it), not a new temporary directory each
const workspace = createMockDirectory();

let fake: FakeInfraKitchen;
beforeEach(() => {
  fake = new FakeInfraKitchen();
  server.use(...fake.handlers());
});

function action() {
  return createProvisionResourceAction({ baseUrl: BASE_URL, token: 'ik_token', auth: mockServices.auth(), pollIntervalMs: 1 });
}

type Input = Parameters<ReturnType<typeof createProvisionResourceAction>['handler']>[0]['input'];

function context(input: Input) {
  const logger = mockServices.logger.mock();
  return { ctx: createMockActionContext<Input>({ input, logger, workspacePath: workspace.path }), logger };
}

describe('infrakitchen:resource:provision', () => {
  it("waits for the run, streams its log and outputs the run's status and the public outputs", async () => {
    const resource = fake.addResource({ name: 'assets' });
    const { ctx, logger } = context({ resourceId: resource.id });

    await action().handler(ctx);

    const [run] = fake.runs.values();
    expect(ctx.output).toHaveBeenCalledWith('runId', run.id);
    expect(ctx.output).toHaveBeenCalledWith('status', 'succeeded');
    expect(ctx.output).toHaveBeenCalledWith('outputs', { bucket_name: 'assets-0f1e2d', arn: 'arn:aws:s3:::assets-0f1e2d' });
    const lines = logger.info.mock.calls.map(call => call[0]).filter(line => LOG_LINES.includes(line));
    expect(lines).toEqual(LOG_LINES);
  });

  it('polls through a passing 503 while waiting', async () => {
    fake.unavailable = 1;
    const resource = fake.addResource({ name: 'assets' });
    const { ctx, logger } = context({ resourceId: resource.id });

    await action().handler(ctx);

    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/did not answer this time .*503.*; trying again/));
    expect(ctx.output).toHaveBeenCalledWith('status', 'succeeded');
  });

  it('re-applies a provisioned resource', async () => {
    const resource = fake.addResource({ name: 'assets', state: 'provisioned', status: 'done' });
    const { ctx } = context({ resourceId: resource.id });

    await action().handler(ctx);

    expect(fake.writes().map(r => r.path)).toEqual([`/resources/${resource.id}/provision`]);
    expect(ctx.output).toHaveBeenCalledWith('status', 'succeeded');
  });

  it('with wait false outputs the queued run without waiting', async () => {
    const resource = fake.addResource({ name: 'assets' });
    const { ctx } = context({ resourceId: resource.id, wait: false });

    await action().handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('status', 'queued');
    expect(fake.seen.some(r => r.path.startsWith('/runs/'))).toBe(false);
  });

  it("fails with the run's error when the run fails", async () => {
    fake.outcome = 'failed';
    const resource = fake.addResource({ name: 'assets' });

    await expect(action().handler(context({ resourceId: resource.id }).ctx)).rejects.toThrow(
      /failed: Error: creating S3 bucket \(assets\): BucketAlreadyExists/,
    );
  });

  it('fails, saying an approver must approve it, for a resource waiting for approval', async () => {
    fake.requiresApproval = true;
    const resource = fake.addResource({ name: 'assets' });

    await expect(action().handler(context({ resourceId: resource.id }).ctx)).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(`an approver must approve it in InfraKitchen before it can be provisioned (${BASE_URL}/api/v1/resources/${resource.id})`),
    });
  });

  it('fails with NotFoundError for a resource the user may not see', async () => {
    await expect(
      action().handler(context({ resourceId: '7e57ab1e-0000-4000-8000-000000000000' }).ctx),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('makes no call that changes anything in a dry run', async () => {
    const { ctx } = context({ resourceId: 'from-an-earlier-dry-run' });

    await action().handler({ ...ctx, isDryRun: true });

    expect(fake.seen).toEqual([]);
    expect(ctx.output).toHaveBeenCalledWith('runId', DRY_RUN_RUN_ID);
  });

  it('documents itself with an example', () => {
    const { id, examples } = action();
    expect(id).toBe('infrakitchen:resource:provision');
    expect(examples?.[0].example).toContain('action: infrakitchen:resource:provision');
  });
});
