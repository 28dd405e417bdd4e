import { EntityProvider } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { act, screen, within } from '@testing-library/react';
import type { Entity } from '@backstage/catalog-model';
import { infraKitchenApiRef } from '../../api';
import { FakeInfraKitchenApi } from '../../__fixtures__/FakeInfraKitchenApi';
import { fixtureResource } from '../../__fixtures__';
import { EntityInfraCard } from './EntityInfraCard';

const entity: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'demo' } };

describe('EntityInfraCard', () => {
  it('counts resources by status, lists those in error, and follows live changes', async () => {
    const api = new FakeInfraKitchenApi();
    api.resources = [
      fixtureResource,
      { ...fixtureResource, id: 'b', name: 'queue' },
      { ...fixtureResource, id: 'c', name: 'cache', status: 'error' },
      { ...fixtureResource, id: 'd', name: 'other', entity_ref: 'component:default/other' },
    ];
    await renderInTestApp(
      <TestApiProvider apis={[[infraKitchenApiRef, api]]}>
        <EntityProvider entity={entity}>
          <EntityInfraCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByTestId('count-done')).toHaveTextContent('2');
    expect(screen.getByTestId('count-error')).toHaveTextContent('1');
    expect(within(screen.getByRole('list', { name: 'resources in error' })).getByText('cache')).toBeInTheDocument();
    act(() => {
      api.emit({
        type: 'resource.updated',
        resource_id: 'b',
        run_id: null,
        entity_ref: 'component:default/demo',
        data: { ...fixtureResource, id: 'b', name: 'queue', status: 'error' },
      });
    });
    expect(await screen.findByText('queue')).toBeInTheDocument();
    expect(screen.getByTestId('count-error')).toHaveTextContent('2');
    expect(screen.getByTestId('count-done')).toHaveTextContent('1');
  });
});
