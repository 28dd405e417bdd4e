"""Resources as Backstage catalog entities (kind Resource), for the catalog backend module's entity provider.

An entity's name is `<the resource's name, as a slug>-<the first 12 hex digits of its id>`: valid in Backstage
(letters, digits and single `-` between them, at most 63 characters), unique (the id), stable (neither the
name nor the id of a resource ever changes) and still readable in the catalog. The title is the name itself.
"""

import re
import uuid
from dataclasses import dataclass

NAMESPACE = "default"
DEFAULT_TYPE = "infrastructure"
LIFECYCLE = "production"
ID_DIGITS = 12
NAME_LIMIT = 63  # Backstage's limit for metadata.name
TAG_LIMIT = 63
_NOT_ALLOWED = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class CatalogResource:
    """What an entity is made of: the resource, its template and version, and its parents (id, name)."""

    id: uuid.UUID
    name: str
    state: str
    status: str
    owner: str
    entity_ref: str | None
    template_name: str
    template_version: str
    catalog_type: str | None
    parents: tuple[tuple[uuid.UUID, str], ...] = ()


def _slug(text: str, limit: int) -> str:
    return _NOT_ALLOWED.sub("-", text.lower()).strip("-")[:limit].rstrip("-")


def entity_name(name: str, resource_id: uuid.UUID) -> str:
    slug = _slug(name, NAME_LIMIT - ID_DIGITS - 1) or "resource"
    return f"{slug}-{resource_id.hex[:ID_DIGITS]}"


def entity_ref(name: str, resource_id: uuid.UUID) -> str:
    return f"resource:{NAMESPACE}/{entity_name(name, resource_id)}"


def entity(resource: CatalogResource, public_url: str) -> dict:
    """The Backstage entity of `resource`; `public_url` is where this API is reached (for links back)."""
    url = f"{public_url}/api/v1/resources/{resource.id}"
    spec = {
        "type": resource.catalog_type or DEFAULT_TYPE,
        "owner": resource.owner,
        "lifecycle": LIFECYCLE,
        "dependencyOf": [resource.entity_ref] if resource.entity_ref else [],
        "dependsOn": [entity_ref(name, parent_id) for parent_id, name in resource.parents],
    }
    if resource.entity_ref and resource.entity_ref.lower().startswith("system:"):
        spec["system"] = resource.entity_ref
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Resource",
        "metadata": {
            "name": entity_name(resource.name, resource.id),
            "namespace": NAMESPACE,
            "title": resource.name,
            "description": f"{resource.template_name} {resource.template_version}, made with InfraKitchen",
            "annotations": {
                "infrakitchen.io/resource-id": str(resource.id),
                "infrakitchen.io/template": resource.template_name,
                "infrakitchen.io/template-version": resource.template_version,
                "infrakitchen.io/state": resource.state,
                "infrakitchen.io/status": resource.status,
                "backstage.io/managed-by-location": f"url:{url}",
                "backstage.io/managed-by-origin-location": f"url:{url}",
            },
            "tags": [tag for tag in ("infrakitchen", _slug(resource.template_name, TAG_LIMIT)) if tag],
            "links": [{"url": url, "title": "InfraKitchen resource"}],
        },
        "spec": spec,
    }
