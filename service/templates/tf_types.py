"""Terraform/OpenTofu type constraints: parse them, check JSON values against them, print them back.

A spec is plain JSON (`{"kind": "list", "element": {"kind": "string"}}`) so it can be stored with a template
version and served to clients as is. The parser is a small recursive descent over a tokenizer; type
expressions are never evaluated.
"""

import json
import math
import re
from typing import Any

SCALARS = ("string", "number", "bool", "any")
COLLECTIONS = ("list", "set", "map")
# Far deeper than any real module; it stops a hostile expression before Python's own recursion limit does.
MAX_DEPTH = 64

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
    |(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    |(?P<ident>[A-Za-z_][A-Za-z0-9_-]*)
    |(?P<string>"(?:[^"\\\n]|\\.)*")
    |(?P<punct>[(){}\[\],=:])
    """,
    re.VERBOSE,
)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


class TypeExpressionError(ValueError):
    """A type expression that is not valid Terraform syntax or names an unknown type."""


def parse_type(text: str | None) -> dict:
    """Spec for a `type = ...` expression as python-hcl2 gives it (`${...}` optional); None means `any`."""
    if text is None:
        return {"kind": "any"}
    if not isinstance(text, str):
        raise TypeExpressionError("a type must be written as an expression such as list(string)")
    text = text.strip()
    if text.startswith("${") and text.endswith("}"):
        text = text[2:-1].strip()
    if not text:
        raise TypeExpressionError("empty type expression")
    parser = _Parser(text)
    spec = parser.type(depth=0)
    parser.expect_end()
    return spec


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokenize(text)
        self.index = 0

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.index]

    def next(self) -> tuple[str, str, int]:
        token = self.tokens[self.index]
        if token[0] != "end":
            self.index += 1
        return token

    def accept(self, value: str) -> bool:
        if self.peek()[0] == "punct" and self.peek()[1] == value:
            self.index += 1
            return True
        return False

    def expect(self, value: str) -> None:
        if not self.accept(value):
            raise self.error(f"expected '{value}'")

    def expect_end(self) -> None:
        if self.peek()[0] != "end":
            raise self.error("unexpected text after the type")

    def expect_assign(self, what: str) -> None:
        if not (self.accept("=") or self.accept(":")):  # HCL objects take either
            raise self.error(f"expected '=' after {what}")

    def items(self, close: str, parse_item) -> list:
        """Comma-separated items up to `close`, a trailing comma allowed."""
        items = []
        while not self.accept(close):
            items.append(parse_item())
            if not self.accept(","):
                self.expect(close)
                break
        return items

    def key(self, what: str) -> str:
        kind, value, position = self.peek()
        if kind not in ("ident", "string"):
            raise self.error(f"expected {what}")
        self.next()
        return _decode_string(value, position) if kind == "string" else value

    def error(self, message: str) -> TypeExpressionError:
        kind, value, position = self.peek()
        found = "end of expression" if kind == "end" else repr(value)
        return TypeExpressionError(f"{message}, found {found} at position {position}")

    def type(self, depth: int) -> dict:
        if depth > MAX_DEPTH:
            raise TypeExpressionError(f"type expression nested deeper than {MAX_DEPTH} levels")
        kind, name, position = self.peek()
        if kind != "ident":
            raise self.error("expected a type name")
        self.next()
        if name in SCALARS:
            return {"kind": name}
        if name == "optional":
            raise TypeExpressionError(f"optional(...) is only allowed for an object attribute (position {position})")
        if name not in (*COLLECTIONS, "tuple", "object"):
            raise TypeExpressionError(f"unknown type '{name}' at position {position}")
        if not self.accept("("):
            raise self.error(f"{name} needs its argument in parentheses, as in {name}(...)")
        if name in COLLECTIONS:
            spec = {"kind": name, "element": self.type(depth + 1)}
        elif name == "tuple":
            self.expect("[")
            spec = {"kind": "tuple", "elements": self.items("]", lambda: self.type(depth + 1))}
        else:
            spec = {"kind": "object", "attributes": self.object_attributes(depth + 1)}
        self.accept(",")  # HCL allows a trailing comma after the last argument
        self.expect(")")
        return spec

    def object_attributes(self, depth: int) -> dict:
        self.expect("{")
        attributes: dict[str, dict] = {}
        while not self.accept("}"):
            position = self.peek()[2]
            name = self.key("an attribute name")
            if name in attributes:
                raise TypeExpressionError(f"attribute '{name}' is declared twice (position {position})")
            self.expect_assign(f"attribute '{name}'")
            attributes[name] = self.attribute(name, depth)
            self.accept(",")  # commas are optional: attributes may be separated by newlines only
        return attributes

    def attribute(self, name: str, depth: int) -> dict:
        kind, value, _ = self.peek()
        if not (kind == "ident" and value == "optional"):
            return {"type": self.type(depth), "optional": False}
        self.next()
        self.expect("(")
        attribute = {"type": self.type(depth), "optional": True}
        if self.accept(")"):
            return attribute
        self.expect(",")
        if self.accept(")"):
            return attribute  # only a trailing comma, no default
        attribute["default"] = self.literal(depth)
        problems = check_value(attribute["type"], attribute["default"])
        if problems:
            raise TypeExpressionError(f"default of optional attribute '{name}' does not match its type: {problems[0]}")
        self.accept(",")
        self.expect(")")
        return attribute

    def literal(self, depth: int) -> Any:
        """A constant value, as allowed for an optional attribute's default."""
        if depth > MAX_DEPTH:
            raise TypeExpressionError(f"default value nested deeper than {MAX_DEPTH} levels")
        kind, value, position = self.peek()
        # A string token's value keeps its quotes, so only real punctuation and keywords match here.
        if kind not in ("string", "number") and value not in ("true", "false", "null", "[", "{"):
            raise self.error("expected a constant value (string, number, bool, null, list or object)")
        self.next()
        if kind == "string":
            return _decode_string(value, position)
        if kind == "number":
            return float(value) if any(c in value for c in ".eE") else int(value)
        if value == "[":
            return self.items("]", lambda: self.literal(depth + 1))
        if value == "{":
            result = {}
            while not self.accept("}"):
                key = self.key("a key")
                self.expect_assign(f"key '{key}'")
                result[key] = self.literal(depth + 1)
                self.accept(",")
            return result
        return {"true": True, "false": False, "null": None}[value]


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    tokens = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise TypeExpressionError(f"unexpected character {text[position]!r} at position {position}")
        if match.lastgroup != "ws":
            tokens.append((match.lastgroup, match.group(), position))
        position = match.end()
    tokens.append(("end", "", position))
    return tokens


