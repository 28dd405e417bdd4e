import marshmallow as ma
from flask_smorest.error_handler import ErrorSchema

from service.resources import variable_values
from service.resources.resource_states import USER_ACTIONS, State, Status
from service.resources.variable_values import MASK
from service.schemas import InputSchema, sort_field

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$"
# Backstage entity refs: kind:namespace/name (namespace optional), e.g. component:default/checkout.
OWNER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*:([A-Za-z0-9][A-Za-z0-9_.-]*/)?[A-Za-z0-9][A-Za-z0-9_.@-]*$"
ENTITY_REF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*:([A-Za-z0-9][A-Za-z0-9_.-]*/)?[A-Za-z0-9][A-Za-z0-9_.-]*$"


class ResourceCreateSchema(InputSchema):
    name = ma.fields.String(
        required=True, validate=ma.validate.Regexp(NAME_PATTERN, error="letters, digits and . _ - (at most 200)")
    )
    template_id = ma.fields.UUID(required=True)
    template_version_id = ma.fields.UUID(
        metadata={"description": "Defaults to the template's newest version."}
    )
    variables = ma.fields.Dict(keys=ma.fields.String(), load_default=dict)
    owner = ma.fields.String(
        validate=[ma.validate.Length(max=300),
                  ma.validate.Regexp(OWNER_PATTERN, error="expected a ref such as group:default/team-a")],
        metadata={"description": "Defaults to the caller; the caller or one of its groups unless admin or platform."},
    )
    integration_ids = ma.fields.List(ma.fields.UUID(), load_default=list, validate=ma.validate.Length(max=20),
                                     metadata={"description": "Integrations whose credentials its runs get."})
    parent_ids = ma.fields.List(ma.fields.UUID(), load_default=list, validate=ma.validate.Length(max=20), metadata={
        "description": "Resources this one builds on, one per parent template its template declares. It is "
                       "`pending` until they are all provisioned; wired variables come from their outputs."})
    auto_provision = ma.fields.Boolean(metadata={  # no load_default: a default would make it required in clients
        "description": "Queue the first provision by itself once the last parent is provisioned (default false)."})
    entity_ref = ma.fields.String(
        validate=[
            ma.validate.Length(max=300),
            ma.validate.Regexp(ENTITY_REF_PATTERN, error="expected kind:namespace/name"),
        ],
        metadata={"description": "The Backstage catalog entity this resource belongs to."},
    )


class ResourceConflictErrorSchema(ErrorSchema):
    """A 409 on a resource: the error shape, plus where the resource stands when the state machine refused."""

    state = ma.fields.String(metadata={"enum": [s.value for s in State]})
    resource_status = ma.fields.String(metadata={"enum": [s.value for s in Status]})
    allowed_actions = ma.fields.List(
        ma.fields.String(metadata={"enum": [a.value for a in USER_ACTIONS]}),
        metadata={"description": "The actions the state machine allows from the current state and status."},
    )
    pending_reason = ma.fields.String(metadata={"description": "Why a pending resource waits."})
    children = ma.fields.List(ma.fields.Dict(), metadata={
        "description": "The resources that build on this one and stop the action: {id, name, state, status}."})


class UpgradeSchema(ma.Schema):
    version_id = ma.fields.UUID()
    version = ma.fields.String()


class ApprovalSchema(ma.Schema):
    action = ma.fields.String(metadata={"enum": ["provision", "destroy"],
                                        "description": "What waits (or waited) for approval: creation or destroy."})
    requested_by = ma.fields.String()
    requested_at = ma.fields.String(metadata={"format": "date-time"})
    approved = ma.fields.Boolean(allow_none=True, metadata={"description": "null until decided."})
    decided_by = ma.fields.String(allow_none=True)
    decided_at = ma.fields.String(allow_none=True, metadata={"format": "date-time"})
    reason = ma.fields.String(allow_none=True, metadata={"description": "The approver's reason, if given."})


