"""Templates and versions: registering a module from its source and exposing its interface."""

import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from service import db
from service.audit import audit_service
from service.auth.principal import Principal
from service.errors import NotFound, ValidationFailed
from service.listing import apply_sort, page_of
from service.resources import variable_rules
from service.templates import module_archive, template_crud
from service.templates.module_archive import ModuleLimits
from service.templates.module_inspection import read_interface
from service.templates.module_parser import ModuleParseError
from service.templates.module_source import ModuleSource, ModuleSourceError, fetch_module, redact
from service.templates.template_model import Lifecycle, Template, TemplateVersion

TEMPLATE_SORTS = {"name": Template.name, "created_at": Template.created_at}
VERSION_SORTS = {"version": TemplateVersion.version, "created_at": TemplateVersion.created_at}


class TemplateNotFound(NotFound):
    def __init__(self, template_id):
        super().__init__(f"template {template_id} not found")


class TemplateVersionNotFound(NotFound):
    def __init__(self, version_id):
        super().__init__(f"template version {version_id} not found")


@dataclass(frozen=True)
class SourceLimits:
    module: ModuleLimits
    allow_local: bool


class InvalidModule(ValidationFailed):
    """The source could not be fetched or its module does not parse."""


def template_snapshot(template: Template) -> dict:
    return {"name": template.name, "description": template.description,
            "requires_approval": template.requires_approval, "deprecated": template.deprecated,
            "catalog_type": template.catalog_type}


@db.unit_of_work
def create_template(actor: Principal, name: str, description: str = "", requires_approval: bool = False,
                    catalog_type: str | None = None) -> Template:
    """The new template; raises Conflict when the name is taken."""
    actor.require("templates:write")
    session = db.session()
    template = template_crud.add_template(session, Template(
        name=name, description=description, requires_approval=requires_approval, catalog_type=catalog_type,
        created_by=actor.subject,
    ))
    audit_service.record(actor, "template.create", "template", template.id, after=template_snapshot(template))
    return template


@db.unit_of_work
def get_template(actor: Principal, template_id: uuid.UUID) -> Template:
    actor.require("read")
    template = template_crud.get_template(db.session(), template_id)
    if template is None:
        raise TemplateNotFound(template_id)
    return template


@db.unit_of_work
def find_template(actor: Principal, name: str) -> Template | None:
    actor.require("read")
    return template_crud.get_template_by_name(db.session(), name)


@db.unit_of_work
def list_templates(actor: Principal, name: str | None, deprecated: bool | None, sort: str, page: int,
                   page_size: int):
    """(templates, total)."""
    actor.require("read")
    query = apply_sort(template_crud.select_templates(name, deprecated), sort, TEMPLATE_SORTS, Template.id)
    return page_of(db.session(), query, page, page_size)


def create_version(actor: Principal, template_id: uuid.UUID, version: str, source: ModuleSource,
                   limits: SourceLimits) -> TemplateVersion:
    """Fetch and parse the module, then store the version; raises InvalidModule (422) or Conflict.

    The fetch (a git clone, possibly slow) runs before any transaction opens, so no database
    connection is held while the network works.
    """
    actor.require("templates:write")
    get_template(actor, template_id)  # 404 before doing any network work
    with tempfile.TemporaryDirectory(prefix="ik-module-") as tmp:
        root = Path(tmp) / "src"
        try:
            fetched = fetch_module(source, root, allow_local=limits.allow_local)
            module_archive.check(root, limits.module)
            interface = read_interface(fetched.directory)
        except (ModuleSourceError, ModuleParseError) as error:
            raise InvalidModule(str(error), errors={"source": [str(error)]}) from None
        archive = module_archive.pack(root, limits.module)
        module_path = fetched.directory.relative_to(root).as_posix()
    return _store_version(actor, template_id, version, source, fetched.commit, module_path, interface, archive)


def _check_wiring_kept(session, template_id: uuid.UUID, interface: dict) -> None:
    """ValidationFailed when the new version lacks a variable or output that a template dependency wires."""
    variables = {v["name"] for v in interface["variables"]}
    outputs = {o["name"] for o in interface["outputs"]}
    dropped = [f"variable {w['variable']!r} is wired from output {w['output']!r} of template {d.parent_template_id}"
               for d in template_crud.dependencies_of(session, template_id) for w in d.wiring
               if w["variable"] not in variables]
    dropped += [f"output {w['output']!r} is wired into variable {w['variable']!r} of template {d.template_id}"
                for d in template_crud.dependents_of(session, template_id) for w in d.wiring
                if w["output"] not in outputs]
    if dropped:
        raise ValidationFailed("the version drops what a template dependency wires (remove the wiring first)",
                               errors={"wiring": dropped})


def public_variable(variable: dict) -> dict:
    # A sensitive variable's default is a secret of the module's author; the engine reads it from the
    # module itself, so the platform never needs to keep or show it.
    if variable["sensitive"] and variable.get("default") is not None:
        return {**variable, "default": "(sensitive)"}
    return variable