def _decode_string(token: str, position: int) -> str:
    # HCL's escapes (\n \t \" \\ \uXXXX) are JSON's, so the JSON decoder does the unescaping.
    try:
        return json.loads(token)
    except json.JSONDecodeError:
        raise TypeExpressionError(f"invalid string literal at position {position}") from None


def check_value(spec: dict, value: Any, path: str = "") -> list[str]:
    """Every way `value` (decoded JSON) fails `spec`, each prefixed with where in the value it happens."""
    if value is None:
        return []  # null is allowed at any level; whether the variable itself may be null is the caller's rule
    kind = spec["kind"]
    if kind == "any":
        return []
    if kind == "string":
        return [] if isinstance(value, str) else [_mismatch(path, "a string", value)]
    if kind == "bool":
        return [] if isinstance(value, bool) else [_mismatch(path, "a bool", value)]
    if kind == "number":
        # bool is an int subclass in Python, but true is not a number in Terraform or JSON.
        if isinstance(value, bool) or not isinstance(value, int | float):
            return [_mismatch(path, "a number", value)]
        return [] if math.isfinite(value) else [_at(path, "expected a finite number")]
    if kind in ("list", "set", "tuple"):
        return _check_sequence(spec, value, path)
    if kind == "map":
        if not isinstance(value, dict):
            return [_mismatch(path, "a map", value)]
        return [e for key, item in value.items() for e in _check_entry(spec["element"], key, item, path)]
    if kind == "object":
        return _check_object(spec["attributes"], value, path)
    raise TypeExpressionError(f"unknown type kind {kind!r}")


