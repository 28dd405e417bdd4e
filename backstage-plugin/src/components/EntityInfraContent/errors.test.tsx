import { EntityProvider } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Entity } from '@backstage/catalog-model';
import { infraKitchenApiRef } from '../../api';
import { FakeInfraKitchenApi } from '../../__fixtures__/FakeInfraKitchenApi';
import { fixtureResource } from '../../__fixtures__';
import { EntityInfraContent } from './EntityInfraContent';

const entity: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'demo' } };

function render(api: FakeInfraKitchenApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[infraKitchenApiRef, api]]}>
      <EntityProvider entity={entity}>
        <EntityInfraContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EntityInfraContent errors', () => {
  it('explains a 401: the credentials did not reach or satisfy the service', async () => {
    const api = new FakeInfraKitchenApi();
    api.failNext('listResources', 401, { serviceMessage: 'token expired' });
    await render(api);
    expect(await screen.findByText(/Not signed in to InfraKitchen/)).toBeInTheDocument();
    expect(screen.getByText(/credentials: forward/)).toBeInTheDocument();
  });

  it('explains a 403 and offers no retry', async () => {
    const api = new FakeInfraKitchenApi();
    api.failNext('listResources', 403);
    await render(api);
    expect(await screen.findByText(/Not allowed/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
  });

  it('shows a retry when the service is down, and recovers', async () => {
    const api = new FakeInfraKitchenApi();
    api.failNext('listResources', 0);
    await render(api);
    expect(await screen.findByText(/InfraKitchen is unavailable/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('button', { name: fixtureResource.name })).toBeInTheDocument();
  });
});