@db.unit_of_work
def _store_version(actor, template_id, version, source, commit, module_path, interface, archive) -> TemplateVersion:
    session = db.session()
    _check_wiring_kept(session, template_id, interface)
    row = template_crud.add_version(
        session,
        TemplateVersion(
            template_id=template_id,
            version=version,
            source_url=redact(source.url),  # credentials in a URL are used for the fetch only
            source_ref=source.ref,
            source_path=None if module_path == "." else module_path,
            source_commit=commit,
            variables=[public_variable(v) for v in interface["variables"]],
            outputs=interface["outputs"],
            archive=archive,
            created_by=actor.subject,
        ),
    )
    audit_service.record(
        actor, "template_version.create", "template_version", row.id,
        after={"template_id": str(template_id), "version": version, "source_url": row.source_url,
               "source_ref": source.ref, "source_commit": commit},
    )
    return row


@db.unit_of_work
def get_version(actor: Principal, version_id: uuid.UUID) -> TemplateVersion:
    actor.require("read")
    version = template_crud.get_version(db.session(), version_id)
    if version is None:
        raise TemplateVersionNotFound(version_id)
    return version


@db.unit_of_work
def get_version_of_template(actor: Principal, template_id: uuid.UUID, version_id: uuid.UUID) -> TemplateVersion:
    version = get_version(actor, version_id)
    if version.template_id != template_id:
        raise TemplateVersionNotFound(version_id)
    return version


@db.unit_of_work
def list_versions(actor: Principal, template_id: uuid.UUID, deprecated: bool | None, lifecycle: str | None,
                  sort: str, page: int, page_size: int):
    """(versions, total) of one template; raises TemplateNotFound."""
    get_template(actor, template_id)
    query = template_crud.select_versions(template_id, deprecated, lifecycle)
    query = apply_sort(query, sort, VERSION_SORTS, TemplateVersion.id)
    return page_of(db.session(), query, page, page_size)


@db.unit_of_work
def resolve_version(actor: Principal, template_id: uuid.UUID, version_id: uuid.UUID | None) -> TemplateVersion:
    """The version a new resource uses: the one named (it must belong to the template) or the newest that is
    not deprecated. Raises ValidationFailed for a deprecated template or version."""
    template = get_template(actor, template_id)
    if template.deprecated:
        raise ValidationFailed(f"template {template.name!r} is deprecated",
                               errors={"template_id": ["deprecated: no new resources from it"]})
    if version_id is not None:
        return usable_version(actor, template_id, version_id)
    latest = template_crud.get_latest_version(db.session(), template_id)
    if latest is None:
        raise ValidationFailed(
            f"template {template_id} has no usable versions",
            errors={"template_version_id": ["the template has no active version"]},
        )
    return latest


@db.unit_of_work
def usable_version(actor: Principal, template_id: uuid.UUID, version_id: uuid.UUID) -> TemplateVersion:
    """A version of the template that a resource may be created on or moved to: ValidationFailed for one
    deprecated or archived, or in preview and the caller not platform."""
    version = get_version_of_template(actor, template_id, version_id)
    refused = {Lifecycle.DEPRECATED: "deprecated: pick a newer version",
               Lifecycle.ARCHIVED: "archived: pick a newer version"}.get(version.lifecycle)
    if version.lifecycle == Lifecycle.PREVIEW and not actor.can("templates:write"):
        refused = "in preview: only the platform team may use it yet"
    if refused:
        raise ValidationFailed(f"version {version.version!r} is {version.lifecycle}",
                               errors={"template_version_id": [refused]})
    return version


@db.unit_of_work
def all_versions(template_id: uuid.UUID | None = None) -> list:
    """(id, template_id, template_name, version, lifecycle) of every version, newest first per template."""
    return template_crud.all_versions(db.session(), template_id)


@db.unit_of_work
def newest_active_versions(template_ids: list[uuid.UUID] | None = None) -> dict:
    """{template id: (id, version, created_at) of its newest active version}, in one query."""
    return template_crud.newest_active_versions(db.session(), template_ids)


@db.unit_of_work
def set_template_deprecated(actor: Principal, template_id: uuid.UUID, deprecated: bool) -> Template:
    """Deprecate (or restore) a template: no new resources from it; existing ones keep working."""
    actor.require("templates:write")
    template = get_template(actor, template_id)
    before = template_snapshot(template)
    template.deprecated = deprecated
    audit_service.record(actor, "template.deprecate" if deprecated else "template.undeprecate", "template",
                         template.id, before=before, after=template_snapshot(template))
    return template


