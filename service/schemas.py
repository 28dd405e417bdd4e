"""What every domain's routes share: the Blueprint whose parser bounds JSON bodies, the input schema that refuses
unstorable text, the sort parameter of list endpoints, and bodies sent already dumped."""

import json
from collections.abc import Mapping

import flask_smorest
import marshmallow as ma
from flask import Response, jsonify
from webargs.flaskparser import FlaskParser, is_json_request

from service import json_input


class BoundedJsonParser(FlaskParser):
    """webargs' parser, reading bodies with json_input: a body nested too deep is a 400 like any malformed one
    (webargs catches JSONDecodeError, not the RecursionError Python's parser raises)."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return super()._raw_load_json(req)
        try:
            return json_input.loads(req.get_data(cache=True))
        except json_input.TooDeep as error:
            raise json.JSONDecodeError(str(error), "(the body)", 0) from None
        except UnicodeDecodeError as error:
            raise json.JSONDecodeError(f"not UTF-8: {error.reason}", "(the body)", error.start) from None


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = BoundedJsonParser()

    @staticmethod
    def _make_pagination_metadata(page, page_size, item_count):
        """flask-smorest's X-Pagination, plus `total_estimated: true` when the total is an estimate (see listing)."""
        metadata = flask_smorest.Blueprint._make_pagination_metadata(page, page_size, item_count)
        if getattr(item_count, "estimated", False):
            metadata["total_estimated"] = True
        return metadata


def already_dumped(body) -> Response:
    """A body a plain serializer made in its response schema's shape, sent as it is: flask-smorest passes a
    Response through, where it would dump the body again field by field. Keep such serializers equal to their
    schema with a test."""
    return jsonify(body)


def sort_field(default: str, allowed: list[str]) -> ma.fields.String:
    choices = allowed + [f"-{a}" for a in allowed]
    return ma.fields.String(
        load_default=default,
        validate=ma.validate.OneOf(choices),
        metadata={"description": f"Sort key, '-' for descending. One of: {', '.join(allowed)}."},
    )


class InputSchema(ma.Schema):
    """Base of every schema that loads input: text must be storable, so bad bytes are a 422, never a 500."""

    @ma.pre_load
    def _reject_unstorable_text(self, data, **_kwargs):
        found = json_input.unstorable_path(data) if isinstance(data, Mapping) else None
        if found is not None:
            raise ma.ValidationError("text must be valid UTF-8 without NUL characters", field_name=found or "_schema")
        return data
