import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { infraKitchenApiRef, infraKitchenLiveApiRef } from '../../api';
import type { Resource, Run } from '../../api/types';
import { FakeInfraKitchenApi } from '../../__fixtures__/FakeInfraKitchenApi';
import { fixtureResource, fixtureRuns, fixtureVersions } from '../../__fixtures__';
import { useDrawerParams } from '../common/useDrawerParams';
import { LinkedResourceDrawer, ResourceDrawer } from './ResourceDrawer';

async function render(api: FakeInfraKitchenApi, onClose = jest.fn()) {
  await renderInTestApp(
    <TestApiProvider apis={[[infraKitchenApiRef, api], [infraKitchenLiveApiRef, api.live]]}>
      <ResourceDrawer
        resourceId={fixtureResource.id}
        onSelectRun={jest.fn()}
        onSelectResource={jest.fn()}
        onClose={onClose}
      />
    </TestApiProvider>,
  );
  return screen.findByRole('region', { name: 'resource details' });
}

/** The drawer as the pages open it: from the URL (`?resource=<id>`), which its links change. */
function DrawerFromUrl() {
  return <LinkedResourceDrawer drawer={useDrawerParams()} />;
}

async function renderFromUrl(api: FakeInfraKitchenApi, resourceId: string) {
  await renderInTestApp(
    <TestApiProvider apis={[[infraKitchenApiRef, api], [infraKitchenLiveApiRef, api.live]]}>
      <DrawerFromUrl />
    </TestApiProvider>,
    { routeEntries: [`/?resource=${resourceId}`] },
  );
  return screen.findByRole('region', { name: 'resource details' });
}

/** The demo resource built on a network resource, with an app built on it. */
function withFamily(api: FakeInfraKitchenApi) {
  const network: Resource = {
    ...fixtureResource,
    id: 'net-1',
    name: 'shop-network',
    template_id: 'tpl-network',
    template_name: 'network',
    parent_ids: [],
    outputs: {},
    state: 'provisioned',
    status: 'done',
  };
  const demo: Resource = { ...fixtureResource, parent_ids: [network.id] };
  const app: Resource = {
    ...fixtureResource,
    id: 'app-1',
    name: 'shop-app',
    template_id: 'tpl-app',
    template_name: 'app',
    parent_ids: [fixtureResource.id],
    state: 'provision',
    status: 'ready',
  };
  api.resources = [demo, network, app];
  return { network, demo, app };
}

const actionsRegion = () => screen.getByRole('region', { name: 'Actions' });