def _check_sequence(spec: dict, value: Any, path: str) -> list[str]:
    kind = spec["kind"]
    if not isinstance(value, list):
        return [_mismatch(path, f"a {kind}", value)]
    if kind == "tuple":
        elements = spec["elements"]
        if len(value) != len(elements):
            return [_at(path, f"expected a tuple of {len(elements)} elements, got {len(value)}")]
    else:
        elements = [spec["element"]] * len(value)
    errors = []
    for i, (item_spec, item) in enumerate(zip(elements, value, strict=True)):
        errors.extend(check_value(item_spec, item, f"{path}[{i}]"))
    if kind == "set":
        seen = set()
        for i, item in enumerate(value):
            key = _hashable(item)
            if key in seen:
                errors.append(_at(f"{path}[{i}]", "duplicate element in a set"))
            seen.add(key)
    return errors


def _check_entry(element: dict, key: Any, item: Any, path: str) -> list[str]:
    if not isinstance(key, str):
        return [_at(path, f"map keys must be strings, got {key!r}")]
    return check_value(element, item, _child(path, key))


def _check_object(attributes: dict, value: Any, path: str) -> list[str]:
    if not isinstance(value, dict):
        return [_mismatch(path, "an object", value)]
    errors = [
        _at(path, f"missing required attribute '{name}'")
        for name, attribute in attributes.items()
        if not attribute["optional"] and name not in value
    ]
    for key, item in value.items():
        if key not in attributes:
            errors.append(_at(path, f"unknown attribute '{key}'"))
        else:
            errors.extend(check_value(attributes[key]["type"], item, _child(path, key)))
    return errors


def _hashable(value: Any) -> Any:
    # Tagged so that true and 1 stay distinct (Python treats them as equal) while 1 and 1.0 are one number.
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, list):
        return ("list", tuple(_hashable(v) for v in value))
    if isinstance(value, dict):
        return ("object", tuple(sorted((k, _hashable(v)) for k, v in value.items())))
    if isinstance(value, int | float):
        return ("number", value)
    return ("string", value)


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", list: "array", dict: "object"}.get(type(value), type(value).__name__)


def _mismatch(path: str, expected: str, value: Any) -> str:
    return _at(path, f"expected {expected}, got {_json_type(value)}")


def _at(path: str, message: str) -> str:
    return f"{path}: {message}" if path else message


def _child(path: str, key: str) -> str:
    if _IDENTIFIER.fullmatch(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key)}]"


def type_label(spec: dict) -> str:
    """Terraform syntax for a spec, e.g. `object({name=string, size=optional(number)})`."""
    kind = spec["kind"]
    if kind in SCALARS:
        return kind
    if kind in COLLECTIONS:
        return f"{kind}({type_label(spec['element'])})"
    if kind == "tuple":
        return f"tuple([{', '.join(type_label(e) for e in spec['elements'])}])"
    if kind == "object":
        return "object({" + ", ".join(_attribute_label(n, a) for n, a in spec["attributes"].items()) + "})"
    raise TypeExpressionError(f"unknown type kind {kind!r}")


def _attribute_label(name: str, attribute: dict) -> str:
    label = type_label(attribute["type"])
    if attribute["optional"]:
        default = f", {_literal(attribute['default'])}" if "default" in attribute else ""
        label = f"optional({label}{default})"
    return f"{_key(name)}={label}"


def _literal(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)}={_literal(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)  # null, true/false, numbers and quoted strings read the same in HCL


def _key(name: str) -> str:
    return name if _IDENTIFIER.fullmatch(name) else json.dumps(name)
