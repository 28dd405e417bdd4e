"""Check a resource's variable values against the module's declared variables; keep the secret ones apart."""

from service.errors import ValidationFailed
from service.resources import variable_rules
from service.templates.tf_types import check_value

MASK = "(sensitive)"


def validate(declared: list[dict], values: dict, wired: set[str] = frozenset(),
             rules: dict | None = None) -> tuple[dict, dict]:
    """(plain values, sensitive values); raises ValidationFailed with one message list per variable. `wired`
    variables are set from a parent's outputs at run time, so they need no value here. `rules` are the platform's
    per variable (variable_rules), over what the module's own validations say; a rule's default fills a value not
    given."""
    by_name = {v["name"]: v for v in declared}
    values = dict(values)
    errors: dict[str, list[str]] = {}
    for name in sorted(set(values) - set(by_name)):
        errors[name] = [f"unknown variable; the module declares: {', '.join(sorted(by_name)) or 'none'}"]
    for name, spec in by_name.items():
        rule = variable_rules.effective(spec, (rules or {}).get(name))
        if name not in values and name not in wired and rule.get("default") is not None:
            values[name] = rule["default"]
        if name not in values:
            if spec["required"] and name not in wired:
                errors[name] = ["required: the module gives it no default"]
            continue
        value = values[name]
        if value is None:
            if not spec.get("nullable", True):
                errors[name] = ["must not be null"]
            continue
        problems = check_value(spec["type_spec"], value) or variable_rules.value_problems(rule, value)
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