describe('ResourceDrawer', () => {
  it('shows exactly the actions the service allows, and Edit to whoever may act on it', async () => {
    await render(new FakeInfraKitchenApi());
    const buttons = within(actionsRegion()).getAllByRole('button').map(b => b.textContent);
    expect(buttons).toEqual(['Provision', 'Plan', 'Destroy', 'Edit']);
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

  it('badges an available upgrade; the badge opens Edit on that version', async () => {
    const api = new FakeInfraKitchenApi();
    const newer = { ...fixtureVersions[0], id: 'v-1.1.0', version: '1.1.0' };
    api.versions = [newer, { ...fixtureVersions[0], lifecycle: 'deprecated' as const, deprecated: true }];
    api.resources = [{ ...fixtureResource, upgrade_available: { version_id: newer.id, version: '1.1.0' } }];
    const region = await render(api);
    expect(within(region).getByTestId('template-version')).toHaveTextContent('hello-world@1.0.0');
    await userEvent.click(within(region).getByTestId('upgrade-available'));
    const dialog = await screen.findByRole('dialog', { name: `Edit ${fixtureResource.name}` });
    expect(await within(dialog).findByText('Upgrade from 1.0.0')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: /Version/ })).toHaveTextContent('1.1.0');
  });

  it('says an edit replaces the open change', async () => {
    const api = new FakeInfraKitchenApi();
    api.me = { ...api.me, subject: 'user:default/bob' };
    await api.requestChange({ resourceId: fixtureResource.id, request: { variables: { replicas: 3 } } });
    api.me = { ...api.me, subject: 'user:default/alice' };
    await render(api);
    await screen.findByRole('region', { name: 'Change' });
    await userEvent.click(within(actionsRegion()).getByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog', { name: `Edit ${fixtureResource.name}` });
    expect(dialog).toHaveTextContent('It replaces the open change requested by user:default/bob.');
  });

  it('offers no Edit on a resource being destroyed', async () => {
    const api = new FakeInfraKitchenApi();
    api.resources = [{ ...fixtureResource, state: 'destroy', status: 'in_progress' }];
    api.actions[fixtureResource.id] = ['cancel'];
    await render(api);
    expect(within(actionsRegion()).getAllByRole('button').map(b => b.textContent)).toEqual(['Cancel run']);
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
        <ResourceDrawer
          resourceId={fixtureResource.id}
          onSelectRun={jest.fn()}
          onSelectResource={jest.fn()}
          onClose={jest.fn()}
        />
      </TestApiProvider>,
    );
    expect(await screen.findByText(/Not allowed/)).toBeInTheDocument();
    expect(screen.getByText(/viewers may not read state/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
  });

  it('shows why a pending resource waits, and offers only what the service allows', async () => {
    const api = new FakeInfraKitchenApi();
    api.resources = [
      {
        ...fixtureResource,
        status: 'pending',
        pending_reason: 'waiting for parent shop-network (provision, in_progress) to be provisioned',
        auto_provision: true,
      },
    ];
    api.actions[fixtureResource.id] = ['delete'];
    await render(api);
    const notice = screen.getByTestId('pending-reason');
    expect(notice).toHaveTextContent(
      'waiting for parent shop-network (provision, in_progress) to be provisioned',
    );
    expect(notice).toHaveTextContent('provisioned automatically once they are');
    // A resource never provisioned may still be edited (in place).
    expect(within(actionsRegion()).getAllByRole('button').map(b => b.textContent)).toEqual([
      'Delete record',
      'Edit',
    ]);
  });

  it('shows no pending notice for a resource that does not wait', async () => {
    await render(new FakeInfraKitchenApi());
    expect(screen.queryByTestId('pending-reason')).not.toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Builds on' })).not.toBeInTheDocument();
  });

  it('links what it builds on and what uses it, each opening that resource’s drawer', async () => {
    const api = new FakeInfraKitchenApi();
    const { network, app } = withFamily(api);
    await renderFromUrl(api, fixtureResource.id);
    const buildsOn = await screen.findByRole('region', { name: 'Builds on' });
    expect(within(buildsOn).getByTestId('related-shop-network')).toHaveTextContent(/network/);
    const usedBy = screen.getByRole('region', { name: 'Used by' });
    expect(within(usedBy).getByTestId('related-shop-app')).toHaveTextContent('ready');
    // Children come from the tree, one level only.
    expect(api.calls).toContain('getResourceTree');

    await userEvent.click(within(buildsOn).getByRole('button', { name: network.name }));
    expect(await screen.findByRole('heading', { name: network.name })).toBeInTheDocument();
    const networkUsedBy = await screen.findByRole('region', { name: 'Used by' });
    expect(within(networkUsedBy).getByRole('button', { name: fixtureResource.name })).toBeInTheDocument();
    // Not the grandchild: depth 1 only.
    expect(within(networkUsedBy).queryByRole('button', { name: app.name })).not.toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Builds on' })).not.toBeInTheDocument();

    await userEvent.click(within(networkUsedBy).getByRole('button', { name: fixtureResource.name }));
    const demoUsedBy = await screen.findByRole('region', { name: 'Used by' });
    await userEvent.click(within(demoUsedBy).getByRole('button', { name: app.name }));
    expect(await screen.findByRole('heading', { name: app.name })).toBeInTheDocument();
  });

  it('names the resources that stop a destroy, as links', async () => {
    const api = new FakeInfraKitchenApi();
    const { app } = withFamily(api);
    api.failNext('runCommand', 409, {
      serviceMessage: `cannot destroy ${fixtureResource.name}: 1 resource(s) build on it; destroy them first`,
      children: [{ id: app.id, name: app.name, state: app.state, status: app.status }],
    });
    await renderFromUrl(api, fixtureResource.id);
    await userEvent.click(within(actionsRegion()).getByRole('button', { name: 'Destroy' }));
    const dialog = await screen.findByRole('dialog', { name: /Destroy/ });
    await userEvent.type(within(dialog).getByRole('textbox'), fixtureResource.name);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Destroy' }));
    expect(await within(actionsRegion()).findByRole('alert')).toHaveTextContent(
      /Not possible right now: cannot destroy .*destroy them first/,
    );
    const blocking = within(actionsRegion()).getByTestId('blocking-children');
    await userEvent.click(within(blocking).getByRole('button', { name: app.name }));
    expect(await screen.findByRole('heading', { name: app.name })).toBeInTheDocument();
  });
});
