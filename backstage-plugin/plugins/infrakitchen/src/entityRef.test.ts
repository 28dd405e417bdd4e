import type { Entity } from '@backstage/catalog-model';
import { infraKitchenEntityRef, isInfraKitchenAvailable } from './entityRef';

const entity = (kind: string, annotations?: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'shop', annotations },
});

describe('infraKitchenEntityRef', () => {
  it('is the entity ref with a lowercase kind and the default namespace', () => {
    expect(infraKitchenEntityRef(entity('Component'))).toBe('component:default/shop');
  });

  it('uses the infrakitchen.io/entity-ref annotation when present', () => {
    expect(
      infraKitchenEntityRef(entity('Component', { 'infrakitchen.io/entity-ref': 'system:ops/payments' })),
    ).toBe('system:ops/payments');
  });
});

describe('isInfraKitchenAvailable', () => {
  it('applies to components, systems and resources', () => {
    expect(['Component', 'System', 'Resource'].map(k => isInfraKitchenAvailable(entity(k)))).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('does not apply to other kinds unless annotated', () => {
    expect(isInfraKitchenAvailable(entity('User'))).toBe(false);
    expect(isInfraKitchenAvailable(entity('User', { 'infrakitchen.io/entity-ref': 'user:default/a' }))).toBe(true);
  });
});
