import type { ReactElement } from 'react';
import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { infraKitchenApiRef, infraKitchenLiveApiRef } from '../api';
import type { FakeInfraKitchenApi } from '../__fixtures__/FakeInfraKitchenApi';

/** The catalog entity the recorded demo resource belongs to (`component:default/demo`). */
export const demoEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'demo' },
};

/** Renders an entity-page element for `entity`, talking to `api` (and its live stream, `api.live`). */
export function renderOnEntity(element: ReactElement, api: FakeInfraKitchenApi, entity: Entity = demoEntity) {
  return renderInTestApp(
    <TestApiProvider apis={[[infraKitchenApiRef, api], [infraKitchenLiveApiRef, api.live]]}>
      <EntityProvider entity={entity}>{element}</EntityProvider>
    </TestApiProvider>,
  );
}