@db.unit_of_work
def set_variable_rule(actor: Principal, template_id: uuid.UUID, version_id: uuid.UUID, name: str,
                      rule: dict) -> TemplateVersion:
    """Set (or, with an empty rule, remove) the platform's rule on one variable of a version. ValidationFailed:
    no such variable, or a rule that cannot hold (a pattern that is not RE2, min above max, a default that breaks
    it, `unique` on a sensitive or structured variable)."""
    actor.require("templates:write")
    version = get_version_of_template(actor, template_id, version_id)
    spec = next((v for v in version.variables if v["name"] == name), None)
    if spec is None:
        raise ValidationFailed(f"version {version.version} has no variable {name!r}",
                               errors={"name": [f"not a variable of {version.version}"]})
    errors = variable_rules.rule_errors(rule, spec)
    if errors:
        raise ValidationFailed(f"the rule for {name} cannot hold", errors=errors)
    before = version.variable_rules.get(name)
    others = {k: v for k, v in version.variable_rules.items() if k != name}
    version.variable_rules = {**others, name: rule} if rule else others
    audit_service.record(actor, "template_version.variable_rule", "template", template_id,
                         before={"variable": name, "rule": before},
                         after={"version": version.version, "variable": name, "rule": rule or None})
    return version


@db.unit_of_work
def set_naming_convention(actor: Principal, template_id: uuid.UUID, convention: dict | None) -> Template:
    """Resource names of the template must match `convention["pattern"]` (RE2); None removes it."""
    actor.require("templates:write")
    template = get_template(actor, template_id)
    if convention and (problem := variable_rules.pattern_error(convention["pattern"])):
        raise ValidationFailed("the naming convention's pattern", errors={"naming_convention": {"pattern": [problem]}})
    before = template.naming_convention
    template.naming_convention = convention or None
    audit_service.record(actor, "template.naming_convention", "template", template.id, before={"convention": before},
                         after={"convention": template.naming_convention})
    return template


@db.unit_of_work
def set_approver_group(actor: Principal, template_id: uuid.UUID, group: str | None) -> Template:
    """Members of `group` may approve changes of the template's resources (None: only the platform team)."""
    actor.require("templates:write")
    template = get_template(actor, template_id)
    before = template.approver_group
    template.approver_group = group
    audit_service.record(actor, "template.approver_group", "template", template.id, before={"group": before},
                         after={"group": group})
    return template


@db.unit_of_work
def set_catalog_type(actor: Principal, template_id: uuid.UUID, catalog_type: str | None) -> Template:
    """The spec.type of the template's resources in the Backstage catalog (None: infrastructure)."""
    actor.require("templates:write")
    template = get_template(actor, template_id)
    before = template.catalog_type
    template.catalog_type = catalog_type
    audit_service.record(actor, "template.catalog_type", "template", template.id, before={"catalog_type": before},
                         after={"catalog_type": catalog_type})
    return template


def may_approve(actor: Principal, template: Template) -> bool:
    """Approvers of the template's resources' changes: the platform team, or members of its approver group."""
    return actor.can("resources:approve") or (template.approver_group is not None
                                              and template.approver_group in actor.ownership)


def decision_refusal(actor: Principal, template: Template, requested_by: str | None, approving: bool, what: str,
                     may_withdraw: bool = True) -> str | None:
    """Why the caller may not approve (or reject) `what` (a change, a creation or a destroy of the template's
    resources) that `requested_by` asked for, or None: the platform team or the template's approver group
    decide, never on their own request, which whoever asked may withdraw by rejecting (when `may_withdraw`)."""
    own = requested_by == actor.subject
    if not (may_approve(actor, template) or (own and not approving and may_withdraw)):
        return f"only the platform team or the template's approver group may approve or reject {what}"
    if own and approving:
        return f"{what} cannot be approved by whoever asked for it"
    return None


@db.joins_unit_of_work
def lock_template(template_id: uuid.UUID) -> None:
    """Row-lock a template: checks across its resources (unique values) are then made one at a time."""
    template_crud.get_template_for_update(db.session(), template_id)


@db.unit_of_work
def set_version_lifecycle(actor: Principal, template_id: uuid.UUID, version_id: uuid.UUID,
                          lifecycle: Lifecycle) -> TemplateVersion:
    """Move a version through its lifecycle (platform): preview, active, deprecated (no new resources; their
    resources show an upgrade), archived (no runs but destroy)."""
    actor.require("templates:write")
    version = get_version_of_template(actor, template_id, version_id)
    before = version.lifecycle
    version.lifecycle = lifecycle
    audit_service.record(actor, "template_version.lifecycle", "template", template_id, before={"lifecycle": before},
                         after={"version": version.version, "lifecycle": lifecycle})
    return version


@dataclass
class ModuleForRun:
    archive: bytes
    path: str | None


def module_for_run(version_id: uuid.UUID) -> ModuleForRun:
    """What a run needs of a version: the frozen module and where it sits in the archive."""
    version = template_crud.get_version(db.session(), version_id)
    if version is None:
        raise TemplateVersionNotFound(version_id)
    return ModuleForRun(archive=version.archive, path=version.source_path)