class ResourceSchema(ma.Schema):
    id = ma.fields.UUID()
    name = ma.fields.String()
    state = ma.fields.String(metadata={"enum": [s.value for s in State]})
    status = ma.fields.String(metadata={"enum": [s.value for s in Status]})
    variables = ma.fields.Method("_variables", metadata={"description": "Sensitive values are masked."})
    outputs = ma.fields.Method(
        "_outputs", metadata={"description": "{name: {value, sensitive}}; sensitive values are masked."}
    )
    template_id = ma.fields.UUID()
    template_name = ma.fields.Function(lambda resource: resource.template.name)
    template_version_id = ma.fields.UUID()
    template_version = ma.fields.Function(lambda resource: resource.template_version.version,
                                          metadata={"description": "The version's name, e.g. 1.2.0."})
    last_run = ma.fields.Method("_last_run", allow_none=True,
                                metadata={"description": "{id, kind, status, created_at, finished_at} or null."})
    entity_ref = ma.fields.String(allow_none=True)
    owner = ma.fields.String()
    integration_ids = ma.fields.Method("_integration_ids")
    parent_ids = ma.fields.Method("_parent_ids", metadata={"description": "The resources this one builds on."})
    pending_reason = ma.fields.String(allow_none=True, metadata={"description": "Why it is `pending`, if it is."})
    auto_provision = ma.fields.Boolean()
    approval = ma.fields.Nested(ApprovalSchema, allow_none=True, metadata={
        "description": "The last approval asked for on a template that requires approval, and its decision."})
    # Left out where it is not worked out (live events): a client keeps what it had.
    upgrade_available = ma.fields.Nested(UpgradeSchema, attribute="upgrade", allow_none=True, metadata={
        "description": "A newer active version of its template: move to it with a change (PATCH "
                       "template_version_id). Absent from live events."})
    parent_outputs_changed = ma.fields.Function(
        lambda resource: resource.parent_outputs_changed_at is not None, metadata={
            "type": "boolean",
            "description": "A parent's wired output changed since this resource was last applied: provision it "
                           "again to pick it up (a plan shows the difference)."})
    created_by = ma.fields.String()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()

    def _variables(self, resource) -> dict:
        return variable_values.masked(resource.variables, resource.secret_names)

    def _last_run(self, resource) -> dict | None:
        run = resource.last_run
        if run is None:
            return None
        return {"id": str(run.id), "kind": run.kind, "status": run.status, "created_at": _iso(run.created_at),
                "finished_at": _iso(run.finished_at)}

    def _parent_ids(self, resource) -> list[str]:
        return [str(link.parent_id) for link in resource.parents]

    def _integration_ids(self, resource) -> list[str]:
        return [str(i.id) for i in resource.integrations]

    def _outputs(self, resource) -> dict:
        return masked_outputs(resource.outputs)


def shown(row, links: dict | None = None) -> dict:
    """What ResourceSchema dumps of a resource, from a resource_crud.SHOWN_COLUMNS row and its links
    (resource_crud.links_of), without marshmallow's per-field work: lists and single reads are most of the
    traffic. tests/resources/test_resource_reads.py holds the two equal."""
    links = links or {}
    newer = row.newest_id is not None and row.newest_id != row.template_version_id \
        and row.newest_created_at > row.version_created_at
    return {
        "id": str(row.id), "name": row.name, "state": row.state, "status": row.status,
        "variables": variable_values.masked(row.variables, row.secret_names), "outputs": masked_outputs(row.outputs),
        "template_id": str(row.template_id), "template_name": row.template_name,
        "template_version_id": str(row.template_version_id), "template_version": row.template_version,
        "last_run": None if row.run_id is None else {
            "id": str(row.run_id), "kind": row.run_kind, "status": row.run_status,
            "created_at": _iso(row.run_created_at), "finished_at": _iso(row.run_finished_at)},
        "entity_ref": row.entity_ref, "owner": row.owner,
        "integration_ids": [str(i) for i in links.get("integrations", ())],
        "parent_ids": [str(i) for i in links.get("parents", ())],
        "pending_reason": row.pending_reason, "auto_provision": row.auto_provision,
        "approval": None if row.approval is None else _APPROVAL.dump(row.approval),
        "upgrade_available": {"version_id": str(row.newest_id), "version": row.newest_version} if newer else None,
        "parent_outputs_changed": row.parent_outputs_changed_at is not None,
        "created_by": row.created_by, "created_at": _iso(row.created_at), "updated_at": _iso(row.updated_at),
    }


