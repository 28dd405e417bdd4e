from flask import current_app

from service.auth.auth_guard import current_principal
from service.catalog import catalog_service
from service.catalog.catalog_schema import CatalogPageSchema, CatalogQueryArgsSchema, CatalogResetErrorSchema
from service.schemas import Blueprint

blp = Blueprint("catalog", __name__, url_prefix="/api/v1/catalog",
                description="Resources as Backstage catalog entities, for the catalog backend module.")


@blp.route("/entities")
@blp.arguments(CatalogQueryArgsSchema, location="query")
@blp.response(200, CatalogPageSchema)
@blp.alt_response(409, schema=CatalogResetErrorSchema, description="The events after `after` were pruned.")
def list_entities(args):
    """The resources the caller sees as entities: in full (paged by a cursor), or the changes after an event id"""
    public_url = current_app.config["PUBLIC_URL"]
    if "after" in args:
        return catalog_service.read_changes(current_principal(), args["after"], args["wait"], public_url,
                                            current_app.extensions["event_hub"])
    return catalog_service.read_page(current_principal(), args.get("cursor"), args["limit"], public_url)


def register(app, api, sock) -> None:
    """Add this domain's routes to the app (called by the app factory for every domain)."""
    api.register_blueprint(blp)
