"""Swagger UI (/api/v1/docs) and ReDoc (/api/v1/redoc) load their scripts from this installation, never from a
CDN: the pages work without internet, and the code on a page where people paste admin tokens is a pinned copy.

- Swagger UI: the `dist/` folder of the pinned PyPI package flask-swagger-ui (byte-identical to npm's
  swagger-ui-dist of the same version; only its files are used, not its blueprint).
- ReDoc: `bundles/redoc.standalone.js` of npm's redoc, vendored in service/static/redoc (see its README.md).

Both are served under ASSETS_PREFIX with the version in the path (so they can be cached for good), which the
auth guard lets through without a token. The two pages get a Content-Security-Policy that keeps them on this
origin: nothing is loaded from, or sent to, anywhere else.
"""

from importlib import resources
from pathlib import Path

from flask import Blueprint, Flask, request, send_from_directory

ASSETS_PREFIX = "/api/v1/docs-assets/"

SWAGGER_UI_DIR = Path(str(resources.files("flask_swagger_ui") / "dist"))
SWAGGER_UI_VERSION = (SWAGGER_UI_DIR / "VERSION").read_text().strip().lstrip("v")
REDOC_DIR = Path(__file__).parent / "static" / "redoc"
REDOC_VERSION = (REDOC_DIR / "VERSION").read_text().strip()

# flask-smorest appends swagger-ui.css, swagger-ui-bundle.js and swagger-ui-standalone-preset.js to the first.
SWAGGER_UI_URL = f"{ASSETS_PREFIX}swagger-ui-{SWAGGER_UI_VERSION}/"
REDOC_URL = f"{ASSETS_PREFIX}redoc-{REDOC_VERSION}/redoc.standalone.js"

ONE_YEAR = 365 * 24 * 3600
_COMMON = ("default-src 'none'; connect-src 'self'; img-src 'self' data:; font-src 'self' data:; "
           "style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'")
CSP = {
    # flask-smorest's Swagger UI page starts the UI from an inline script.
    "api-docs.openapi_swagger_ui": f"{_COMMON}; script-src 'self' 'unsafe-inline'",
    # ReDoc runs its search in a worker started from a blob.
    "api-docs.openapi_redoc": f"{_COMMON}; script-src 'self'; worker-src 'self' blob:",
}

blp = Blueprint("api_docs_assets", __name__, url_prefix=ASSETS_PREFIX.rstrip("/"))


@blp.get(f"/swagger-ui-{SWAGGER_UI_VERSION}/<path:filename>")
def swagger_ui(filename: str):
    return send_from_directory(SWAGGER_UI_DIR, filename, max_age=ONE_YEAR)


@blp.get(f"/redoc-{REDOC_VERSION}/<path:filename>")
def redoc(filename: str):
    return send_from_directory(REDOC_DIR, filename, max_age=ONE_YEAR)


def register(app: Flask, api, sock) -> None:
    """The pinned assets, and a Content-Security-Policy on the two pages (called by the app factory)."""
    app.register_blueprint(blp)

    @app.after_request
    def _docs_csp(response):
        policy = CSP.get(request.endpoint or "")
        if policy:
            response.headers.setdefault("Content-Security-Policy", policy)
        return response
