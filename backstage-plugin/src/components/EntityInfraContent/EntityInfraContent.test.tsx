import { EntityProvider } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Entity } from '@backstage/catalog-model';
import { infraKitchenApiRef } from '../../api';
import { FakeInfraKitchenApi } from '../../__fixtures__/FakeInfraKitchenApi';
import { fixtureResource, fixtureRuns } from '../../__fixtures__';
import { EntityInfraContent } from './EntityInfraContent';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'demo' },
};

function render(api: FakeInfraKitchenApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[infraKitchenApiRef, api]]}>
      <EntityProvider entity={entity}>
        <EntityInfraContent />
      </EntityProvider>
    </TestApiProvider>,
  );
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

  it('explains how to create a resource when the entity has none', async () => {
    const api = new FakeInfraKitchenApi();
    api.resources = [];
    await render(api);
    expect(await screen.findByText('No infrastructure yet')).toBeInTheDocument();
    expect(screen.getByText(/No InfraKitchen resource belongs to component:default\/demo/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Create resource' })).toBeInTheDocument();
  });

  it('opens the last run from its link, with its log', async () => {
    const api = new FakeInfraKitchenApi();
    api.logs[fixtureRuns[0].id] = ['==> init', 'Apply complete! Resources: 2 added.'];
    await render(api);
    await userEvent.click(await screen.findByRole('button', { name: 'provision · succeeded' }));
    expect(await screen.findByTestId('run-log')).toHaveTextContent('Apply complete! Resources: 2 added.');
  });
});
