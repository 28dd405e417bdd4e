import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import type { CascadePlan, Operation, OperationStep } from '../../api/types';
import {
  errorBody,
  renderDrawer,
  resourceLike,
  serveService,
  type ServiceState,
} from '../../__testUtils__/fakeService';

const server = setupServer();
registerMswTestHooks(server);
afterEach(() => server.events.removeAllListeners());

/** shop-network, shop-app built on it, and shop-job built on the app (never provisioned). */
const network = resourceLike({ id: 'net-1', name: 'shop-network', template_name: 'network' });
const app = resourceLike({ id: 'app-1', name: 'shop-app', template_name: 'app', parent_ids: [network.id] });
const job = resourceLike({
  id: 'job-1',
  name: 'shop-job',
  template_name: 'job',
  parent_ids: [app.id],
  state: 'provision',
  status: 'pending',
});

const plan: CascadePlan = {
  resource_id: network.id,
  requires_approval: false,
  steps: [job, app, network].map((r, i) => ({
    position: i + 1,
    resource_id: r.id,
    resource_name: r.name,
    template_name: String(r.template_name),
    state: r.state,
    status: r.status,
    action: r === job ? 'delete' : 'destroy',
    reason: r === job ? 'never provisioned: nothing to destroy, its record is deleted' : null,
  })),
};

function step(position: number, status: OperationStep['status'], extra: Partial<OperationStep> = {}) {
  const planned = plan.steps[position - 1];
  return {
    position,
    resource_id: planned.resource_id,
    resource_name: planned.resource_name,
    action: planned.action,
    status,
    run_id: null,
    attempts: status === 'waiting' ? 0 : 1,
    error: null,
    started_at: null,
    finished_at: null,
    ...extra,
  };
}

function operation(
  status: Operation['status'],
  steps: OperationStep[],
  extra: Partial<Operation> = {},
): Operation {
  return {
    id: 'op-1',
    kind: 'cascade_destroy',
    resource_id: network.id,
    resource_name: network.name,
    status,
    requires_approval: status === 'approval_pending',
    approved_by: null,
    reject_reason: null,
    created_by: 'user:default/alice',
    created_at: '2026-12-01T10:00:00+00:00',
    updated_at: '2026-12-01T10:00:00+00:00',
    finished_at: null,
    cancel_requested_by: null,
    error: null,
    steps,
    ...extra,
  };
}

const started = operation('running', [
  step(1, 'succeeded'),
  step(2, 'running', { run_id: '9a8b7c6d-0000-4000-8000-000000000001' }),
  step(3, 'waiting'),
]);

function serve(extra: Partial<ServiceState> = {}) {
  return serveService(server, {
    resources: [network, app, job],
    actions: { [network.id]: ['provision', 'plan', 'destroy'], [app.id]: ['provision', 'plan', 'destroy'] },
    plan: () => plan,
    startCascade: () => started,
    ...extra,
  });
}

const actions = () => screen.getByRole('region', { name: 'Actions' });

/** The operation's command buttons, in order (its steps' links are buttons too). */
function commandButtons(progress: HTMLElement) {
  return within(progress)
    .queryAllByRole('button')
    .map(b => b.textContent)
    .filter(text => /^(Approve|Reject|Cancel|Retry)$/.test(text ?? ''));
}

function rejected(o: Operation): Operation {
  return { ...o, status: 'rejected', reject_reason: 'not now', error: 'rejected by user:default/boss: not now' };
}

async function openDialog() {
  await userEvent.click(await within(actions()).findByRole('button', { name: 'Cascade destroy' }));
  return screen.findByRole('dialog', { name: /Cascade destroy shop-network/ });
}

