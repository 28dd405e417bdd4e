import { renderTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import infraKitchenPlugin from './alpha';
import { infraKitchenApiRef } from './api';
import { FakeInfraKitchenApi } from './__fixtures__/FakeInfraKitchenApi';
import { fixtureResource } from './__fixtures__';

describe('new frontend system', () => {
  it('mounts the page at /infrakitchen with the plugin’s own extensions', async () => {
    renderTestApp({
      features: [infraKitchenPlugin],
      apis: [[infraKitchenApiRef, new FakeInfraKitchenApi()]],
      initialRouteEntries: ['/infrakitchen'],
    });
    expect(await screen.findByRole('button', { name: fixtureResource.name })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Templates' })).toBeInTheDocument();
  });
});
