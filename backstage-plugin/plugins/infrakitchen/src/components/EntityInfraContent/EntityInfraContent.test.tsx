import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { FakeInfraKitchenApi } from '../../__fixtures__/FakeInfraKitchenApi';
import { renderOnEntity } from '../../__testUtils__/renderOnEntity';
import type { LiveEvent, Resource, TemplateVersion } from '../../api/types';
import { fixtureEvents, fixtureResource, fixtureRuns, fixtureVersions } from '../../__fixtures__';
import { EntityInfraContent } from './EntityInfraContent';

/** A recorded event of the demo's provisioning, by type and resource status. */
function recorded(type: LiveEvent['type'], status?: string): Omit<LiveEvent, 'id' | 'at'> {
  const event = fixtureEvents.find(
    e => e.type === type && (!status || (e.data as Resource).status === status),
  );
  if (!event) throw new Error(`no recorded ${type} ${status ?? ''}`);
  const { id: _id, at: _at, ...rest } = event;
  return rest;
}

function render(api: FakeInfraKitchenApi) {
  return renderOnEntity(<EntityInfraContent />, api);
}

describe('EntityInfraContent', () => {
  it('lists the entity’s resources with template, state, status, owner and last run', async () => {
    await render(new FakeInfraKitchenApi());
    const row = await screen.findByTestId(`resource-row-${fixtureResource.name}`);
    expect(await within(row).findByText('hello-world@1.0.0')).toBeInTheDocument();
    expect(within(row).getByText('provisioned')).toBeInTheDocument();
    expect(within(row).getByTestId('status-done')).toHaveTextContent('done');
    expect(within(row).getByText(fixtureResource.owner)).toBeInTheDocument();
    expect(within(row).getByRole('button', { name: 'provision · succeeded' })).toBeInTheDocument();
    expect(row.querySelector('time')).toHaveAttribute('dateTime', fixtureResource.updated_at);
  });

  it('renders template, version and last run from the resource payload, without a request per row', async () => {
    const api = new FakeInfraKitchenApi();
    const other: Resource = {
      ...fixtureResource,
      id: 'r2',
      name: 'shop-db',
      template_name: 'postgres',
      template_version: '2.1.0',
      last_run: { ...fixtureResource.last_run!, id: 'run-2', kind: 'destroy', status: 'failed' },
    };
    const fresh: Resource = { ...fixtureResource, id: 'r3', name: 'fresh', last_run: null };
    api.resources = [fixtureResource, other, fresh];
    api.runs = []; // the run list is not where the last run comes from
    await render(api);
    const row = await screen.findByTestId('resource-row-shop-db');
    expect(within(row).getByText('postgres@2.1.0')).toBeInTheDocument();
    expect(within(row).getByTestId('last-run')).toHaveTextContent('destroy · failed');
    expect(within(screen.getByTestId('resource-row-fresh')).getByTestId('last-run')).toHaveTextContent(
      'none yet',
    );
    expect(api.calls).not.toContain('listResourceRuns');
    expect(api.calls).not.toContain('getResource');
    // Only the create form's picker asks for templates (not deprecated), never for versions to label rows.
    expect(api.templateQueries).toEqual([{ deprecated: false }]);
  });

  it('follows the live events: resource events carry the last run, run.finished updates it in between', async () => {
    const api = new FakeInfraKitchenApi();
    // As the service sent it while provisioning: in progress, its provision run running.
    api.resources = [recorded('resource.updated', 'in_progress').data as Resource];
    await render(api);
    const row = await screen.findByTestId(`resource-row-${fixtureResource.name}`);
    expect(within(row).getByTestId('last-run')).toHaveTextContent('provision · running');

    act(() => api.emit(recorded('run.finished')));
    expect(within(row).getByTestId('last-run')).toHaveTextContent('provision · succeeded');
    expect(within(row).getByTestId('status-in_progress')).toBeInTheDocument();

    act(() => api.emit(recorded('resource.updated', 'done')));
    expect(within(row).getByTestId('status-done')).toBeInTheDocument();
    expect(within(row).getByTestId('last-run')).toHaveTextContent('provision · succeeded');

    // A plan queued later, upgraded to another version: the resource event says so.
    const upgraded: Resource = {
      ...fixtureResource,
      template_version: '1.1.0',
      status: 'queued',
      last_run: {
        id: 'run-plan',
        kind: 'plan',
        status: 'queued',
        created_at: '2026-11-28T17:00:00+00:00',
        finished_at: null,
      },
    };
    act(() => api.emit({ ...recorded('resource.updated', 'done'), data: upgraded }));
    expect(within(row).getByText('hello-world@1.1.0')).toBeInTheDocument();
    expect(within(row).getByTestId('last-run')).toHaveTextContent('plan · queued');

    // A late event of the older run does not hide the newer one.
    act(() => api.emit(recorded('run.finished')));
    expect(within(row).getByTestId('last-run')).toHaveTextContent('plan · queued');
  });

  it('explains how to create a resource when the entity has none', async () => {
    const api = new FakeInfraKitchenApi();
    api.resources = [];
    await render(api);
    expect(await screen.findByText('No infrastructure yet')).toBeInTheDocument();
    expect(screen.getByText(/No InfraKitchen resource belongs to component:default\/demo/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Create resource' })).toBeInTheDocument();
  });

  it('badges a row whose template has a newer active version; the badge opens Edit on that version', async () => {
    const api = new FakeInfraKitchenApi();
    const newer: TemplateVersion = { ...fixtureVersions[0], id: 'v-1.1.0', version: '1.1.0' };
    api.versions = [newer, { ...fixtureVersions[0], lifecycle: 'deprecated', deprecated: true }];
    const current: Resource = { ...fixtureResource, id: 'r-new', name: 'on-newest' };
    api.resources = [{ ...fixtureResource, upgrade_available: { version_id: newer.id, version: '1.1.0' } }, current];
    await render(api);
    const row = await screen.findByTestId(`resource-row-${fixtureResource.name}`);
    expect(within(screen.getByTestId('resource-row-on-newest')).queryByTestId('upgrade-available')).toBeNull();
    const badge = within(row).getByTestId('upgrade-available');
    expect(badge).toHaveTextContent('Upgrade available → 1.1.0');

    await userEvent.click(badge);
    const dialog = await screen.findByRole('dialog', { name: `Edit ${fixtureResource.name}` });
    await waitFor(() => expect(within(dialog).getByRole('button', { name: /Version/ })).toHaveTextContent('1.1.0'));
    expect(within(dialog).getByText('Upgrade from 1.0.0')).toBeInTheDocument();
    // The drawer is open behind it (hidden from the accessibility tree by the dialog), with the badge too.
    const drawer = screen.getByRole('region', { name: 'resource details', hidden: true });
    expect(within(drawer).getByTestId('upgrade-available')).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Submit' }));
    expect(api.changeRequests).toEqual([
      { resourceId: fixtureResource.id, request: { template_version_id: newer.id } },
    ]);
  });

  it('keeps the badge through a live event, which leaves upgrade_available out', async () => {
    const api = new FakeInfraKitchenApi();
    api.resources = [{ ...fixtureResource, upgrade_available: { version_id: 'v-1.1.0', version: '1.1.0' } }];
    await render(api);
    const row = await screen.findByTestId(`resource-row-${fixtureResource.name}`);
    expect(within(row).getByTestId('upgrade-available')).toBeInTheDocument();
    const { upgrade_available: _absent, ...event } = { ...fixtureResource, status: 'queued' as const };
    act(() => api.emit({ ...recorded('resource.updated', 'done'), data: event }));
    expect(within(row).getByTestId('status-queued')).toBeInTheDocument();
    expect(within(row).getByTestId('upgrade-available')).toBeInTheDocument();
    // Moved to that very version: it is on the newest now.
    const moved = { ...event, template_version_id: 'v-1.1.0', template_version: '1.1.0' };
    act(() => api.emit({ ...recorded('resource.updated', 'done'), data: moved }));
    expect(within(row).getByText('hello-world@1.1.0')).toBeInTheDocument();
    expect(within(row).queryByTestId('upgrade-available')).toBeNull();
  });

  it('opens the last run from its link, with its log', async () => {
    const api = new FakeInfraKitchenApi();
    api.logs[fixtureRuns[0].id] = ['==> init', 'Apply complete! Resources: 2 added.'];
    await render(api);
    await userEvent.click(await screen.findByRole('button', { name: 'provision · succeeded' }));
    expect(await screen.findByTestId('run-log')).toHaveTextContent('Apply complete! Resources: 2 added.');
  });
});