describe('Cascade destroy', () => {
  it('is offered only when something builds on the resource and the caller may destroy it', async () => {
    serve();
    await renderDrawer(network.id);
    expect(await within(actions()).findByRole('button', { name: 'Cascade destroy' })).toBeEnabled();
  });

  it('is not offered on a resource nothing builds on', async () => {
    const state = serve({ resources: [network, app] });
    await renderDrawer(app.id);
    await screen.findByRole('region', { name: 'Builds on' });
    expect(within(actions()).getByRole('button', { name: 'Destroy' })).toBeInTheDocument();
    expect(within(actions()).queryByRole('button', { name: 'Cascade destroy' })).not.toBeInTheDocument();
    // Nothing was running on it when it opened.
    expect(state.requests).toEqual(
      expect.arrayContaining([
        `GET /operations/?resource_id=${app.id}&status=running&page_size=1`,
        `GET /operations/?resource_id=${app.id}&status=approval_pending&page_size=1`,
      ]),
    );
  });

  it('is not offered to someone who may not destroy it', async () => {
    serve({ actions: { [network.id]: ['plan'] } });
    await renderDrawer(network.id);
    await screen.findByRole('region', { name: 'Used by' });
    expect(within(actions()).queryByRole('button', { name: 'Cascade destroy' })).not.toBeInTheDocument();
  });

  it('lists the steps in order and starts only once the name is typed', async () => {
    const state = serve();
    await renderDrawer(network.id);
    const dialog = await openDialog();
    const steps = await within(dialog).findAllByTestId(/^cascade-step-/);
    expect(steps.map(s => s.textContent)).toEqual([
      expect.stringMatching(/^1\. shop-job.*job · provision · record deleted: never provisioned/),
      expect.stringMatching(/^2\. shop-app.*app · provisioned · destroyed$/),
      expect.stringMatching(/^3\. shop-network.*network · provisioned · destroyed$/),
    ]);
    expect(within(dialog).queryByTestId('cascade-needs-approval')).not.toBeInTheDocument();

    const confirm = within(dialog).getByRole('button', { name: 'Cascade destroy' });
    expect(confirm).toBeDisabled();
    await userEvent.type(within(dialog).getByLabelText(/Type shop-network to confirm/), 'shop-netwrk');
    expect(confirm).toBeDisabled();
    await userEvent.clear(within(dialog).getByLabelText(/Type shop-network to confirm/));
    await userEvent.type(within(dialog).getByLabelText(/Type shop-network to confirm/), 'shop-network');
    expect(state.requests).not.toContain(`POST /resources/${network.id}/cascade-destroy`);
    await userEvent.click(confirm);

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(state.requests).toContain(`POST /resources/${network.id}/cascade-destroy`);
    const progress = await screen.findByTestId('operation-progress');
    expect(within(progress).getByTestId('operation-status')).toHaveTextContent('running');
    expect(within(progress).getByTestId('operation-step-1')).toHaveTextContent('succeeded');
    expect(within(progress).getByTestId('operation-step-2')).toHaveTextContent(/running.*run 9a8b7c6d/);
    expect(within(progress).getByTestId('operation-step-3')).toHaveTextContent('waiting');
    // While it runs, another cascade cannot start.
    expect(within(actions()).getByRole('button', { name: 'Cascade destroy' })).toBeDisabled();
  });

  it('says when it will wait for approval', async () => {
    serve({ plan: () => ({ ...plan, requires_approval: true }) });
    await renderDrawer(network.id);
    const dialog = await openDialog();
    expect(await within(dialog).findByTestId('cascade-needs-approval')).toHaveTextContent(
      /waits for an approver before anything is destroyed/,
    );
  });

  it('shows a 403 on the plan in the dialog, and nothing can be confirmed', async () => {
    serve({
      plan: () => errorBody(403, '1 resource(s) built on shop-network are not yours to destroy: shop-app'),
    });
    await renderDrawer(network.id);
    const dialog = await openDialog();
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      /Not allowed: .*1 resource\(s\) built on shop-network are not yours to destroy: shop-app/,
    );
    expect(within(dialog).queryByTestId(/^cascade-step-/)).not.toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Cascade destroy' })).toBeDisabled();
  });

  it('shows a 409 on the plan in the dialog', async () => {
    const busy = 'cannot destroy now: shop-app (provision, in_progress); wait for their runs to end';
    serve({ plan: () => errorBody(409, busy) });
    await renderDrawer(network.id);
    const dialog = await openDialog();
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Not possible right now: cannot destroy now: shop-app (provision, in_progress); wait for their runs to end',
    );
  });

  it('keeps the dialog open with the 409 when the start is refused', async () => {
    serve({ startCascade: () => errorBody(409, 'a resource of this operation is part of another operation') });
    await renderDrawer(network.id);
    const dialog = await openDialog();
    await userEvent.type(await within(dialog).findByLabelText(/Type shop-network to confirm/), 'shop-network');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cascade destroy' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Not possible right now: a resource of this operation is part of another operation',
    );
    expect(screen.queryByTestId('operation-progress')).not.toBeInTheDocument();
  });
});

