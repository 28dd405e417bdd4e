"""The service's own short-lived tokens for people who logged in with OAuth (no Backstage in between).

HS256 with a key id: SESSION_KEYS holds several keys, newest first; the newest signs, all verify, so keys rotate
without logging everyone out. A token says who, never what they may do: the role is the server's record of
the person (see auth_service.TokenTrust), so a stolen signing key alone cannot mint an admin.
"""

import hashlib
import time

import jwt

from service.errors import Unauthenticated

TOKEN_TYPE = "infrakitchen+jwt"  # noqa: S105 (a token type name, not a secret)
ISSUER = "infrakitchen"
ACCESS_TOKEN_SECONDS = 900


def _kid(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:12]


class SessionTokens:
    def __init__(self, keys: list[str]):
        self._signing = keys[0]
        self._by_kid = {_kid(key): key for key in keys}

    def issue(self, subject: str) -> str:
        now = int(time.time())
        claims = {"iss": ISSUER, "sub": subject, "iat": now, "exp": now + ACCESS_TOKEN_SECONDS}
        return jwt.encode(claims, self._signing, algorithm="HS256", headers={"typ": TOKEN_TYPE,
                                                                             "kid": _kid(self._signing)})

    def verify(self, token: str) -> dict:
        try:
            header = jwt.get_unverified_header(token)
            key = self._by_kid.get(header.get("kid"))
            if header.get("typ") != TOKEN_TYPE or key is None:
                raise Unauthenticated("invalid session token")
            return jwt.decode(token, key, algorithms=["HS256"], issuer=ISSUER,
                              options={"require": ["exp", "iat", "sub", "iss"]})
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("session expired: refresh it") from None
        except jwt.PyJWTError:
            raise Unauthenticated("invalid session token") from None


def is_session_token(token: str) -> bool:
    try:
        return jwt.get_unverified_header(token).get("typ") == TOKEN_TYPE
    except jwt.PyJWTError:
        return False
