"""Schema pieces shared by every domain: the sort parameter of list endpoints."""

import marshmallow as ma


def sort_field(default: str, allowed: list[str]) -> ma.fields.String:
    choices = allowed + [f"-{a}" for a in allowed]
    return ma.fields.String(
        load_default=default,
        validate=ma.validate.OneOf(choices),
        metadata={"description": f"Sort key, '-' for descending. One of: {', '.join(allowed)}."},
    )
