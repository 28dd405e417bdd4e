"""Verify Backstage user identity tokens (the token the Backstage frontend sends through its proxy).

Everything an attacker controls is checked against configuration, never trusted from the token: the
algorithm list is pinned, the header `typ` must be `vnd.backstage.user`, `aud` must be `backstage`, `iss` must
be `<base>/api/auth`, and `exp`, `iat` and `sub` are required. Keys come from the auth backend's JWKS, cached;
a token signed with an unknown `kid` triggers one refetch, at most once per `refetch_interval` (key rotation
works without a restart, and a flood of made-up kids cannot turn into a flood of fetches).
"""

import hashlib
import threading
import time

import jwt
import requests

from service.errors import Unauthenticated

USER_TOKEN_TYPE = "vnd.backstage.user"  # noqa: S105 (a token type name, not a secret)
LIMITED_USER_TOKEN_TYPE = "vnd.backstage.limited-user"  # noqa: S105
AUDIENCE = "backstage"


class Jwks:
    """The keys of one JWKS URL, cached: fetched when a token names a `kid` not seen yet, at most once per
    `refetch_interval`."""

    def __init__(self, url: str, algorithms: tuple[str, ...], refetch_interval: float, timeout: float):
        self.url = url
        self.algorithms = algorithms
        self.refetch_interval = refetch_interval
        self.timeout = timeout
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")
        self._lock = threading.Lock()

    def key(self, kid) -> jwt.PyJWK:
        if not isinstance(kid, str) or not kid:
            raise Unauthenticated("token has no key id")
        with self._lock:
            if kid not in self._keys and time.monotonic() - self._fetched_at >= self.refetch_interval:
                self._fetch()
            key = self._keys.get(kid)
        if key is None:
            raise Unauthenticated("token signed with an unknown key")
        return key

    def _fetch(self) -> None:
        self._fetched_at = time.monotonic()
        try:
            response = requests.get(self.url, timeout=self.timeout)
            response.raise_for_status()
            keys = response.json().get("keys", [])
        except (requests.RequestException, ValueError, AttributeError):
            return  # keep the keys we have; the next unknown kid after the interval tries again
        fresh = {}
        for jwk in keys:
            try:
                if jwk.get("kid") and jwk.get("alg", self.algorithms[0]) in self.algorithms:
                    fresh[jwk["kid"]] = jwt.PyJWK(jwk, algorithm=jwk.get("alg", self.algorithms[0]))
            except (jwt.PyJWTError, AttributeError, TypeError):
                continue  # a key we cannot use is skipped, not fatal
        self._keys = fresh


def token_type(token: str) -> str | None:
    """The `typ` of a token's header (unverified), or None when it has none or is not a JWT."""
    try:
        return jwt.get_unverified_header(token).get("typ")
    except jwt.PyJWTError:
        return None


def decode(token: str, jwks: Jwks, token_type: str, leeway: int, **checks) -> dict:
    """The claims of `token` once its header says `token_type` with an accepted algorithm and its signature,
    expiry and `checks` (PyJWT's audience, issuer, options) hold; Unauthenticated otherwise."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise Unauthenticated("malformed token") from None
    if header.get("typ") != token_type:
        raise Unauthenticated(f"not a {token_type} token")
    if header.get("alg") not in jwks.algorithms:
        raise Unauthenticated("token algorithm not accepted")
    key = jwks.key(header.get("kid"))
    try:
        return jwt.decode(token, key=key, algorithms=list(jwks.algorithms), leeway=leeway, **checks)
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("token expired") from None
    except jwt.PyJWTError as error:
        raise Unauthenticated(f"invalid token ({type(error).__name__})") from None


class BackstageTokenVerifier:
    def __init__(self, base_url: str, algorithms: tuple[str, ...] = ("ES256",), leeway_seconds: int = 30,
                 refetch_interval: float = 30.0, timeout: float = 5.0):
        self.base_url = base_url.rstrip("/")
        self.issuer = f"{self.base_url}/api/auth"
        self.algorithms = tuple(algorithms)
        self.leeway = leeway_seconds
        self.timeout = timeout
        self.userinfo_url = f"{self.issuer}/v1/userinfo"
        self.jwks = Jwks(f"{self.issuer}/.well-known/jwks.json", self.algorithms, refetch_interval, timeout)
        self._ownership: dict[str, tuple[float, tuple[str, ...]]] = {}  # token digest -> (expires, refs)

    def verify(self, token: str) -> dict:
        """The token's claims; Unauthenticated for anything short of a valid user token."""
        return decode(token, self.jwks, USER_TOKEN_TYPE, self.leeway, audience=AUDIENCE, issuer=self.issuer,
                      options={"require": ["exp", "iat", "sub"]})

    def verify_on_behalf(self, token: str) -> dict:
        """The claims of the user token a plugin token's `obo` claim carries: a limited user token (`{sub, iat,
        exp}`, signed with the same keys), or the user's own token where Backstage could not limit it."""
        if token_type(token) == USER_TOKEN_TYPE:
            return self.verify(token)
        return decode(token, self.jwks, LIMITED_USER_TOKEN_TYPE, self.leeway,
                      options={"require": ["exp", "iat", "sub"]})

    def ownership(self, token: str, claims: dict) -> tuple[str, ...]:
        """The caller's ownership refs: the `ent` claim when the token has one (older Backstage), else the auth
        backend's userinfo, asked with the user's own token and cached until the token expires."""
        if isinstance(claims.get("ent"), list):
            return tuple(r for r in claims["ent"] if isinstance(r, str))
        digest = hashlib.sha256(token.encode()).hexdigest()
        now = time.time()
        cached = self._ownership.get(digest)
        if cached and cached[0] > now:
            return cached[1]
        refs = self._fetch_ownership(token)
        self._ownership = {k: v for k, v in self._ownership.items() if v[0] > now}  # drop expired entries
        self._ownership[digest] = (float(claims["exp"]), refs)
        return refs

    def _fetch_ownership(self, token: str) -> tuple[str, ...]:
        try:
            response = requests.get(self.userinfo_url, headers={"Authorization": f"Bearer {token}"},
                                    timeout=self.timeout)
            response.raise_for_status()
            body = response.json()
        except (requests.RequestException, ValueError):
            return ()  # without ownership the user still has their own ref: nothing is granted by the failure
        claims = body.get("claims", body) if isinstance(body, dict) else {}
        refs = claims.get("ent", []) if isinstance(claims, dict) else []
        return tuple(r for r in refs if isinstance(r, str)) if isinstance(refs, list) else ()
