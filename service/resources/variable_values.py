"""Check a resource's variable values against the module's declared variables; keep the secret ones apart."""

from service.errors import ValidationFailed
from service.templates.tf_types import check_value

MASK = "(sensitive)"


def validate(declared: list[dict], values: dict, wired: set[str] = frozenset()) -> tuple[dict, dict]:
    """(plain values, sensitive values); raises ValidationFailed with one message list per variable. `wired`
    variables are set from a parent's outputs at run time, so they need no value here."""
    by_name = {v["name"]: v for v in declared}
    errors: dict[str, list[str]] = {}
    for name in sorted(set(values) - set(by_name)):
        errors[name] = [f"unknown variable; the module declares: {', '.join(sorted(by_name)) or 'none'}"]
    for name, spec in by_name.items():
        if name not in values:
            if spec["required"] and name not in wired:
                errors[name] = ["required: the module gives it no default"]
            continue
        value = values[name]
        if value is None:
            if not spec.get("nullable", True):
                errors[name] = ["must not be null"]
            continue
        problems = check_value(spec["type_spec"], value)
        allowed = spec.get("allowed_values")
        if not problems and allowed is not None and value not in allowed:
            problems = [f"one of {', '.join(map(str, allowed))}"]
        if problems:
            errors[name] = problems
    if errors:
        raise ValidationFailed("invalid variables", errors={"variables": errors})
    secret = {v["name"] for v in declared if v.get("sensitive")}
    plain = {k: v for k, v in values.items() if k not in secret}
    return plain, {k: v for k, v in values.items() if k in secret}


def masked(plain: dict, secret_names) -> dict:
    """All variables for display: the sensitive ones replaced by a mask."""
    return {**plain, **{k: MASK for k in secret_names}}
