import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { infraKitchenApiRef } from '../../api';
import type { Resource, ResourceChange, TemplateDependency, TemplateVersion } from '../../api/types';
import { FakeInfraKitchenApi } from '../../__fixtures__/FakeInfraKitchenApi';
import { fixtureResource, fixtureTemplates, fixtureVersions } from '../../__fixtures__';
import { EditResourceDialog } from './EditResourceDialog';

const [v1] = fixtureVersions;

const field = (name: string) => document.getElementById(`ik-var-${name}`) as HTMLInputElement;

async function render(
  api: FakeInfraKitchenApi,
  options: { resource?: Resource; initialVersionId?: string } = {},
) {
  const onRequested = jest.fn<void, [ResourceChange]>();
  await renderInTestApp(
    <TestApiProvider apis={[[infraKitchenApiRef, api]]}>
      <EditResourceDialog
        resource={options.resource ?? api.resources[0]}
        initialVersionId={options.initialVersionId}
        onClose={jest.fn()}
        onRequested={onRequested}
      />
    </TestApiProvider>,
  );
  await screen.findByRole('dialog', { name: `Edit ${fixtureResource.name}` });
  // Every version's fields are there once the versions, the dependencies and `/me` are read.
  await waitFor(() => expect(field('greeting')).not.toBeNull());
  return onRequested;
}

const helper = (name: string) => document.getElementById(`ik-var-${name}-helper-text`);
const submit = () => userEvent.click(screen.getByRole('button', { name: 'Submit' }));

async function retype(name: string, text: string) {
  await userEvent.clear(field(name));
  if (text) await userEvent.type(field(name), text);
}

async function versionOptions() {
  fireEvent.mouseDown(screen.getByRole('button', { name: /Version/ }));
  return within(await screen.findByRole('listbox')).getAllByRole('option');
}

/** 1.1.0 (active) drops replicas and api_key and needs a region; 2.0.0 is in preview; 0.9.0 archived. */
function withVersions(api: FakeInfraKitchenApi) {
  const region = { ...v1.variables[2], name: 'region', description: 'Where it runs.' };
  const next: TemplateVersion = {
    ...v1,
    id: 'v-1.1.0',
    version: '1.1.0',
    variables: [...v1.variables.filter(v => v.name === 'greeting' || v.name === 'name'), region],
  };
  const preview: TemplateVersion = { ...v1, id: 'v-2.0.0', version: '2.0.0', lifecycle: 'preview' };
  const archived: TemplateVersion = {
    ...v1,
    id: 'v-0.9.0',
    version: '0.9.0',
    lifecycle: 'archived',
    deprecated: true,
  };
  api.versions = [preview, next, v1, archived];
  return { next, preview };
}