describe('Cascade destroy progress', () => {
  it('shows the operation under way when the drawer opens, and follows it until it ends', async () => {
    const state = serve({ operations: [started] });
    await renderDrawer(network.id);
    const progress = await screen.findByTestId('operation-progress');
    expect(within(progress).getByTestId('operation-status')).toHaveTextContent('running');
    const resourceReads = () => state.requests.filter(r => r === `GET /resources/${network.id}`).length;
    const before = resourceReads();

    state.operations = [
      operation('succeeded', [step(1, 'succeeded'), step(2, 'succeeded'), step(3, 'succeeded')], {
        finished_at: '2026-12-01T10:01:00+00:00',
      }),
    ];
    await waitFor(() => expect(within(progress).getByTestId('operation-status')).toHaveTextContent('succeeded'), {
      timeout: 5000,
    });
    expect(within(progress).getByTestId('operation-step-3')).toHaveTextContent('succeeded');
    expect(within(progress).getByText(/3 of 3 steps done/)).toBeInTheDocument();
    // Each read of the operation refreshes the resource; once it ended, it is no longer read.
    expect(resourceReads()).toBeGreaterThan(before);
    const reads = state.requests.filter(r => r === 'GET /operations/op-1').length;
    await new Promise(r => setTimeout(r, 2500));
    expect(state.requests.filter(r => r === 'GET /operations/op-1').length).toBe(reads);
    expect(commandButtons(progress)).toEqual([]);
  }, 15_000);

  it('links a step to its resource at its run', async () => {
    serve({ operations: [started] });
    const onSelectResource = await renderDrawer(network.id);
    const progress = await screen.findByTestId('operation-progress');
    await userEvent.click(
      within(progress).getByRole('button', { name: `run ${started.steps[1].run_id} of shop-app` }),
    );
    expect(onSelectResource).toHaveBeenCalledWith(app.id, started.steps[1].run_id);
    await userEvent.click(within(progress).getByRole('button', { name: 'shop-job' }));
    expect(onSelectResource).toHaveBeenCalledWith(job.id);
  });

  it('cancels a running operation, then retries it', async () => {
    const state = serve({
      operations: [started],
      command: (o, command) =>
        command === 'cancel'
          ? operation('cancelled', [step(1, 'succeeded'), step(2, 'cancelled'), step(3, 'waiting')], {
              error: 'cancelled by user:default/alice',
              cancel_requested_by: 'user:default/alice',
            })
          : { ...o, status: 'running', error: null },
    });
    await renderDrawer(network.id);
    const progress = await screen.findByTestId('operation-progress');
    expect(within(progress).queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
    await userEvent.click(within(progress).getByRole('button', { name: 'Cancel' }));
    expect(await within(progress).findByTestId('operation-error')).toHaveTextContent(
      'cancelled by user:default/alice',
    );
    expect(within(progress).getByTestId('operation-status')).toHaveTextContent('cancelled');
    expect(within(progress).queryByRole('button', { name: 'Cancel' })).not.toBeInTheDocument();

    await userEvent.click(within(progress).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(within(progress).getByTestId('operation-status')).toHaveTextContent('running'));
    expect(state.requests.filter(r => r.startsWith('POST /operations/'))).toEqual([
      'POST /operations/op-1/cancel',
      'POST /operations/op-1/retry',
    ]);
  });

  it('shows why it failed and offers a retry', async () => {
    const failed = operation(
      'failed',
      [step(1, 'succeeded'), step(2, 'failed', { error: 'engine exited 1', attempts: 2 }), step(3, 'waiting')],
      { error: 'step 2 (shop-app): engine exited 1' },
    );
    const state = serve({ operations: [failed] });
    // A failed operation is no longer under way: only one started here shows it.
    await renderDrawer(network.id);
    await screen.findByRole('region', { name: 'Used by' });
    expect(screen.queryByTestId('operation-progress')).not.toBeInTheDocument();

    state.startCascade = () => failed;
    const dialog = await openDialog();
    await userEvent.type(await within(dialog).findByLabelText(/Type shop-network to confirm/), 'shop-network');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cascade destroy' }));
    const progress = await screen.findByTestId('operation-progress');
    const error = within(progress).getByTestId('operation-error');
    expect(error).toHaveTextContent('step 2 (shop-app): engine exited 1');
    const failedStep = within(progress).getByTestId('operation-step-2');
    expect(failedStep).toHaveTextContent(/failed.*2 attempts · engine exited 1/);
    expect(commandButtons(progress)).toEqual(['Retry']);
  });

  it('lets an approver approve, and shows the service’s 403 to someone who may not', async () => {
    const waiting = operation('approval_pending', [step(1, 'waiting'), step(2, 'waiting'), step(3, 'waiting')]);
    let allowed = false;
    const state = serve({
      operations: [waiting],
      command: (o, command) => {
        if (!allowed) return errorBody(403, 'role member lacks resources:approve');
        return command === 'approve'
          ? { ...o, status: 'running', approved_by: 'user:default/boss' }
          : rejected(o);
      },
    });
    await renderDrawer(network.id);
    const progress = await screen.findByTestId('operation-progress');
    expect(within(progress).getByText(/Waiting for approval/)).toBeInTheDocument();
    expect(commandButtons(progress)).toEqual(['Approve', 'Reject', 'Cancel']);

    await userEvent.click(within(progress).getByRole('button', { name: 'Approve' }));
    let confirm = await screen.findByRole('dialog', { name: /Approve the cascade destroy of shop-network/ });
    await userEvent.click(within(confirm).getByRole('button', { name: 'Approve' }));
    expect(await within(progress).findByRole('alert')).toHaveTextContent(
      /Not allowed: .*role member lacks resources:approve/,
    );

    allowed = true;
    await userEvent.click(within(progress).getByRole('button', { name: 'Approve' }));
    confirm = await screen.findByRole('dialog', { name: /Approve the cascade destroy/ });
    await userEvent.click(within(confirm).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(within(progress).getByTestId('operation-status')).toHaveTextContent('running'));
    expect(within(progress).getByText(/approved by user:default\/boss/)).toBeInTheDocument();
    expect(state.requests.filter(r => r.startsWith('POST /operations/'))).toEqual([
      'POST /operations/op-1/approve',
      'POST /operations/op-1/approve',
    ]);
  });

  it('rejects with a reason', async () => {
    const waiting = operation('approval_pending', [step(1, 'waiting'), step(2, 'waiting'), step(3, 'waiting')]);
    const state = serve({
      operations: [waiting],
      command: rejected,
    });
    await renderDrawer(network.id);
    const progress = await screen.findByTestId('operation-progress');
    await userEvent.click(within(progress).getByRole('button', { name: 'Reject' }));
    const confirm = await screen.findByRole('dialog', { name: /Reject the cascade destroy/ });
    const button = within(confirm).getByRole('button', { name: 'Reject' });
    expect(button).toBeDisabled();
    await userEvent.type(within(confirm).getByLabelText(/Reason/), 'not now');
    await userEvent.click(button);
    expect(await within(progress).findByTestId('operation-error')).toHaveTextContent(
      'rejected by user:default/boss: not now',
    );
    expect(state.requests).toContain('POST /operations/op-1/reject');
    expect(state.bodies.reject).toEqual({ reason: 'not now' });
  });
});
