import uuid

from flask import current_app
from flask.views import MethodView

from service.auth.auth_guard import current_principal
from service.listing import respond_with_page
from service.openapi_links import link, links
from service.resources import resource_service
from service.resources.resource_schema import GoldenStateReportSchema, GoldenStateSchema
from service.schemas import Blueprint
from service.templates import template_dependencies, template_service
from service.templates.module_source import ModuleSource
from service.templates.template_model import Lifecycle
from service.templates.template_schema import (
    DependencyCreateSchema,
    DependencyQueryArgsSchema,
    DependencySchema,
    TemplatePatchSchema,
    TemplateQueryArgsSchema,
    TemplateSchema,
    TemplateVersionCreateSchema,
    TemplateVersionQueryArgsSchema,
    TemplateVersionSchema,
    VariableRuleSchema,
    VersionPatchSchema,
)

blp = Blueprint("templates", __name__, url_prefix="/api/v1/templates",
                description="Templates: OpenTofu modules published as versions.")
TEMPLATE_ID = "$response.body#/id"


@blp.route("/")
class TemplateViews(MethodView):
    @blp.arguments(TemplateQueryArgsSchema, location="query")
    @blp.response(200, TemplateSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List templates"""
        return respond_with_page(
            pagination_parameters, template_service.list_templates, current_principal(), args.get("name"),
            args.get("deprecated"), args["sort"],
        )

    @blp.arguments(TemplateSchema)
    @blp.response(201, TemplateSchema)
    @blp.doc(responses=links(
        201,
        GetTemplate=link("get", "/templates/{template_id}", "The new template.", template_id=TEMPLATE_ID),
        DeprecateTemplate=link("patch", "/templates/{template_id}", "Deprecate it, or restore it.",
                               template_id=TEMPLATE_ID),
        ListTemplateVersions=link("get", "/templates/{template_id}/versions", "Its versions (none yet).",
                                  template_id=TEMPLATE_ID),
        RegisterTemplateVersion=link("post", "/templates/{template_id}/versions", "Register its first version.",
                                     template_id=TEMPLATE_ID),
    ))
    @blp.alt_response(409, "CONFLICT")
    def post(self, data):
        """Create a template"""
        return template_service.create_template(current_principal(), **data)


@blp.route("/<uuid:template_id>")
class TemplateByIdViews(MethodView):
    @blp.response(200, TemplateSchema)
    @blp.doc(responses=links(
        200,
        ListTemplateVersions=link("get", "/templates/{template_id}/versions", "Its versions.",
                                  template_id=TEMPLATE_ID),
        CreateResource=link("post", "/resources/", "A resource from the template's newest version.",
                            body={"template_id": TEMPLATE_ID}),
    ))
    @blp.alt_response(404, "NOT_FOUND")
    def get(self, template_id: uuid.UUID):
        """Get a template"""
        return template_service.get_template(current_principal(), template_id)

    @blp.arguments(TemplatePatchSchema)
    @blp.response(200, TemplateSchema)
    @blp.alt_response(403, "FORBIDDEN")
    @blp.alt_response(404, "NOT_FOUND")
    def patch(self, data, template_id: uuid.UUID):
        """Deprecate a template (or restore it), or set its naming convention, approver group or catalog type"""
        actor = current_principal()
        if "naming_convention" in data:
            template_service.set_naming_convention(actor, template_id, data["naming_convention"])
        if "approver_group" in data:
            template_service.set_approver_group(actor, template_id, data["approver_group"])
        if "catalog_type" in data:
            template_service.set_catalog_type(actor, template_id, data["catalog_type"])
        if "deprecated" in data:
            template_service.set_template_deprecated(actor, template_id, data["deprecated"])
        return template_service.get_template(actor, template_id)


@blp.route("/<uuid:template_id>/versions")
class TemplateVersionViews(MethodView):
    @blp.arguments(TemplateVersionQueryArgsSchema, location="query")
    @blp.response(200, TemplateVersionSchema(many=True))
    @blp.alt_response(404, "NOT_FOUND")
    @blp.paginate()
    def get(self, args, template_id: uuid.UUID, pagination_parameters):
        """List a template's versions"""
        return respond_with_page(
            pagination_parameters, template_service.list_versions, current_principal(), template_id,
            args.get("deprecated"), args.get("lifecycle"), args["sort"],
        )

    @blp.arguments(TemplateVersionCreateSchema)
    @blp.response(201, TemplateVersionSchema)
    @blp.doc(responses=links(
        201,
        GetTemplateVersion=link("get", "/templates/{template_id}/versions/{version_id}", "The new version.",
                                template_id="$response.body#/template_id", version_id="$response.body#/id"),
        DeprecateTemplateVersion=link("patch", "/templates/{template_id}/versions/{version_id}",
                                      "Deprecate it, or restore it.", template_id="$response.body#/template_id",
                                      version_id="$response.body#/id"),
        CreateResource=link("post", "/resources/", "A resource from this version.",
                            body={"template_id": "$response.body#/template_id",
                                  "template_version_id": "$response.body#/id"}),
    ))
    @blp.alt_response(404, "NOT_FOUND")
    @blp.alt_response(409, "CONFLICT")
    def post(self, data, template_id: uuid.UUID):
        """Register a version from a module source (reads its variables and outputs)"""
        return template_service.create_version(
            current_principal(), template_id, data["version"], ModuleSource(**data["source"]),
            current_app.config["MODULE_SOURCE_LIMITS"],
        )


@blp.route("/<uuid:template_id>/versions/<uuid:version_id>")
class TemplateVersionByIdViews(MethodView):
    @blp.response(200, TemplateVersionSchema)
    @blp.alt_response(404, "NOT_FOUND")
    def get(self, template_id: uuid.UUID, version_id: uuid.UUID):
        """Get a template version"""
        return template_service.get_version_of_template(current_principal(), template_id, version_id)

    @blp.arguments(VersionPatchSchema)
    @blp.response(200, TemplateVersionSchema)
    @blp.alt_response(403, "FORBIDDEN")
    @blp.alt_response(404, "NOT_FOUND")
    def patch(self, data, template_id: uuid.UUID, version_id: uuid.UUID):
        """Move a version through its lifecycle (`deprecated` still works: true is deprecated, false active)"""
        lifecycle = data.get("lifecycle") or (Lifecycle.DEPRECATED if data["deprecated"] else Lifecycle.ACTIVE)
        return template_service.set_version_lifecycle(current_principal(), template_id, version_id, lifecycle)


@blp.route("/<uuid:template_id>/versions/<uuid:version_id>/variables/<string:name>", methods=["PUT"])
@blp.arguments(VariableRuleSchema)
@blp.response(200, TemplateVersionSchema)
@blp.alt_response(403, "FORBIDDEN")
@blp.alt_response(404, "NOT_FOUND")
def put_variable_rule(data, template_id: uuid.UUID, version_id: uuid.UUID, name: str):
    """Set the platform's rule on a variable of a version (an empty body removes it); enforced on create and on
    change"""
    return template_service.set_variable_rule(current_principal(), template_id, version_id, name, data)


@blp.route("/<uuid:template_id>/dependencies")
class TemplateDependencyViews(MethodView):
    @blp.arguments(DependencyQueryArgsSchema, location="query")
    @blp.response(200, DependencySchema(many=True))
    @blp.alt_response(404, "NOT_FOUND")
    def get(self, args, template_id: uuid.UUID):
        """List what a template builds on (or, with direction=children, the templates that build on it)"""
        return template_dependencies.list_dependencies(current_principal(), template_id,
                                                       children=args["direction"] == "children")

    @blp.arguments(DependencyCreateSchema)
    @blp.response(201, DependencySchema)
    @blp.alt_response(403, "FORBIDDEN")
    @blp.alt_response(404, "NOT_FOUND")
    @blp.alt_response(409, "CONFLICT")
    def post(self, data, template_id: uuid.UUID):
        """Declare that a template builds on another, and wire the parent's outputs into its variables (platform)"""
        return template_dependencies.declare(current_principal(), template_id, data["parent_template_id"],
                                             data["wiring"], data["required"])


@blp.route("/<uuid:template_id>/dependencies/<uuid:dependency_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(403, "FORBIDDEN")
@blp.alt_response(404, "NOT_FOUND")
def delete_dependency(template_id: uuid.UUID, dependency_id: uuid.UUID):
    """Remove a template dependency (platform; existing resources keep their parents)"""
    template_dependencies.remove(current_principal(), template_id, dependency_id)


@blp.route("/<uuid:template_id>/golden-state")
@blp.response(200, GoldenStateSchema)
@blp.alt_response(404, "NOT_FOUND")
def get_template_golden_state(template_id: uuid.UUID):
    """How many resources are on each version of a template, and the share on its newest active one"""
    return resource_service.golden_state(current_principal(), template_id)[0]


golden = Blueprint("golden-state", __name__, url_prefix="/api/v1/golden-state",
                   description="How far resources are from their templates' newest active versions.")


@golden.route("/")
@golden.response(200, GoldenStateReportSchema)
def get_golden_state():
    """Per template: resources on each version, and the share on the newest active one"""
    return {"templates": resource_service.golden_state(current_principal())}


def register(app, api, sock) -> None:
    """Add this domain's routes to the app (called by the app factory for every domain)."""
    api.register_blueprint(blp)
    api.register_blueprint(golden)
