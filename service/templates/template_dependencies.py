"""Templates that build on each other: which parents a template declares, and how their outputs wire into its
variables. Checked against the newest version of each side when declared, and again by every new version."""

import uuid

from service import db
from service.audit import audit_service
from service.auth.principal import Principal
from service.errors import Conflict, NotFound, ValidationFailed
from service.templates import template_crud, template_service
from service.templates.template_model import TemplateDependency


class DependencyNotFound(NotFound):
    def __init__(self, dependency_id):
        super().__init__(f"template dependency {dependency_id} not found")


def snapshot(dependency: TemplateDependency) -> dict:
    return {"template_id": str(dependency.template_id), "parent_template_id": str(dependency.parent_template_id),
            "wiring": dependency.wiring, "required": dependency.required}


@db.unit_of_work
def declare(actor: Principal, template_id: uuid.UUID, parent_template_id: uuid.UUID, wiring: list[dict],
            required: bool = True) -> TemplateDependency:
    """`template_id` builds on `parent_template_id`. Raises ValidationFailed (a wired output or variable the
    newest versions lack, or no such parent template), Conflict (declared already, or it would close a cycle),
    TemplateNotFound (no such template in the path)."""
    actor.require("templates:write")
    template_service.get_template(actor, template_id)
    session = db.session()
    if template_crud.get_template(session, parent_template_id) is None:  # a body field: 422, the path exists
        raise ValidationFailed(f"template {parent_template_id} not found",
                               errors={"parent_template_id": ["no such template"]})
    if parent_template_id == template_id or _builds_on(session, parent_template_id, template_id):
        raise Conflict(f"template {template_id} building on {parent_template_id} would make a cycle")
    child = template_service.resolve_version(actor, template_id, None)
    parent = template_service.resolve_version(actor, parent_template_id, None)
    errors = wiring_errors(wiring, parent.outputs, child.variables)
    if errors:
        raise ValidationFailed("the wiring does not fit the templates' newest versions", errors={"wiring": errors})
    dependency = template_crud.add_dependency(session, TemplateDependency(
        template_id=template_id, parent_template_id=parent_template_id, wiring=wiring, required=required,
        created_by=actor.subject))
    audit_service.record(actor, "template.dependency.create", "template", template_id, after=snapshot(dependency))
    return dependency


@db.unit_of_work
def list_dependencies(actor: Principal, template_id: uuid.UUID, children: bool = False) -> list[TemplateDependency]:
    """What the template builds on, or (`children`) the templates that build on it."""
    template_service.get_template(actor, template_id)
    session = db.session()
    return (template_crud.dependents_of if children else template_crud.dependencies_of)(session, template_id)


@db.unit_of_work
def remove(actor: Principal, template_id: uuid.UUID, dependency_id: uuid.UUID) -> None:
    actor.require("templates:write")
    session = db.session()
    dependency = template_crud.get_dependency(session, dependency_id)
    if dependency is None or dependency.template_id != template_id:
        raise DependencyNotFound(dependency_id)
    template_crud.delete_dependency(session, dependency)
    audit_service.record(actor, "template.dependency.delete", "template", template_id, before=snapshot(dependency))


def wiring_errors(wiring: list[dict], outputs: list[dict], variables: list[dict]) -> dict[str, list[str]]:
    """Per wired variable, what does not fit: an output the parent lacks, a variable the child lacks, a variable
    wired twice. (Outputs declare no type in OpenTofu, so types cannot be compared.)"""
    output_names = {o["name"] for o in outputs}
    variable_names = {v["name"] for v in variables}
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for wire in wiring:
        problems = []
        if wire["output"] not in output_names:
            problems.append(f"the parent has no output {wire['output']!r}")
        if wire["variable"] not in variable_names:
            problems.append(f"this template has no variable {wire['variable']!r}")
        if wire["variable"] in seen:
            problems.append("wired twice")
        seen.add(wire["variable"])
        if problems:
            errors[wire["variable"]] = problems
    return errors


def _builds_on(session, template_id: uuid.UUID, ancestor_id: uuid.UUID) -> bool:
    """Does `template_id` build on `ancestor_id`, directly or through others? (Breadth first, one query a level.)"""
    seen, level = set(), {template_id}
    while level:
        if ancestor_id in level:
            return True
        seen |= level
        level = template_crud.parent_template_ids(session, level) - seen
    return False
