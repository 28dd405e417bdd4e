import type { Entity } from '@backstage/catalog-model';

/** Annotation that overrides which InfraKitchen `entity_ref` an entity page shows. */
export const INFRAKITCHEN_ENTITY_REF_ANNOTATION = 'infrakitchen.io/entity-ref';

const KINDS_WITH_INFRASTRUCTURE = ['component', 'system', 'resource'];

/** The `entity_ref` the service stores for this entity, e.g. `component:default/shop`. */
export function infraKitchenEntityRef(entity: Entity): string {
  const override = entity.metadata.annotations?.[INFRAKITCHEN_ENTITY_REF_ANNOTATION]?.trim();
  if (override) return override;
  const namespace = (entity.metadata.namespace ?? 'default').toLocaleLowerCase('en-US');
  return `${entity.kind.toLocaleLowerCase('en-US')}:${namespace}/${entity.metadata.name}`;
}

/** Whether the Infrastructure tab and card apply: components, systems, resources, or an annotated entity. */
export function isInfraKitchenAvailable(entity: Entity): boolean {
  return (
    Boolean(entity.metadata.annotations?.[INFRAKITCHEN_ENTITY_REF_ANNOTATION]) ||
    KINDS_WITH_INFRASTRUCTURE.includes(entity.kind.toLocaleLowerCase('en-US'))
  );
}
