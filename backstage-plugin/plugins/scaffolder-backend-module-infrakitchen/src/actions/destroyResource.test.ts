import { createMockDirectory, mockServices, registerMswTestHooks } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { setupServer } from 'msw/node';
import { BASE_URL, FakeInfraKitchen } from '../__testUtils__/fakeInfraKitchen';
import { createDestroyResourceAction } from './destroyResource';

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
  return createDestroyResourceAction({ baseUrl: BASE_URL, token: 'ik_token', auth: mockServices.auth(), pollIntervalMs: 1 });
}

type Input = Parameters<ReturnType<typeof createDestroyResourceAction>['handler']>[0]['input'];

function context(input: Input) {
  const logger = mockServices.logger.mock();
  return { ctx: createMockActionContext<Input>({ input, logger, workspacePath: workspace.path }), logger };
}

describe('infrakitchen:resource:destroy', () => {
  it('waits for the destroy run and outputs it', async () => {
    const resource = fake.addResource({ name: 'assets', state: 'provisioned', status: 'done' });
    const { ctx } = context({ resourceId: resource.id });

    await action().handler(ctx);

    const [run] = fake.runs.values();
    expect(run.kind).toBe('destroy');
    expect(ctx.output).toHaveBeenCalledWith('runId', run.id);
    expect(ctx.output).toHaveBeenCalledWith('status', 'succeeded');
    expect(resource).toMatchObject({ state: 'destroyed', status: 'done' });
  });

  it('finishes with status approval_pending, saying an approver must approve it', async () => {
    fake.requiresApproval = true;
    const resource = fake.addResource({ name: 'assets', state: 'provisioned', status: 'done' });
    const { ctx, logger } = context({ resourceId: resource.id });

    await action().handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('status', 'approval_pending');
    expect(ctx.output).not.toHaveBeenCalledWith('runId', expect.anything());
    expect(logger.info).toHaveBeenCalledWith(expect.stringContaining('an approver must approve its destroy in InfraKitchen'));
    expect(fake.runs.size).toBe(0);
  });

  it('finishes with status approval_pending again when retried while it waits', async () => {
    fake.requiresApproval = true;
    const resource = fake.addResource({ name: 'assets', state: 'destroy', status: 'approval_pending' });
    const { ctx } = context({ resourceId: resource.id });

    await action().handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('status', 'approval_pending');
  });

  it('is refused, naming them, for a resource others build on', async () => {
    const resource = fake.addResource({ name: 'network', state: 'provisioned', status: 'done' });
    fake.children.set(resource.id, [
      { id: 'd0000000-0000-4000-8000-000000000001', name: 'orders-db', state: 'provisioned', status: 'done' },
      { id: 'd0000000-0000-4000-8000-000000000002', name: 'cache', state: 'provisioned', status: 'done' },
    ]);

    await expect(action().handler(context({ resourceId: resource.id }).ctx)).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(/orders-db \(d0000000-0000-4000-8000-000000000001\), cache \(.*\) build on it/),
    });
    expect(fake.runs.size).toBe(0);
  });

  it('with wait false outputs the queued run', async () => {
    const resource = fake.addResource({ name: 'assets', state: 'provisioned', status: 'done' });
    const { ctx } = context({ resourceId: resource.id, wait: false });

    await action().handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('status', 'queued');
    expect(fake.seen.some(r => r.path.startsWith('/runs/'))).toBe(false);
  });

  it('fails after timeoutMinutes, saying the run goes on', async () => {
    fake.outcome = 'never';
    const resource = fake.addResource({ name: 'assets', state: 'provisioned', status: 'done' });

    await expect(
      action().handler(context({ resourceId: resource.id, timeoutMinutes: 0.0005 }).ctx),
    ).rejects.toThrow(/did not finish within 0.0005 minutes; it goes on in InfraKitchen/);
  });

  it('makes no call that changes anything in a dry run', async () => {
    const { ctx } = context({ resourceId: 'from-an-earlier-dry-run' });

    await action().handler({ ...ctx, isDryRun: true });

    expect(fake.seen).toEqual([]);
  });

  it('documents itself with an example', () => {
    const { id, examples } = action();
    expect(id).toBe('infrakitchen:resource:destroy');
    expect(examples?.[0].example).toContain('action: infrakitchen:resource:destroy');
  });
});
