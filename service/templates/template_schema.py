import marshmallow as ma

from service.schemas import InputSchema, sort_field
from service.templates.template_model import Lifecycle

VERSION_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$"


GROUP_PATTERN = r"^group:([A-Za-z0-9][A-Za-z0-9_.-]*/)?[A-Za-z0-9][A-Za-z0-9_.-]*$"
# Backstage's convention for spec.type: lower case words joined by - _ or . (e.g. database, s3-bucket).
CATALOG_TYPE_PATTERN = r"^[a-z0-9]+([-_.][a-z0-9]+)*$"


def _catalog_type_field(**kwargs) -> ma.fields.String:
    return ma.fields.String(validate=[
        ma.validate.Length(max=63),
        ma.validate.Regexp(CATALOG_TYPE_PATTERN, error="lower case words joined by -, _ or . (e.g. s3-bucket)")],
        **kwargs)


class NamingConventionSchema(InputSchema):
    pattern = ma.fields.String(required=True, validate=ma.validate.Length(1, 500),
                               metadata={"description": "RE2; the whole name must match."})
    message = ma.fields.String(validate=ma.validate.Length(max=500),
                               metadata={"description": "What a person is told when a name does not match."})


class TemplateSchema(InputSchema):
    id = ma.fields.UUID(dump_only=True)
    name = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=10_000))
    requires_approval = ma.fields.Boolean(
        load_default=False, metadata={"description": "New resources wait for an approver before provisioning."}
    )
    catalog_type = _catalog_type_field(load_default=None, allow_none=True, metadata={
        "description": "The spec.type of its resources in the Backstage catalog; null: infrastructure."})
    deprecated = ma.fields.Boolean(dump_only=True, metadata={"description": "No new resources from it."})
    naming_convention = ma.fields.Nested(NamingConventionSchema, allow_none=True, dump_only=True)
    approver_group = ma.fields.String(allow_none=True, dump_only=True, metadata={
        "description": "Its members may approve changes of the template's resources, beside the platform team."})
    created_by = ma.fields.String(dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class TemplatePatchSchema(InputSchema):
    deprecated = ma.fields.Boolean(
        metadata={"description": "true: no new resources from it (existing ones keep working)."}
    )
    naming_convention = ma.fields.Nested(NamingConventionSchema, allow_none=True, metadata={
        "description": "Resource names must match its pattern; null removes it."})

    approver_group = ma.fields.String(allow_none=True, validate=[
        ma.validate.Length(max=300),
        ma.validate.Regexp(GROUP_PATTERN, error="expected a group ref such as group:default/dba")],
        metadata={"description": "Its members may approve changes of the template's resources; null removes it."})
    catalog_type = _catalog_type_field(allow_none=True, metadata={
        "description": "The spec.type of its resources in the Backstage catalog; null: infrastructure."})

    @ma.validates_schema
    def _some(self, data, **_):
        if not data:
            raise ma.ValidationError("give deprecated, naming_convention, approver_group or catalog_type", "_schema")


class TemplateQueryArgsSchema(InputSchema):
    name = ma.fields.String(metadata={"description": "Only templates whose name contains this text."})
    deprecated = ma.fields.Boolean(metadata={"description": "false: only those new resources may use."})
    sort = sort_field("name", ["name", "created_at"])


class SourceSchema(InputSchema):
    url = ma.fields.String(
        required=True,
        validate=ma.validate.Length(1, 2000),
        metadata={"description": "Git URL (https, ssh, file://) or an absolute local path to a repository or "
                                 "directory. Credentials in the URL are used once and never stored."},
    )
    ref = ma.fields.String(
        validate=ma.validate.Length(1, 300),
        metadata={"description": "Branch, tag or commit; default branch if absent."},
    )
    path = ma.fields.String(
        validate=ma.validate.Length(1, 1000), metadata={"description": "Module directory inside the repository."}
    )
    commit = ma.fields.String(dump_only=True, metadata={"description": "The commit the ref resolved to."})


class VersionSourceSchema(ma.Schema):
    """Where a version's module came from, as registered: `ref` and `path` are null when none was given."""

    url = ma.fields.String(metadata={"description": "Without the credentials it may have had."})
    ref = ma.fields.String(allow_none=True, metadata={"description": "Branch, tag or commit; null: default branch."})
    path = ma.fields.String(allow_none=True, metadata={"description": "Module directory inside the repository."})
    commit = ma.fields.String(allow_none=True, metadata={"description": "The commit the ref resolved to; null for "
                                                                        "a directory that is not a repository."})


class VariableSchema(ma.Schema):
    name = ma.fields.String()
    type = ma.fields.String(metadata={"description": "The type constraint in Terraform syntax."})
    type_spec = ma.fields.Dict(metadata={"description": "The type constraint as structured data."})
    default = ma.fields.Raw(allow_none=True)
    required = ma.fields.Boolean()
    description = ma.fields.String(allow_none=True)
    sensitive = ma.fields.Boolean()
    nullable = ma.fields.Boolean()
    allowed_values = ma.fields.List(ma.fields.Raw(), allow_none=True, metadata={
        "description": "The values a `contains([...], var.x)` validation allows, else null."})
    rules = ma.fields.Dict(allow_none=True, metadata={
        "description": "What the module's other validations say that the platform checks before a run: pattern, "
                       "min, max, min_length, max_length."})


class OutputSchema(ma.Schema):
    name = ma.fields.String()
    description = ma.fields.String(allow_none=True)
    sensitive = ma.fields.Boolean()


class TemplateVersionCreateSchema(InputSchema):
    version = ma.fields.String(
        required=True,
        validate=ma.validate.Regexp(VERSION_PATTERN, error="letters, digits and . _ + - (at most 100)"),
    )
    source = ma.fields.Nested(SourceSchema, required=True)


class TemplateVersionSchema(ma.Schema):
    id = ma.fields.UUID()
    template_id = ma.fields.UUID()
    version = ma.fields.String()
    source = ma.fields.Nested(VersionSourceSchema)
    variables = ma.fields.List(ma.fields.Nested(VariableSchema))
    outputs = ma.fields.List(ma.fields.Nested(OutputSchema))
    lifecycle = ma.fields.String(metadata={"enum": [s.value for s in Lifecycle], "description":
                                 "preview (only the platform team may use it), active, deprecated (no new resources; "
                                 "its resources show an upgrade), archived (no runs but destroy)."})
    deprecated = ma.fields.Boolean(metadata={"description": "Deprecated or archived: no new resources on it."})
    variable_rules = ma.fields.Dict(metadata={
        "description": "The platform team's rules per variable, over what the module says."})
    created_by = ma.fields.String()
    created_at = ma.fields.DateTime()


class VersionPatchSchema(InputSchema):
    lifecycle = ma.fields.String(validate=ma.validate.OneOf([s.value for s in Lifecycle]))
    deprecated = ma.fields.Boolean(metadata={"description": "For clients before lifecycles: true is lifecycle "
                                                            "deprecated, false is active."})

    @ma.validates_schema
    def _one(self, data, **_):
        if ("lifecycle" in data) == ("deprecated" in data):
            raise ma.ValidationError("give lifecycle (or, for older clients, deprecated)", "_schema")


class TemplateVersionQueryArgsSchema(InputSchema):
    deprecated = ma.fields.Boolean(metadata={"description": "false: only those new resources may use."})
    lifecycle = ma.fields.String(validate=ma.validate.OneOf([s.value for s in Lifecycle]))
    sort = sort_field("-created_at", ["version", "created_at"])


class WireSchema(InputSchema):
    output = ma.fields.String(required=True, validate=ma.validate.Length(1, 200),
                              metadata={"description": "An output of the parent template."})
    variable = ma.fields.String(required=True, validate=ma.validate.Length(1, 200),
                                metadata={"description": "A variable of this template, set from that output."})


class DependencyCreateSchema(InputSchema):
    parent_template_id = ma.fields.UUID(required=True)
    wiring = ma.fields.List(ma.fields.Nested(WireSchema), load_default=list, validate=ma.validate.Length(max=100))
    required = ma.fields.Boolean(load_default=True, metadata={
        "description": "Every resource of this template must name a parent of that template."})


class DependencySchema(ma.Schema):
    id = ma.fields.UUID()
    template_id = ma.fields.UUID(metadata={"description": "The template that builds on the parent."})
    parent_template_id = ma.fields.UUID()
    wiring = ma.fields.List(ma.fields.Nested(WireSchema))
    required = ma.fields.Boolean()
    created_by = ma.fields.String()
    created_at = ma.fields.DateTime()


class DependencyQueryArgsSchema(InputSchema):
    direction = ma.fields.String(load_default="parents", validate=ma.validate.OneOf(["parents", "children"]),
                                 metadata={"description": "parents: what this template builds on; children: the "
                                                          "templates that build on it."})


class VariableRuleSchema(InputSchema):
    allowed_values = ma.fields.List(ma.fields.Raw(), validate=ma.validate.Length(1, 500))
    pattern = ma.fields.String(validate=ma.validate.Length(1, 500), metadata={"description": "RE2, whole value."})
    min = ma.fields.Float()
    max = ma.fields.Float()
    min_length = ma.fields.Integer(validate=ma.validate.Range(min=0))
    max_length = ma.fields.Integer(validate=ma.validate.Range(min=0))
    frozen = ma.fields.Boolean(metadata={"description": "Set when a resource is created, never changed after."})
    default = ma.fields.Raw(metadata={"description": "Used when a new resource gives no value."})
    description = ma.fields.String(validate=ma.validate.Length(max=2000))
    unique = ma.fields.Boolean(metadata={"description": "No two live resources of the template share the value."})
