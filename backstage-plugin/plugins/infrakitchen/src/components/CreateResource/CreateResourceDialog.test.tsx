import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { infraKitchenApiRef } from '../../api';
import type { Resource, Template, TemplateDependency, TemplateVersion } from '../../api/types';
import { FakeInfraKitchenApi } from '../../__fixtures__/FakeInfraKitchenApi';
import {
  fixtureError422,
  fixtureResource,
  fixtureTemplates,
  fixtureVersions,
} from '../../__fixtures__';
import { CreateResourceDialog } from './CreateResourceDialog';

async function render(api: FakeInfraKitchenApi, onCreated = jest.fn()) {
  await renderInTestApp(
    <TestApiProvider apis={[[infraKitchenApiRef, api]]}>
      <CreateResourceDialog open entityRef="component:default/shop" onClose={jest.fn()} onCreated={onCreated} />
    </TestApiProvider>,
  );
  return onCreated;
}

async function choose(label: RegExp, option: string) {
  fireEvent.mouseDown(await screen.findByRole('button', { name: label }));
  await userEvent.click(within(await screen.findByRole('listbox')).getByRole('option', { name: option }));
}

const field = (name: string) => document.getElementById(`ik-var-${name}`) as HTMLInputElement;

/** hello-world builds on a `network` template, whose `target` output sets its required `name` variable. */
function withNetworkParent(api: FakeInfraKitchenApi, options: { required?: boolean } = {}) {
  const networkId = 'tpl-network';
  const network: Template = { ...fixtureTemplates[0], id: networkId, name: 'network' };
  const resource = (id: string, name: string, extra: Partial<Resource>): Resource => ({
    ...fixtureResource,
    id,
    name,
    template_id: networkId,
    template_name: network.name,
    entity_ref: null,
    ...extra,
  });
  const dependency: TemplateDependency = {
    id: 'dep-1',
    template_id: fixtureTemplates[0].id!,
    parent_template_id: networkId,
    wiring: [{ output: 'target', variable: 'name' }],
    required: options.required ?? true,
    created_by: 'user:default/platform',
    created_at: '2026-11-28T16:47:59+00:00',
  };
  api.templates = [...api.templates, network];
  api.dependencies = [dependency];
  api.resources = [
    ...api.resources,
    resource('net-1', 'shop-network', { state: 'provisioned', status: 'done' }),
    resource('net-2', 'next-network', { state: 'provision', status: 'in_progress' }),
    resource('net-old', 'old-network', { state: 'destroyed', status: 'done' }),
  ];
  return dependency;
}

const parentPicker = () => screen.findByRole('button', { name: /Builds on network/ });

