"""Remove secret values from text before it is stored or shown anywhere."""

import json

MASK = "***"
# Shorter values would blank out ordinary words in every log line; a secret that short protects nothing.
MIN_SECRET_LENGTH = 4


def _leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _leaves(item)
    elif value is not None and not isinstance(value, bool):
        yield str(value)


class Masker:
    def __init__(self, secrets):
        needles = set()
        for secret in secrets:
            needles.update(_leaves(secret))
            if isinstance(secret, dict | list):
                needles.add(json.dumps(secret))
        # Longest first, so a secret containing another is replaced whole.
        self._needles = sorted((n for n in needles if len(n) >= MIN_SECRET_LENGTH), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for needle in self._needles:
            if needle in text:
                text = text.replace(needle, MASK)
        return text