describe('EditResourceDialog', () => {
  it('is pre-filled with the resource’s values, the secret left "unchanged", and sends only what changed', async () => {
    const api = new FakeInfraKitchenApi();
    const onRequested = await render(api);
    expect(field('name')).toHaveValue('world');
    expect(field('replicas')).toHaveValue(2);
    expect(field('greeting')).toHaveValue('hello');
    expect(field('api_key')).toHaveValue('');
    expect(field('api_key')).toHaveAttribute('placeholder', 'unchanged (sensitive)');
    expect(screen.getByText(/becomes a change request/)).toBeInTheDocument();

    await retype('name', 'moon');
    await submit();
    expect(api.changeRequests).toEqual([
      { resourceId: fixtureResource.id, request: { variables: { name: 'moon' } } },
    ]);
    const change = onRequested.mock.calls[0][0];
    expect(change.status).toBe('open');
    expect(change.diff).toEqual([{ name: 'variables.name', old: 'world', new: 'moon' }]);
  });

  it('sends a sensitive value only once one is typed, and the diff masks it', async () => {
    const api = new FakeInfraKitchenApi();
    const onRequested = await render(api);
    await userEvent.type(field('api_key'), 'a-new-secret');
    await submit();
    expect(api.changeRequests[0].request).toEqual({ variables: { api_key: 'a-new-secret' } });
    expect(onRequested.mock.calls[0][0].diff).toEqual([
      { name: 'variables.api_key', old: '(sensitive)', new: '(sensitive)' },
    ]);
  });

  it('says nothing changed rather than asking the service', async () => {
    const api = new FakeInfraKitchenApi();
    const onRequested = await render(api);
    await submit();
    expect(screen.getByRole('alert')).toHaveTextContent(/Nothing changed/);
    expect(api.changeRequests).toEqual([]);
    expect(onRequested).not.toHaveBeenCalled();
  });

  it('shows the service’s 422 at the fields it names', async () => {
    const api = new FakeInfraKitchenApi();
    api.failNext('requestChange', 422, {
      serviceMessage: 'invalid variables',
      errors: { variables: { replicas: ['must be at most 5'] }, owner: ['cannot give it to group:x'] },
    });
    const onRequested = await render(api);
    await retype('replicas', '9');
    await submit();
    expect(await screen.findByText('must be at most 5')).toBe(helper('replicas'));
    expect(document.getElementById('ik-owner-helper-text')).toHaveTextContent('cannot give it to group:x');
    expect(onRequested).not.toHaveBeenCalled();
  });

  it('shows a variable wired from a parent read-only, and never sends it', async () => {
    const api = new FakeInfraKitchenApi();
    const network: Resource = {
      ...fixtureResource,
      id: 'net-1',
      name: 'shop-network',
      template_id: 'tpl-network',
      template_name: 'network',
    };
    const dependency: TemplateDependency = {
      id: 'dep-1',
      template_id: fixtureTemplates[0].id!,
      parent_template_id: network.template_id,
      wiring: [{ output: 'target', variable: 'name' }],
      required: true,
      created_by: 'user:default/platform',
      created_at: '2026-11-28T16:47:59+00:00',
    };
    api.dependencies = [dependency];
    api.resources = [{ ...fixtureResource, parent_ids: [network.id] }, network];
    await render(api);
    expect(await screen.findByTestId('ik-wired-name')).toHaveTextContent(
      'set from parent shop-network output target',
    );
    expect(field('name')).toBeNull();
    await retype('replicas', '3');
    await submit();
    expect(api.changeRequests[0].request).toEqual({ variables: { replicas: 3 } });
  });

  it('shows a frozen variable read-only, and never sends it', async () => {
    const api = new FakeInfraKitchenApi();
    api.versions = [{ ...v1, variable_rules: { name: { frozen: true } } }];
    await render(api);
    expect(field('name')).toBeDisabled();
    expect(field('name')).toHaveValue('world');
    expect(helper('name')).toHaveTextContent('frozen: set when the resource was created');
    await retype('replicas', '3');
    await submit();
    expect(api.changeRequests[0].request).toEqual({ variables: { replicas: 3 } });
  });

  it('offers active versions, never deprecated or archived ones, and preview ones only to the platform team', async () => {
    const api = new FakeInfraKitchenApi();
    withVersions(api);
    await render(api);
    expect((await versionOptions()).map(o => o.textContent)).toEqual(['1.1.0', '1.0.0 (current)']);
  });

  it('offers versions in preview to the platform team', async () => {
    const api = new FakeInfraKitchenApi();
    withVersions(api);
    api.me = { ...api.me, role: 'platform' };
    await render(api);
    expect((await versionOptions()).map(o => o.textContent)).toEqual([
      '2.0.0 (preview)',
      '1.1.0',
      '1.0.0 (current)',
    ]);
  });

  it('re-shapes the form for another version: dropped values listed, its new required ones required', async () => {
    const api = new FakeInfraKitchenApi();
    const { next } = withVersions(api);
    const onRequested = await render(api);
    await userEvent.click((await versionOptions())[0]);
    expect(await screen.findByText('Upgrade from 1.0.0')).toBeInTheDocument();
    const dropped = screen.getByTestId('ik-dropped');
    expect(dropped).toHaveTextContent('Dropped by 1.1.0');
    expect(within(dropped).getByTestId('ik-dropped-replicas')).toBeInTheDocument();
    expect(within(dropped).getByTestId('ik-dropped-api_key')).toBeInTheDocument();
    expect(field('replicas')).toBeNull();
    expect(field('name')).toHaveValue('world');
    expect(field('region')).toBeRequired();

    await submit();
    expect(helper('region')).toHaveTextContent('required');
    expect(api.changeRequests).toEqual([]);

    await userEvent.type(field('region'), 'eu-west-1');
    await submit();
    expect(api.changeRequests[0].request).toEqual({
      template_version_id: next.id,
      variables: { region: 'eu-west-1' },
    });
    expect(onRequested.mock.calls[0][0].diff).toEqual([
      { name: 'template_version', old: '1.0.0', new: '1.1.0' },
      { name: 'variables.api_key', old: '(sensitive)', new: null, dropped: true },
      { name: 'variables.region', old: null, new: 'eu-west-1' },
      { name: 'variables.replicas', old: 2, new: null, dropped: true },
    ]);
  });

  it('opens on the version an upgrade names', async () => {
    const api = new FakeInfraKitchenApi();
    const { next } = withVersions(api);
    await render(api, { initialVersionId: next.id });
    expect(screen.getByRole('button', { name: /Version/ })).toHaveTextContent('1.1.0');
    expect(screen.getByTestId('ik-dropped')).toBeInTheDocument();
  });

  it('says a resource never applied is edited at once, and the service edits it in place', async () => {
    const api = new FakeInfraKitchenApi();
    const fresh: Resource = { ...fixtureResource, state: 'provision', status: 'ready', outputs: {} };
    api.resources = [fresh];
    const onRequested = await render(api, { resource: fresh });
    expect(screen.getByText(/never been applied: the edit takes effect at once/)).toBeInTheDocument();
    await retype('name', 'moon');
    await submit();
    expect(onRequested.mock.calls[0][0].status).toBe('applied');
    expect(api.resources[0].variables).toEqual({ api_key: '(sensitive)', name: 'moon', replicas: 2 });
  });
});
