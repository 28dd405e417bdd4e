"""A module's interface (its variables and outputs), read from the `.tf` and `.tf.json` files of one directory.

Only the top-level directory counts: a module's subdirectories are other modules it may call.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2
from hcl2 import SerializationOptions

from service import json_input
from service.templates.tf_types import TypeExpressionError, check_value, parse_type, type_label

# explicit_blocks marks each block body with `__is_block__`, which tells `variable "a" "b" {}` (two labels)
# apart from an attribute holding an object. Heredocs and 2e3 come back as plain text and numbers without
# preserve_*=False; with them we would get "<<EOT ... EOT" and "${2e3}".
_HCL_OPTIONS = SerializationOptions(
    strip_string_quotes=True,
    with_comments=False,
    explicit_blocks=True,
    preserve_heredocs=False,
    preserve_scientific_notation=False,
)
_BLOCK = "__is_block__"
_MAX_REASON = 200


# `${contains(["a", "b"], var.name)}` as python-hcl2 renders a validation condition.
_CONTAINS = re.compile(r"^\$\{contains\((\[[^\]]*\]),\s*var\.([A-Za-z0-9_-]+)\)\}$")


# Other validations read into rules, each part of a condition joined by `&&`:
# `can(regex("^[a-z]+$", var.x))`, `length(var.x) >= 3`, `var.x <= 10`.
_REGEX = re.compile(r'^can\(regex\("((?:[^"\\]|\\.)*)",\s*var\.([A-Za-z0-9_-]+)\)\)$')
_LENGTH = re.compile(r"^length\(var\.([A-Za-z0-9_-]+)\)\s*(>=|>|<=|<|==)\s*(\d+)$")
_RANGE = re.compile(r"^var\.([A-Za-z0-9_-]+)\s*(>=|<=)\s*(-?\d+(?:\.\d+)?)$")


class ModuleParseError(ValueError):
    """The directory is not a module we can read the interface of."""


@dataclass
class ModuleVariable:
    name: str
    type: str
    type_spec: dict
    default: Any = None
    has_default: bool = False
    required: bool = True
    description: str | None = None
    sensitive: bool = False
    nullable: bool = True
    allowed_values: list | None = None  # from a `contains([...], var.x)` validation
    rules: dict | None = None  # pattern, min/max, min/max_length from other validations

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "type": self.type,
            "type_spec": self.type_spec,
            "default": self.default if self.has_default else None,
            "required": self.required,
            "description": self.description,
            "sensitive": self.sensitive,
            "nullable": self.nullable,
            "allowed_values": self.allowed_values,
            "rules": self.rules,
        }


@dataclass
class ModuleOutput:
    name: str
    description: str | None = None
    sensitive: bool = False

    def to_dict(self) -> dict:
        return {"name": self.name, "description": self.description, "sensitive": self.sensitive}


@dataclass
class ModuleInterface:
    variables: list[ModuleVariable] = field(default_factory=list)
    outputs: list[ModuleOutput] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"variables": [v.to_dict() for v in self.variables], "outputs": [o.to_dict() for o in self.outputs]}


def parse_module(directory: Path) -> ModuleInterface:
    """The variables and outputs declared in `directory`, sorted by name; raises ModuleParseError."""
    files = sorted(
        path
        for path in directory.glob("*")
        # A symlink may point outside the module; the archive drops links, so runs would never see it either.
        if path.name.endswith((".tf", ".tf.json")) and path.is_file() and not path.is_symlink()
    )
    if not files:
        raise ModuleParseError(f"no .tf files in {directory.name}")
    variables: dict[str, dict] = {}
    outputs: dict[str, dict] = {}
    # Override files are merged into the blocks they name after all other files, as Terraform does; without
    # this rule a module with an override.tf would look like it declares its variables twice.
    for path in sorted(files, key=_is_override):
        blocks = _read_json(path) if path.name.endswith(".tf.json") else _read_hcl(path)
        for kind, declared in (("variable", variables), ("output", outputs)):
            for name, body in blocks.get(kind, []):
                if _is_override(path):
                    if name not in declared:
                        raise ModuleParseError(f"{path.name} overrides {kind} '{name}', which is not declared")
                    declared[name] = {**declared[name], **body}
                elif name in declared:
                    raise ModuleParseError(f"{kind} '{name}' is declared twice ({path.name})")
                else:
                    declared[name] = body
    return ModuleInterface(
        variables=[_variable(name, variables[name]) for name in sorted(variables)],
        outputs=[_output(name, outputs[name]) for name in sorted(outputs)],
    )


def _is_override(path: Path) -> bool:
    stem = path.name.removesuffix(".json").removesuffix(".tf")
    return stem == "override" or stem.endswith("_override")


def _read_hcl(path: Path) -> dict[str, list[tuple[str, dict]]]:
    try:
        with path.open(encoding="utf-8") as handle:
            document = hcl2.load(handle, serialization_options=_HCL_OPTIONS)
    except Exception as error:  # lark raises many exception types; any of them means the file is not valid HCL
        raise ModuleParseError(f"{path.name}: {_reason(error)}") from None
    blocks: dict[str, list[tuple[str, dict]]] = {}
    for kind in ("variable", "output"):
        for entry in document.get(kind, []):
            labels = [key for key in entry if key != _BLOCK]
            body = entry[labels[0]] if len(labels) == 1 else None
            if _BLOCK in entry or not isinstance(body, dict) or not body.get(_BLOCK):
                raise ModuleParseError(f"{path.name}: a {kind} block needs exactly one label, its name")
            blocks.setdefault(kind, []).append((labels[0], {k: v for k, v in body.items() if k != _BLOCK}))
    return blocks


def _read_json(path: Path) -> dict[str, list[tuple[str, dict]]]:
    try:
        document = json_input.loads(path.read_text(encoding="utf-8"))
    except json_input.TooDeep as error:
        raise ModuleParseError(f"{path.name}: {error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModuleParseError(f"{path.name}: {_reason(error)}") from None
    if not isinstance(document, dict):
        raise ModuleParseError(f"{path.name}: the top level must be a JSON object")
    blocks: dict[str, list[tuple[str, dict]]] = {}
    for kind in ("variable", "output"):
        # Terraform's JSON syntax allows one object of blocks or a list of such objects.
        groups = document.get(kind, {})
        for group in groups if isinstance(groups, list) else [groups]:
            if not isinstance(group, dict):
                raise ModuleParseError(f"{path.name}: '{kind}' must map names to objects")
            for name, body in group.items():
                if name == "//":
                    continue  # Terraform's JSON comment property
                if not isinstance(body, dict):
                    raise ModuleParseError(f"{path.name}: {kind} '{name}' must be a JSON object")
                blocks.setdefault(kind, []).append((name, {k: v for k, v in body.items() if k != "//"}))
    return blocks


def _reason(error: Exception) -> str:
    # The first line of a lark error names the token and position; the rest is a long list of expected tokens.
    lines = str(error).strip().splitlines()
    reason = lines[0] if lines else type(error).__name__
    return reason if len(reason) <= _MAX_REASON else reason[:_MAX_REASON] + "..."


def _variable(name: str, body: dict) -> ModuleVariable:
    try:
        spec = parse_type(body.get("type"))
    except TypeExpressionError as error:
        raise ModuleParseError(f"variable '{name}': invalid type: {error}") from None
    has_default = "default" in body
    default = body.get("default")
    problems = check_value(spec, default)
    if problems:
        raise ModuleParseError(f"variable '{name}': default does not match type {type_label(spec)}: {problems[0]}")
    nullable = _flag(body, "nullable", True, f"variable '{name}'")
    if has_default and default is None and not nullable:
        # Terraform rejects this combination too: the default would be the one value the variable may not take.
        raise ModuleParseError(f"variable '{name}': a null default is not valid when nullable = false")
    return ModuleVariable(
        name=name,
        type=type_label(spec),
        type_spec=spec,
        default=default,
        has_default=has_default,
        required=not has_default,
        description=_text(body, "description", f"variable '{name}'"),
        sensitive=_flag(body, "sensitive", False, f"variable '{name}'"),
        nullable=nullable,
        allowed_values=_allowed_values(name, body),
        rules=_rules(name, body),
    )


def _conditions(body: dict) -> list[str]:
    validations = body.get("validation") or []
    if isinstance(validations, dict):  # one block (JSON syntax); a list holds several
        validations = [validations]
    conditions = [v.get("condition") for v in validations if isinstance(v, dict)] \
        if isinstance(validations, list) else []
    return [c for c in conditions if isinstance(c, str)]


def _rules(name: str, body: dict) -> dict | None:
    """What a person can be told before a run, read from conditions on `name` the platform can check itself:
    regex patterns, length bounds, numeric bounds. Anything else is left to the engine."""
    rules: dict = {}
    for condition in _conditions(body):
        inner = condition[2:-1] if condition.startswith("${") and condition.endswith("}") else condition
        for part in (p.strip() for p in inner.split("&&")):
            if (match := _REGEX.match(part)) and match.group(2) == name:
                try:
                    rules["pattern"] = json.loads(f'"{match.group(1)}"')
                except ValueError:
                    continue
            elif (match := _LENGTH.match(part)) and match.group(1) == name:
                bound, operator = int(match.group(3)), match.group(2)
                if operator in (">=", ">", "=="):
                    rules["min_length"] = bound + (operator == ">")
                if operator in ("<=", "<", "=="):
                    rules["max_length"] = bound - (operator == "<")
            elif (match := _RANGE.match(part)) and match.group(1) == name:
                rules["min" if match.group(2) == ">=" else "max"] = json.loads(match.group(3))
    return rules or None


def _allowed_values(name: str, body: dict) -> list | None:
    """The list of a `condition = contains([...], var.<name>)` validation, the common way to say "one of":
    forms can offer a choice and resources are checked on creation. Other conditions are left to the engine."""
    validations = body.get("validation") or []
    if isinstance(validations, dict):  # one block (JSON syntax); a list holds several
        validations = [validations]
    for validation in validations if isinstance(validations, list) else []:
        condition = validation.get("condition") if isinstance(validation, dict) else None
        match = _CONTAINS.match(condition) if isinstance(condition, str) else None
        if match is None or match.group(2) != name:
            continue
        try:
            values = json.loads(match.group(1))
        except ValueError:
            continue
        if isinstance(values, list) and values and all(isinstance(v, (str, int, float)) for v in values):
            return values
    return None


def _output(name: str, body: dict) -> ModuleOutput:
    return ModuleOutput(
        name=name,
        description=_text(body, "description", f"output '{name}'"),
        sensitive=_flag(body, "sensitive", False, f"output '{name}'"),
    )


def _flag(body: dict, key: str, default: bool, where: str) -> bool:
    value = body.get(key, default)
    if not isinstance(value, bool):
        raise ModuleParseError(f"{where}: {key} must be true or false")
    return value


def _text(body: dict, key: str, where: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise ModuleParseError(f"{where}: {key} must be a string")
    return value