describe('CreateResourceDialog', () => {
  it('hides deprecated templates and versions', async () => {
    const api = new FakeInfraKitchenApi();
    const old: Template = { ...fixtureTemplates[0], id: 'old', name: 'old-bucket', deprecated: true };
    api.templates = [...api.templates, old];
    const oldVersion: TemplateVersion = { ...fixtureVersions[0], id: 'v0', version: '0.9.0', deprecated: true };
    api.versions = [...api.versions, oldVersion];
    await render(api);
    fireEvent.mouseDown(await screen.findByRole('button', { name: /Template/ }));
    const options = within(await screen.findByRole('listbox')).getAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual(['hello-world']);
    await userEvent.click(options[0]);
    fireEvent.mouseDown(await screen.findByRole('button', { name: /Version/ }));
    const versions = within(await screen.findByRole('listbox')).getAllByRole('option');
    expect(versions.map(o => o.textContent)).toEqual(['1.0.0']);
    // The service leaves them out: the pickers ask for `deprecated=false`.
    expect(api.templateQueries).toEqual(
      expect.arrayContaining([
        { deprecated: false },
        { templateId: fixtureTemplates[0].id, deprecated: false },
      ]),
    );
    expect(api.templateQueries.filter(q => q.deprecated !== false)).toEqual([]);
  });

  it('builds the form from the version’s variables with defaults, types and descriptions', async () => {
    await render(new FakeInfraKitchenApi());
    await choose(/Template/, 'hello-world');
    expect(await screen.findByLabelText(/^name/)).toBeRequired();
    expect(field('greeting').value).toBe('hello');
    expect(field('replicas')).toHaveAttribute('type', 'number');
    expect(field('replicas').value).toBe('1');
    expect(field('api_key')).toHaveAttribute('type', 'password');
    expect(screen.getByText(/Who it greets\. · type string/)).toBeInTheDocument();
  });

  it('shows missing required fields without calling the service', async () => {
    const api = new FakeInfraKitchenApi();
    await render(api);
    await choose(/Template/, 'hello-world');
    await userEvent.click(await screen.findByRole('button', { name: 'Create' }));
    expect(document.getElementById('ik-name-helper-text')).toHaveTextContent('required');
    expect(document.getElementById('ik-var-name-helper-text')).toHaveTextContent('required');
    expect(api.created).toEqual([]);
  });

  it('sends only changed values, typed, and shows the service’s 422 errors next to their fields', async () => {
    const api = new FakeInfraKitchenApi();
    api.failNext('createResource', 422, {
      serviceMessage: fixtureError422.message,
      errors: fixtureError422.errors,
    });
    await render(api);
    await choose(/Template/, 'hello-world');
    await userEvent.type(await screen.findByLabelText(/^Name/), 'shop-db');
    await userEvent.type(field('name'), 'world');
    await userEvent.clear(field('replicas'));
    await userEvent.type(field('replicas'), '3');
    await userEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(document.getElementById('ik-var-replicas-helper-text')).toHaveTextContent(
      'expected a number, got string',
    );
    expect(document.getElementById('ik-var-name-helper-text')).toHaveTextContent(
      'required: the module gives it no default',
    );
    // The half-filled form survives the failed submit.
    expect(field('name').value).toBe('world');
  });

  it('creates the resource for the entity', async () => {
    const api = new FakeInfraKitchenApi();
    const onCreated = await render(api);
    await choose(/Template/, 'hello-world');
    await userEvent.type(await screen.findByLabelText(/^Name/), 'shop-db');
    await userEvent.type(field('name'), 'world');
    await userEvent.clear(field('replicas'));
    await userEvent.type(field('replicas'), '3');
    await userEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(api.created).toEqual([
      {
        name: 'shop-db',
        template_id: fixtureTemplates[0].id,
        template_version_id: fixtureVersions[0].id,
        variables: { name: 'world', replicas: 3 },
        parent_ids: [],
        auto_provision: false,
        entity_ref: 'component:default/shop',
      },
    ]);
    // A template that builds on nothing shows no parent pickers.
    expect(screen.queryByRole('button', { name: /Builds on/ })).not.toBeInTheDocument();
    expect(screen.queryByLabelText(/Provision automatically/)).not.toBeInTheDocument();
    expect(onCreated).toHaveBeenCalledWith(expect.objectContaining({ name: 'shop-db' }));
  });

  it('picks a parent of each dependency and sends it, with auto_provision', async () => {
    const api = new FakeInfraKitchenApi();
    withNetworkParent(api);
    const onCreated = await render(api);
    await choose(/Template/, 'hello-world');
    fireEvent.mouseDown(await parentPicker());
    const options = within(await screen.findByRole('listbox')).getAllByRole('option');
    // The parent template's resources only, with their status; a destroyed one cannot be picked.
    expect(options.map(o => o.textContent)).toEqual([
      'shop-network — done',
      'next-network — in progress',
      'old-network — done (destroyed)',
    ]);
    expect(options[2]).toHaveAttribute('aria-disabled', 'true');
    await userEvent.click(options[1]);
    await userEvent.type(await screen.findByLabelText(/^Name/), 'shop-db');
    await userEvent.click(screen.getByLabelText('Provision automatically once its parents are ready'));
    await userEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(api.created).toEqual([
      expect.objectContaining({ name: 'shop-db', parent_ids: ['net-2'], auto_provision: true }),
    ]);
    // The parent is not provisioned yet: the new resource waits for it.
    expect(onCreated).toHaveBeenCalledWith(
      expect.objectContaining({ status: 'pending', parent_ids: ['net-2'], auto_provision: true }),
    );
  });

  it('shows a wired variable as coming from the parent, not as an input, and never sends it', async () => {
    const api = new FakeInfraKitchenApi();
    withNetworkParent(api);
    await render(api);
    await choose(/Template/, 'hello-world');
    // Before a parent is picked, it names the parent template.
    expect(await screen.findByTestId('ik-wired-name')).toHaveTextContent('from network.target');
    expect(field('name')).toBeNull();
    expect(field('greeting')).not.toBeNull();
    await choose(/Builds on network/, 'shop-network — done');
    expect(screen.getByTestId('ik-wired-name')).toHaveTextContent('from shop-network.target');
    await userEvent.type(await screen.findByLabelText(/^Name/), 'shop-db');
    // `name` is required, but wired: it needs no value.
    await userEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(api.created).toHaveLength(1);
    expect(api.created[0].variables).toEqual({});
    expect(api.created[0].parent_ids).toEqual(['net-1']);
  });

  it('does not create without the parent a required dependency needs', async () => {
    const api = new FakeInfraKitchenApi();
    const dependency = withNetworkParent(api);
    await render(api);
    await choose(/Template/, 'hello-world');
    expect(await parentPicker()).toBeInTheDocument();
    expect(document.getElementById(`ik-parent-${dependency.id}`)?.closest('.MuiFormControl-root')).toHaveTextContent(
      /Builds on network\s*\*/,
    );
    await userEvent.type(await screen.findByLabelText(/^Name/), 'shop-db');
    await userEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(document.getElementById(`ik-parent-${dependency.id}-helper-text`)).toHaveTextContent(
      'required: pick the resource this one builds on',
    );
    expect(api.calls).not.toContain('createResource');
    await choose(/Builds on network/, 'shop-network — done');
    await userEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(api.created).toHaveLength(1);
  });

  it('asks for the variables of an optional dependency left without a parent', async () => {
    const api = new FakeInfraKitchenApi();
    withNetworkParent(api, { required: false });
    await render(api);
    await choose(/Template/, 'hello-world');
    expect(await parentPicker()).toBeInTheDocument();
    // No parent: the service takes `name` as an ordinary variable.
    expect(field('name')).not.toBeNull();
    await userEvent.type(await screen.findByLabelText(/^Name/), 'shop-db');
    await userEvent.type(field('name'), 'world');
    await userEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(api.created).toEqual([expect.objectContaining({ variables: { name: 'world' }, parent_ids: [] })]);
  });

  it('shows the service’s refusal of a value for a wired variable next to it', async () => {
    const api = new FakeInfraKitchenApi();
    withNetworkParent(api);
    api.failNext('createResource', 422, {
      serviceMessage: 'invalid parents',
      errors: { variables: { name: ['set from parent shop-network output target'] } },
    });
    await render(api);
    await choose(/Template/, 'hello-world');
    await choose(/Builds on network/, 'shop-network — done');
    await userEvent.type(await screen.findByLabelText(/^Name/), 'shop-db');
    await userEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(await screen.findByTestId('ik-wired-name')).toHaveTextContent(
      'set from parent shop-network output target',
    );
  });
});
