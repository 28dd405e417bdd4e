"""Resources: through the service (`make_resource`: validated, owned, audited) or as rows (`ResourceFactory`, in
any state and status, for rules that start from one)."""

import factory

from factories.auth import ADMIN
from factories.base import RowFactory
from factories.templates import TemplateVersionFactory
from service.auth.principal import Principal
from service.resources import resource_service
from service.resources.resource_model import Resource, ResourceParent
from service.resources.resource_states import State, Status


def make_resource(template, name: str = "res", variables: dict | None = None, entity_ref=None,
                  actor: Principal = ADMIN, owner: str | None = None):
    return resource_service.create_resource(
        actor, name, template.id, variables if variables is not None else {"name": "world"}, entity_ref=entity_ref,
        owner=owner,
    )


class ResourceFactory(RowFactory):
    """A greeter resource, `(provision, ready)` and owned by the test admin unless told otherwise."""

    class Meta:
        model = Resource
        exclude = ("version",)

    version = factory.SubFactory(TemplateVersionFactory)
    template_id = factory.LazyAttribute(lambda o: o.version.template_id)
    template_version_id = factory.LazyAttribute(lambda o: o.version.id)
    name = factory.Sequence(lambda n: f"resource-{n}")
    variables = factory.LazyFunction(lambda: {"name": "world"})
    secret_names = factory.LazyFunction(list)
    secret_variables = factory.LazyFunction(dict)
    outputs = factory.LazyFunction(dict)
    state = State.PROVISION
    status = Status.READY
    owner = ADMIN.subject
    created_by = ADMIN.subject


class ResourceParentFactory(RowFactory):
    """`resource_id` builds on `parent_id` (no checks: for trees in any state)."""

    class Meta:
        model = ResourceParent

    wiring = factory.LazyFunction(list)


def built_on(version, *parents, wiring: list | None = None, **fields) -> Resource:
    """A resource row of `version` whose parents are `parents` (each link with `wiring`), provisioned unless told
    otherwise."""
    child = ResourceFactory(version=version, **{"state": State.PROVISIONED, "status": Status.DONE, **fields})
    for parent in parents:
        ResourceParentFactory(resource_id=child.id, parent_id=parent.id, wiring=wiring or [])
    return child
