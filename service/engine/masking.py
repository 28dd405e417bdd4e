"""Remove secret values from text before it is stored or shown anywhere.

Also the common encodings a module might print a secret in (base64, URL encoding, hex, a JSON string): a defence
in depth for logs, not the boundary (the sandbox is; a module can always encode a secret some other way).
"""

import base64
import json
from urllib.parse import quote, quote_plus

MASK = "***"
# Shorter values would blank out ordinary words in every log line; a secret that short protects nothing.
MIN_SECRET_LENGTH = 4
# An encoded fragment shorter than this could match ordinary text by chance.
MIN_ENCODED_LENGTH = 8


def _leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _leaves(item)
    elif value is not None and not isinstance(value, bool):
        yield str(value)


def _base64_fragments(raw: bytes):
    """The secret in base64 on its own, and what it looks like inside base64 of a longer text at each of the three
    alignments (the characters that depend on the secret's bytes alone)."""
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        yield encode(raw).decode()
        for shift in range(3):
            encoded = encode(b"\0" * shift + raw).decode()
            yield encoded[-(-4 * shift // 3):(4 * (shift + len(raw))) // 3]


def encodings(secret: str) -> set[str]:
    """The secret and the forms it is commonly printed in."""
    raw = secret.encode()
    encoded = {quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1], raw.hex(), raw.hex().upper(),
               *_base64_fragments(raw)}
    return {secret} | {e for e in encoded if len(e) >= MIN_ENCODED_LENGTH}


class Masker:
    def __init__(self, secrets):
        needles = set()
        for secret in secrets:
            leaves = set(_leaves(secret))
            if isinstance(secret, dict | list):
                leaves.add(json.dumps(secret))
            for leaf in leaves:
                if len(leaf) >= MIN_SECRET_LENGTH:
                    needles |= encodings(leaf)
        # Longest first, so a secret containing another is replaced whole.
        self._needles = sorted(needles, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for needle in self._needles:
            if needle in text:
                text = text.replace(needle, MASK)
        return text

    def within(self, value):
        """`value` (a JSON value: an output) with every string in it masked."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, dict):
            return {key: self.within(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.within(item) for item in value]
        return value
