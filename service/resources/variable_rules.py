"""Rules on a variable's values: set by the platform team per version, or read from the module's own validation
blocks. Pure: checks a rule's definition and a value against a rule, with the message a person reads.

Patterns are RE2 (the engine's own `regex()` syntax) and run in linear time, so no pattern hangs the API.
"""

import re2

from service.templates.tf_types import check_value

# What PUT .../variables/{name} takes. `frozen`, `default`, `description` and `unique` are kept by the services.
RULE_KEYS = ("allowed_values", "pattern", "min", "max", "min_length", "max_length", "frozen", "default",
             "description", "unique")
MAX_PATTERN = 500
SCALAR_TYPES = ("string", "number", "bool")


def _number(value):
    """1.0 shown as 1 (bounds arrive as floats from JSON schemas)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _between(low, high, unit: str = "") -> str:
    low, high = _number(low), _number(high)
    if low is not None and high is not None:
        return f"must be between {low} and {high}{unit}"
    return f"must be at least {low}{unit}" if low is not None else f"must be at most {high}{unit}"


def pattern_error(pattern: str) -> str | None:
    if len(pattern) > MAX_PATTERN:
        return f"at most {MAX_PATTERN} characters"
    try:
        re2.compile(pattern)
    except re2.error as error:
        reason = error.args[0] if error.args else "invalid"
        return f"not an RE2 pattern: {reason.decode() if isinstance(reason, bytes) else reason}"
    return None


def name_problems(convention: dict | None, name: str) -> list[str]:
    """What is wrong with a resource name under a template's naming convention {pattern, message}."""
    if not convention or re2.fullmatch(convention["pattern"], name):
        return []
    return [convention.get("message") or f"must match {convention['pattern']}"]


def value_problems(rule: dict, value) -> list[str]:
    """What is wrong with `value` under `rule` (empty when nothing is)."""
    problems = []
    allowed = rule.get("allowed_values")
    if allowed is not None and value not in allowed:
        problems.append(f"one of {', '.join(map(str, allowed))}")
    if rule.get("pattern") and isinstance(value, str) and not re2.fullmatch(rule["pattern"], value):
        problems.append(f"must match {rule['pattern']}")
    low, high = rule.get("min"), rule.get("max")
    if (low is not None or high is not None) and isinstance(value, (int, float)) and not isinstance(value, bool) \
            and ((low is not None and value < low) or (high is not None and value > high)):
        problems.append(_between(low, high))
    low, high = rule.get("min_length"), rule.get("max_length")
    if (low is not None or high is not None) and isinstance(value, (str, list, dict)) \
            and ((low is not None and len(value) < low) or (high is not None and len(value) > high)):
        problems.append(_between(low, high, " characters long" if isinstance(value, str) else " items long"))
    return problems


def rule_errors(rule: dict, spec: dict) -> dict[str, list[str]]:
    """Per field, what is wrong with a rule for the variable `spec` (as the module declares it)."""
    errors: dict[str, list[str]] = {}
    if rule.get("pattern") is not None and (problem := pattern_error(rule["pattern"])):
        errors["pattern"] = [problem]
    for low, high in (("min", "max"), ("min_length", "max_length")):
        if rule.get(low) is not None and rule.get(high) is not None and rule[low] > rule[high]:
            errors[low] = [f"larger than {high}"]
    if rule.get("unique") and (spec.get("sensitive") or spec.get("type") not in SCALAR_TYPES):
        errors["unique"] = ["only for variables of type string, number or bool that are not sensitive"]
    if rule.get("default") is not None and "pattern" not in errors:
        problems = check_value(spec["type_spec"], rule["default"]) or value_problems(rule, rule["default"])
        if problems:
            errors["default"] = problems
    return errors


def effective(spec: dict, platform_rule: dict | None) -> dict:
    """The rule a value is checked against: what the module says (its validations), overridden by the platform's."""
    module_rule = dict(spec.get("rules") or {})
    if spec.get("allowed_values") is not None:
        module_rule["allowed_values"] = spec["allowed_values"]
    return {**module_rule, **{k: v for k, v in (platform_rule or {}).items() if v is not None}}