_APPROVAL = ApprovalSchema()


def masked_outputs(outputs: dict | None) -> dict | None:
    if outputs is None:
        return None
    return {name: {"sensitive": bool(item.get("sensitive")),
                   "value": MASK if item.get("sensitive") else item.get("value")}
            for name, item in outputs.items()}


class ResourceQueryArgsSchema(InputSchema):
    entity_ref = ma.fields.String(metadata={"description": "Only resources of this catalog entity."})
    state = ma.fields.String(validate=ma.validate.OneOf([s.value for s in State]))
    status = ma.fields.String(validate=ma.validate.OneOf([s.value for s in Status]))
    template_id = ma.fields.UUID()
    name = ma.fields.String(metadata={"description": "Only resources whose name starts with this text."})
    owner = ma.fields.String(validate=ma.validate.Length(max=300))
    sort = sort_field("-created_at", ["name", "created_at", "updated_at", "state", "status"])


class ResourceActionsSchema(ma.Schema):
    resource_id = ma.fields.UUID()
    state = ma.fields.String()
    status = ma.fields.String()
    actions = ma.fields.List(
        ma.fields.String(metadata={"enum": [a.value for a in USER_ACTIONS]}),
        metadata={"description": "What this caller may do now."},
    )


class RejectSchema(InputSchema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(1, 2000))


class ApproveSchema(InputSchema):
    reason = ma.fields.String(validate=ma.validate.Length(1, 2000), metadata={"description": "Optional."})


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


class TreeQueryArgsSchema(InputSchema):
    direction = ma.fields.String(load_default="children", validate=ma.validate.OneOf(["children", "parents"]),
                                 metadata={"description": "children: everything built on it; parents: what it "
                                                          "builds on, and what those build on."})


class TreeNodeSchema(ma.Schema):
    id = ma.fields.UUID()
    name = ma.fields.String()
    state = ma.fields.String(metadata={"enum": [s.value for s in State]})
    status = ma.fields.String(metadata={"enum": [s.value for s in Status]})
    pending_reason = ma.fields.String(allow_none=True)
    template_name = ma.fields.String()
    depth = ma.fields.Integer(metadata={"description": "1 for the resource's own parents or children."})
    via = ma.fields.UUID(metadata={"description": "The node this one hangs under (the resource itself at depth 1)."})


class TreeSchema(ma.Schema):
    resource_id = ma.fields.UUID()
    direction = ma.fields.String(metadata={"enum": ["children", "parents"]})
    truncated = ma.fields.Boolean(metadata={"description": "More than 1000 nodes, or deeper than 20: cut there."})
    nodes = ma.fields.List(ma.fields.Nested(TreeNodeSchema), metadata={"description": "Depth first, by name."})


class GoldenVersionSchema(ma.Schema):
    version_id = ma.fields.UUID()
    version = ma.fields.String()
    lifecycle = ma.fields.String()
    resources = ma.fields.Integer(metadata={"description": "Resources on it that are not destroyed."})


class GoldenStateSchema(ma.Schema):
    template_id = ma.fields.UUID()
    template_name = ma.fields.String()
    golden_version_id = ma.fields.UUID(allow_none=True, metadata={"description": "Its newest active version."})
    golden_version = ma.fields.String(allow_none=True)
    total = ma.fields.Integer()
    on_golden = ma.fields.Integer()
    share_on_golden = ma.fields.Float(allow_none=True, metadata={"description": "0 to 1; null with no resources."})
    versions = ma.fields.List(ma.fields.Nested(GoldenVersionSchema), metadata={"description": "Newest first."})


class GoldenStateReportSchema(ma.Schema):
    templates = ma.fields.List(ma.fields.Nested(GoldenStateSchema))
