import { createElement } from 'react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import {
  InfraKitchenPage,
  infraKitchenApiRef,
  infraKitchenLiveApiRef,
  infraKitchenPlugin,
} from './index';
import { FakeInfraKitchenApi } from './__fixtures__/FakeInfraKitchenApi';
// Loaded up front, so the page's lazy extension resolves at once: compiling the page's modules does not count
// against the test's time.
import './components/InfraKitchenPage';
import { fixtureResource } from './__fixtures__';

describe('infraKitchenPlugin (legacy frontend system)', () => {
  it('is exported with its id', () => {
    expect(infraKitchenPlugin.getId()).toBe('infrakitchen');
  });

  it('brings the REST client and the live connection, the latter built on the former', () => {
    const factories = [...infraKitchenPlugin.getApis()];
    expect(factories.map(f => f.api.id)).toEqual([infraKitchenApiRef.id, infraKitchenLiveApiRef.id]);
    expect(infraKitchenLiveApiRef.id).toBe('plugin.infrakitchen.live');
    const live = factories.find(f => f.api.id === infraKitchenLiveApiRef.id);
    expect(Object.values(live?.deps ?? {})).toContain(infraKitchenApiRef);
  });

  it('renders its page where the app mounts it', async () => {
    const api = new FakeInfraKitchenApi();
    // <Routes><Route path="/infrakitchen" element={<InfraKitchenPage />} /></Routes>, as in an App.tsx
    const page = createElement(
      Routes,
      null,
      createElement(Route, { path: '/infrakitchen', element: createElement(InfraKitchenPage) }),
    );
    await renderInTestApp(
      createElement(TestApiProvider, {
        apis: [
          [infraKitchenApiRef, api],
          [infraKitchenLiveApiRef, api.live],
        ],
        children: page,
      }),
      { routeEntries: ['/infrakitchen'] },
    );
    expect(await screen.findByRole('button', { name: fixtureResource.name })).toBeInTheDocument();
    expect(screen.getByTestId('live-status')).toHaveTextContent('Live');
  });
});
