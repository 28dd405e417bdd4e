import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { infraKitchenApiRef } from '../../api';
import type { Template, TemplateVersion } from '../../api/types';
import { FakeInfraKitchenApi } from '../../__fixtures__/FakeInfraKitchenApi';
import { fixtureError422, fixtureTemplates, fixtureVersions } from '../../__fixtures__';
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
        entity_ref: 'component:default/shop',
      },
    ]);
    expect(onCreated).toHaveBeenCalledWith(expect.objectContaining({ name: 'shop-db' }));
  });
});
