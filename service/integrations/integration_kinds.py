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
RESERVED = re.compile(r"^(PATH|HOME|TMPDIR|LANG|LC_.*|TF_.*|CHECKPOINT_DISABLE)$")
# These change what a program loads or runs before it reads its own code (the dynamic loader, interpreters,
# shells): an integration holding one could run code of its choosing inside every process of a run.
LOADING = re.compile(r"^(LD_.*|DYLD_.*|GCONV_PATH|PYTHON.*|PERL5.*|PERLLIB|RUBYOPT|RUBYLIB|NODE_OPTIONS|NODE_PATH|"
                     r"BASH_ENV|ENV|SHELLOPTS|BASHOPTS|IFS|PS4|PROMPT_COMMAND|GIT_.*|SSL_CERT_.*|CURL_CA_BUNDLE|"
                     r"REQUESTS_CA_BUNDLE|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|GODEBUG|GOFLAGS)$")


def check_values(kind: str, values: dict) -> None:
    """Raise ValidationFailed unless `values` fits `kind` (all strings, required names present, none reserved)."""
    required, optional = KINDS[kind]
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        if not NAME.match(name):
            errors[name] = ["not an environment variable name (letters, digits and _, not starting with a digit)"]
        elif RESERVED.match(name):
            errors[name] = [f"{name} is set by the platform for every run: an integration may not set it"]
        elif LOADING.match(name.upper()):
            errors[name] = [f"{name} changes how programs load or run: an integration may not set it"]
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
