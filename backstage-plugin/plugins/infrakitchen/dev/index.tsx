import type { ReactNode } from 'react';
import { useState } from 'react';
import { Grid } from '@material-ui/core';
import { createDevApp } from '@backstage/dev-utils';
import { TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import {
  EntityInfraKitchenCard,
  EntityInfraKitchenContent,
  InfraKitchenPage,
  infraKitchenApiRef,
  infraKitchenLiveApiRef,
  infraKitchenPlugin,
} from '../src';
import { FakeInfraKitchenApi } from '../src/__fixtures__/FakeInfraKitchenApi';

/** The entity `infrakitchen demo` attaches its resource to. */
const demoEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'demo', description: 'The component of the InfraKitchen demo' },
  spec: { type: 'service', lifecycle: 'experimental', owner: 'guests' },
};

function EntityPage() {
  return (
    <EntityProvider entity={demoEntity}>
      <Grid container spacing={3}>
        <Grid item xs={12} md={4}>
          <EntityInfraKitchenCard />
        </Grid>
        <Grid item xs={12} md={8}>
          <EntityInfraKitchenContent />
        </Grid>
      </Grid>
    </EntityProvider>
  );
}

/**
 * Swaps in the in-memory service (fixtures) and its live stream for the pages below it; every other API
 * stays the app's (TestApiProvider falls back to the enclosing ApiProvider).
 */
function WithFakeService(props: { children: ReactNode }) {
  const [fake] = useState(() => new FakeInfraKitchenApi());
  return (
    <TestApiProvider
      apis={[
        [infraKitchenApiRef, fake],
        [infraKitchenLiveApiRef, fake.live],
      ]}
    >
      {props.children}
    </TestApiProvider>
  );
}

createDevApp()
  .registerPlugin(infraKitchenPlugin)
  .addPage({ element: <EntityPage />, title: 'Entity: demo', path: '/infrakitchen-entity' })
  .addPage({ element: <InfraKitchenPage />, title: 'All infrastructure', path: '/infrakitchen' })
  .addPage({
    element: (
      <WithFakeService>
        <EntityPage />
      </WithFakeService>
    ),
    title: 'Entity (fixtures)',
    path: '/infrakitchen-fixtures',
  })
  .render();
