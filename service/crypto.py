"""Encryption at rest for credentials: MultiFernet, so keys rotate (the newest encrypts, every key decrypts)."""

import functools
import hashlib
import json
import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

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
