"""Encryption at rest for credentials and sensitive values: MultiFernet, so keys rotate (the newest encrypts,
every key decrypts).

A process reads its keys once, at start, and installs them as the key ring (`set_key_ring`, as messaging installs
its publisher); `SealedJson` columns seal and open with it, so no code path can write one of them in clear.
"""

import functools
import hashlib
import json
import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import LargeBinary
from sqlalchemy.types import TypeDecorator

from service.config import Settings


class SecretBox:
    def __init__(self, keys: list[str]):
        if not keys:
            raise ValueError("at least one encryption key is needed")
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    def seal(self, values: dict) -> bytes:
        return self._fernet.encrypt(json.dumps(values).encode())

    def open(self, sealed: bytes) -> dict:
        try:
            return json.loads(self._fernet.decrypt(sealed))
        except InvalidToken:
            raise ValueError("a credential could not be decrypted with any configured key") from None

    def reseal(self, sealed: bytes) -> bytes:
        """The same values encrypted with the newest key (for rotation)."""
        return self._fernet.rotate(sealed)


_key_ring: SecretBox | None = None


def set_key_ring(box: SecretBox) -> None:
    global _key_ring
    _key_ring = box


def key_ring() -> SecretBox:
    if _key_ring is None:
        raise RuntimeError("no key ring: the process must call crypto.set_key_ring(box_for(settings)) at start")
    return _key_ring


class SealedJson(TypeDecorator):
    """A JSON value stored encrypted with the process's key ring (bytes in the database, the value in Python)."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else key_ring().seal(value)

    def process_result_value(self, value, dialect):
        return None if value is None else key_ring().open(bytes(value))


def development_key(settings: Settings, name: str) -> str:
    """A key generated once into the data dir (only used when the environment gives none: development)."""
    key_file = settings.data_dir / name
    if not key_file.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(Fernet.generate_key().decode())
    return key_file.read_text().strip()


def hash_token(token: str) -> str:
    """The digest tokens are kept as. Tokens carry 256 random bits, so a fast unsalted digest is safe here
    (there is no dictionary to attack)."""
    return hashlib.sha256(token.encode()).hexdigest()


@functools.cache
def box_for(settings: Settings) -> SecretBox:
    """The box for these settings: ENCRYPTION_KEYS, or (development only) a key generated into the data dir."""
    return SecretBox(list(settings.encryption_keys) or [development_key(settings, "encryption.key")])
