"""JSON from outside (request bodies, socket messages, state and lock bodies, module files), bounded in depth.

Python's parser raises RecursionError, not ValueError, on input nested about a thousand deep, and code that
walks a parsed document recursively can fail the same way well before that. Input nested deeper than any honest
document is refused here with a ValueError, which every caller already turns into a 4xx.
"""

import json
from collections.abc import Mapping

MAX_DEPTH = 64  # far beyond any variable value, lock or message
PARSER_DEPTH = 900  # about where Python's parser gives up (the recursion limit, less the caller's frames)


class TooDeep(ValueError):
    def __init__(self, max_depth: int):
        super().__init__(f"JSON nested deeper than {max_depth} levels")


def loads(raw: str | bytes, max_depth: int | None = MAX_DEPTH):
    """json.loads, raising TooDeep (a ValueError) for input nested deeper than `max_depth`. None: only as deep as
    the parser itself can go (for large documents only read near the top, like states)."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise TooDeep(max_depth or PARSER_DEPTH) from None
    if max_depth is not None and _deeper_than(value, max_depth):
        raise TooDeep(max_depth)
    return value


def _deeper_than(value, limit: int) -> bool:
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def unstorable_path(value, path: str = "") -> str | None:
    """The path of the first string PostgreSQL cannot store (a NUL, or a lone UTF-16 surrogate) in a parsed
    document, if any ('' for the top level)."""
    if isinstance(value, str):
        if "\x00" in value:
            return path
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path
    elif isinstance(value, Mapping):
        for key, item in value.items():
            found = unstorable_path(key, path) or unstorable_path(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = unstorable_path(item, f"{path}[{index}]")
            if found:
                return found
    return None
