"""Schema pieces shared by every domain: the sort parameter of list endpoints."""

from collections.abc import Mapping

import marshmallow as ma


def sort_field(default: str, allowed: list[str]) -> ma.fields.String:
    choices = allowed + [f"-{a}" for a in allowed]
    return ma.fields.String(
        load_default=default,
        validate=ma.validate.OneOf(choices),
        metadata={"description": f"Sort key, '-' for descending. One of: {', '.join(allowed)}."},
    )


def _unstorable(value, path: str) -> str | None:
    """The path of the first string PostgreSQL cannot store (a NUL, or a lone UTF-16 surrogate), if any."""
    if isinstance(value, str):
        if "\x00" in value:
            return path
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path
    elif isinstance(value, Mapping):
        for key, item in value.items():
            found = _unstorable(key, path) or _unstorable(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _unstorable(item, f"{path}[{index}]")
            if found:
                return found
    return None


class InputSchema(ma.Schema):
    """Base of every schema that loads input: text must be storable, so bad bytes are a 422, never a 500."""

    @ma.pre_load
    def _reject_unstorable_text(self, data, **_kwargs):
        found = _unstorable(data, "") if isinstance(data, Mapping) else None
        if found is not None:
            raise ma.ValidationError("text must be valid UTF-8 without NUL characters", field_name=found or "_schema")
        return data
