import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { infraKitchenApiRef, infraKitchenLiveApiRef } from '../../api';
import type { Resource, Run } from '../../api/types';
import { FakeInfraKitchenApi } from '../../__fixtures__/FakeInfraKitchenApi';
import { fixtureResource, fixtureRuns } from '../../__fixtures__';
import { ResourceDrawer } from './ResourceDrawer';

async function render(api: FakeInfraKitchenApi, onClose = jest.fn()) {
  await renderInTestApp(
    <TestApiProvider apis={[[infraKitchenApiRef, api], [infraKitchenLiveApiRef, api.live]]}>
      <ResourceDrawer resourceId={fixtureResource.id} onSelectRun={jest.fn()} onClose={onClose} />
    </TestApiProvider>,
  );
  return screen.findByRole('region', { name: 'resource details' });
}

const actionsRegion = () => screen.getByRole('region', { name: 'Actions' });

describe('ResourceDrawer', () => {
  it('shows exactly the actions the service allows', async () => {
    await render(new FakeInfraKitchenApi());
    const buttons = within(actionsRegion()).getAllByRole('button').map(b => b.textContent);
    expect(buttons).toEqual(['Provision', 'Plan', 'Destroy']);
  });

  it('offers approve and reject to an approver, and reject needs a reason', async () => {
    const api = new FakeInfraKitchenApi();
    api.actions[fixtureResource.id] = ['approve', 'reject'];
    await render(api);
    expect(within(actionsRegion()).getAllByRole('button').map(b => b.textContent)).toEqual([
      'Approve',
      'Reject',
    ]);
    await userEvent.click(within(actionsRegion()).getByRole('button', { name: 'Reject' }));
    const dialog = await screen.findByRole('dialog', { name: /Reject/ });
    const confirm = within(dialog).getByRole('button', { name: 'Reject' });
    expect(confirm).toBeDisabled();
    await userEvent.type(within(dialog).getByLabelText(/Reason/), 'too expensive');
    await userEvent.click(confirm);
    expect(api.commands).toEqual([
      { resourceId: fixtureResource.id, command: 'reject', reason: 'too expensive' },
    ]);
  });

  it('destroys only after the resource name is typed', async () => {
    const api = new FakeInfraKitchenApi();
    await render(api);
    await userEvent.click(within(actionsRegion()).getByRole('button', { name: 'Destroy' }));
    const dialog = await screen.findByRole('dialog', { name: /Destroy/ });
    const confirm = within(dialog).getByRole('button', { name: 'Destroy' });
    await userEvent.type(within(dialog).getByRole('textbox'), 'wrong-name');
    expect(confirm).toBeDisabled();
    await userEvent.clear(within(dialog).getByRole('textbox'));
    await userEvent.type(within(dialog).getByRole('textbox'), fixtureResource.name);
    await userEvent.click(confirm);
    expect(api.commands).toEqual([{ resourceId: fixtureResource.id, command: 'destroy' }]);
  });

  it('closes after the record is deleted', async () => {
    const api = new FakeInfraKitchenApi();
    api.actions[fixtureResource.id] = ['delete'];
    const onClose = jest.fn();
    await render(api, onClose);
    await userEvent.click(within(actionsRegion()).getByRole('button', { name: 'Delete record' }));
    const dialog = await screen.findByRole('dialog', { name: /Delete the record/ });
    await userEvent.type(within(dialog).getByRole('textbox'), fixtureResource.name);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    expect(api.resources).toEqual([]);
    expect(onClose).toHaveBeenCalled();
  });

  it('cancels the active run', async () => {
    const api = new FakeInfraKitchenApi();
    const running: Run = { ...fixtureRuns[0], id: 'run-active', status: 'running', finished_at: null };
    api.runs = [running, ...api.runs];
    api.actions[fixtureResource.id] = ['cancel'];
    await render(api);
    await userEvent.click(within(actionsRegion()).getByRole('button', { name: 'Cancel run' }));
    expect(api.commands).toEqual([{ resourceId: '', command: 'cancel:run-active' }]);
  });

  it('masks sensitive outputs', async () => {
    await render(new FakeInfraKitchenApi());
    expect(screen.getByTestId('outputs-api_key_length')).toHaveTextContent('••••••');
    expect(screen.getByTestId('outputs-messages')).toHaveTextContent('hello, world #0');
  });

  it('applies a live update to the open drawer without closing it', async () => {
    const api = new FakeInfraKitchenApi();
    const onClose = jest.fn();
    const region = await render(api, onClose);
    const provisioning: Resource = { ...fixtureResource, status: 'in_progress', state: 'provision' };
    api.actions[fixtureResource.id] = ['cancel'];
    act(() => {
      api.emit({
        type: 'resource.updated',
        resource_id: fixtureResource.id,
        run_id: null,
        entity_ref: fixtureResource.entity_ref,
        data: provisioning,
      });
    });
    expect(await within(region).findByTestId('status-in_progress')).toBeInTheDocument();
    expect(await within(actionsRegion()).findByRole('button', { name: 'Cancel run' })).toBeInTheDocument();
    const done: Resource = {
      ...fixtureResource,
      status: 'done',
      outputs: { messages: { sensitive: false, value: ['hello, live #0'] } },
    };
    act(() => {
      api.emit({
        type: 'resource.updated',
        resource_id: fixtureResource.id,
        run_id: null,
        entity_ref: fixtureResource.entity_ref,
        data: done,
      });
    });
    expect(await screen.findByText('["hello, live #0"]')).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'resource details' })).toBe(region);
    expect(onClose).not.toHaveBeenCalled();
  });

  it('tails the log of a running run as lines arrive', async () => {
    const api = new FakeInfraKitchenApi();
    const running: Run = { ...fixtureRuns[0], id: 'run-live', status: 'running', finished_at: null };
    api.runs = [running];
    api.logs['run-live'] = ['line 0', 'line 1'];
    await render(api);
    const log = await screen.findByTestId('run-log');
    await within(log).findByText(/line 1/);
    act(() => {
      // Overlaps the two lines already shown: only line 2 is new.
      api.emit({
        type: 'run.log',
        resource_id: fixtureResource.id,
        run_id: 'run-live',
        entity_ref: null,
        data: { offset: 1, lines: ['line 1', 'line 2'] },
      });
    });
    expect(await within(log).findByText(/line 2/)).toBeInTheDocument();
    expect(log.textContent).toBe('line 0\nline 1\nline 2');
  });

  it('explains a 403 without offering a retry that cannot help', async () => {
    const api = new FakeInfraKitchenApi();
    api.failNext('getResource', 403, { serviceMessage: 'viewers may not read state' });
    await renderInTestApp(
      <TestApiProvider apis={[[infraKitchenApiRef, api], [infraKitchenLiveApiRef, api.live]]}>
        <ResourceDrawer resourceId={fixtureResource.id} onSelectRun={jest.fn()} onClose={jest.fn()} />
      </TestApiProvider>,
    );
    expect(await screen.findByText(/Not allowed/)).toBeInTheDocument();
    expect(screen.getByText(/viewers may not read state/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
  });
});
