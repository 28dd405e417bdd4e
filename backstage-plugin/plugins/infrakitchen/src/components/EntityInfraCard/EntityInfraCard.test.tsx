import { act, screen, within } from '@testing-library/react';
import { FakeInfraKitchenApi } from '../../__fixtures__/FakeInfraKitchenApi';
import { renderOnEntity } from '../../__testUtils__/renderOnEntity';
import { fixtureResource } from '../../__fixtures__';
import { EntityInfraCard } from './EntityInfraCard';

describe('EntityInfraCard', () => {
  it('counts resources by status, lists those in error, and follows live changes', async () => {
    const api = new FakeInfraKitchenApi();
    api.resources = [
      fixtureResource,
      { ...fixtureResource, id: 'b', name: 'queue' },
      { ...fixtureResource, id: 'c', name: 'cache', status: 'error' },
      { ...fixtureResource, id: 'd', name: 'other', entity_ref: 'component:default/other' },
    ];
    await renderOnEntity(<EntityInfraCard />, api);
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

  it('counts the resources not on their template’s newest active version', async () => {
    const api = new FakeInfraKitchenApi();
    const upgrade = { version_id: 'v-1.1.0', version: '1.1.0' };
    api.resources = [
      { ...fixtureResource, upgrade_available: upgrade },
      { ...fixtureResource, id: 'b', name: 'queue', upgrade_available: upgrade },
      { ...fixtureResource, id: 'c', name: 'cache', upgrade_available: null },
      { ...fixtureResource, id: 'd', name: 'other', entity_ref: 'component:default/other', upgrade_available: upgrade },
    ];
    await renderOnEntity(<EntityInfraCard />, api);
    expect(await screen.findByTestId('not-newest')).toHaveTextContent('2 not on the newest version');
  });

  it('says nothing about versions when every resource is on the newest', async () => {
    await renderOnEntity(<EntityInfraCard />, new FakeInfraKitchenApi());
    expect(await screen.findByTestId('count-done')).toHaveTextContent('1');
    expect(screen.queryByTestId('not-newest')).not.toBeInTheDocument();
  });
});
