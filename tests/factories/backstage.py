"""Backstage user tokens signed with locally generated keys, and the JWKS that verifies them."""

import json
import time

import jwt
from cryptography.hazmat.primitives.asymmetric import ec

BASE = "http://backstage.test:7007"


def keypair(kid: str):
    private = ec.generate_private_key(ec.SECP256R1())
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private.public_key()))
    return private, {**jwk, "kid": kid, "alg": "ES256", "use": "sig"}


KEY_1, JWK_1 = keypair("key-1")
KEY_2, JWK_2 = keypair("key-2")


def claims(base: str = BASE, **overrides) -> dict:
    """A user token's claims (alice of team-a unless overridden; an override of None drops the claim)."""
    now = int(time.time())
    values = {"iss": f"{base}/api/auth", "sub": "user:default/alice", "aud": "backstage", "iat": now,
              "exp": now + 3600, "ent": ["user:default/alice", "group:default/team-a"], "uip": "x"}
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def user_token(values: dict | None = None, key=KEY_1, kid="key-1", typ="vnd.backstage.user", alg="ES256") -> str:
    headers = {"kid": kid, "typ": typ} if typ else {"kid": kid}
    return jwt.encode(values or claims(), key, algorithm=alg, headers=headers)
