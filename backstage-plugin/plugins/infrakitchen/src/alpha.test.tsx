import { renderTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import infraKitchenPlugin from './alpha';
import { infraKitchenApiRef, infraKitchenLiveApiRef } from './api';
import { FakeInfraKitchenApi } from './__fixtures__/FakeInfraKitchenApi';
import { fixtureResource } from './__fixtures__';

describe('new frontend system', () => {
  it('mounts the page at /infrakitchen with the plugin’s own extensions', async () => {
    const api = new FakeInfraKitchenApi();
    renderTestApp({
      features: [infraKitchenPlugin],
      apis: [
        [infraKitchenApiRef, api],
        [infraKitchenLiveApiRef, api.live],
      ],
      initialRouteEntries: ['/infrakitchen'],
    });
    // The whole app renders first: on a busy machine that took longer than findByRole's default second.
    expect(
      await screen.findByRole('button', { name: fixtureResource.name }, { timeout: 15_000 }),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Templates' })).toBeInTheDocument();
    // One page header, the app's: the plugin's own <Header> is left out under PageBlueprint.
    expect(screen.queryByText('InfraKitchen resources and templates')).not.toBeInTheDocument();
  }, 30_000);

  it('has an icon and a title for the app’s navigation and page header', () => {
    expect(infraKitchenPlugin.icon).toBeTruthy();
    expect(infraKitchenPlugin.title).toBe('Infrastructure');
  });
});
