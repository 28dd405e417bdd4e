"""What each kind of integration provides: the environment variables the engine's providers read."""

import re

from service.errors import ValidationFailed

KINDS = {
    # kind: (required names, optional names); "env" takes any names not reserved below.
    "aws": ({"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}, {"AWS_SESSION_TOKEN", "AWS_REGION"}),
    "azure": ({"ARM_CLIENT_ID", "ARM_CLIENT_SECRET", "ARM_TENANT_ID", "ARM_SUBSCRIPTION_ID"}, set()),
    "gcp": ({"GOOGLE_CREDENTIALS"}, {"GOOGLE_PROJECT", "GOOGLE_REGION"}),
    "env": (set(), None),
}
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
# The platform sets these for every run; an integration must not redirect state, config or binaries.
RESERVED = re.compile(r"^(PATH|HOME|TMPDIR|LANG|TF_.*|CHECKPOINT_DISABLE)$")


def check_values(kind: str, values: dict) -> None:
    """Raise ValidationFailed unless `values` fits `kind` (all strings, required names present, none reserved)."""
    required, optional = KINDS[kind]
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        if not NAME.match(name) or RESERVED.match(name):
            errors[name] = ["not an allowed environment variable name"]
        elif optional is not None and name not in required | optional:
            errors[name] = [f"not used by {kind} integrations ({', '.join(sorted(required | optional))})"]
        elif not isinstance(value, str) or not value:
            errors[name] = ["must be a non-empty string"]
    for name in sorted(required - set(values)):
        errors[name] = ["required"]
    if not values and kind == "env":
        errors["values"] = ["at least one variable"]
    if errors:
        raise ValidationFailed("invalid integration values", errors={"values": errors})
