"""Query parameters an endpoint does not declare answer 422, as unknown body fields do: a misspelt filter must
not quietly return everything (`GET /runs/?resourceid=...` listed every run)."""

import re

from flask import Flask, request
from flask_smorest import Api

from service.errors import ValidationFailed

_RULE_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def install(app: Flask, api: Api) -> None:
    """After authentication: a caller without a token learns nothing from which parameters exist."""
    declared: dict[tuple[str, str], frozenset[str]] = {}

    @app.before_request
    def _refuse_undeclared_query_parameters():
        if not request.args or request.url_rule is None:
            return
        if not declared:
            declared.update(_declared_query_parameters(api))
        method = "GET" if request.method == "HEAD" else request.method
        names = declared.get((_RULE_VARIABLE.sub(r"{\1}", request.url_rule.rule), method))
        if names is None:
            return  # not part of the documented API: the engine's state protocol, the docs pages
        unknown = sorted(set(request.args) - names)
        if unknown:
            raise ValidationFailed(f"unknown query parameter{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}",
                                   errors={"query": {name: ["Unknown field."] for name in unknown}})


def _declared_query_parameters(api: Api) -> dict[tuple[str, str], frozenset[str]]:
    """(path, method) -> the query parameters the OpenAPI document declares for it. Public operations (health,
    login) are left out: a probe or a provider adding a parameter of its own must not fail them."""
    declared = {}
    for path, item in api.spec.to_dict()["paths"].items():
        shared = [p["name"] for p in item.get("parameters", []) if p.get("in") == "query"]
        for method, operation in item.items():
            if method != "parameters" and operation.get("security") != []:
                own = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
                declared[(path, method.upper())] = frozenset(shared + own)
    return declared
