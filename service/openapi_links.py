"""OpenAPI links: which operations a response's ids lead to (clients, and schemathesis' stateful phase, follow
them with real ids).

flask-smorest 0.47's `response()` has no `links` argument, so `links()` builds the `responses` part of a
`@blp.doc(...)`, which flask-smorest merges into the response documented by `@blp.response(status, ...)`.
"""

API_PREFIX = "/api/v1"


def operation_ref(method: str, path: str) -> str:
    """`#/paths/<path as a JSON pointer token>/<method>` for a path under /api/v1, as written in openapi.yaml."""
    token = (API_PREFIX + path).replace("~", "~0").replace("/", "~1").replace("{", "%7B").replace("}", "%7D")
    return f"#/paths/{token}/{method}"


def link(method: str, path: str, description: str, body: dict | None = None, **path_parameters: str) -> dict:
    """A link to `method path`: each path parameter from a runtime expression, e.g. `$response.body#/id`;
    `body`, if given, the request body fields the link fills in."""
    definition = {"operationRef": operation_ref(method, path), "description": description}
    if path_parameters:
        definition["parameters"] = {f"path.{name}": value for name, value in path_parameters.items()}
    if body is not None:
        definition["requestBody"] = body
    return definition


def links(status: int, **named_links: dict) -> dict:
    """`responses=` for `@blp.doc`: these links on the `status` response."""
    return {status: {"links": named_links}}
