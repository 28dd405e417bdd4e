"""Verify Backstage plugin tokens: what a backend plugin (the catalog and scaffolder modules) sends when it calls
this service as itself, from `auth.getPluginRequestToken({ targetPluginId })`.

Such a token's header says `typ: vnd.backstage.plugin`; its claims are `sub` (the calling plugin's id), `aud`
(the plugin id it was made for: ours, `BACKSTAGE_PLUGIN_AUDIENCE`), `iat`, `exp`, and `obo` when the plugin acts
for a user (that user's limited token). It has no issuer: each plugin signs with keys of its own, published at
`<backstage>/api/<plugin>/.backstage/auth/v1/jwks.json`. Only plugins given a role (`BACKSTAGE_PLUGIN_ROLES`) are
trusted, and that is checked before any key is fetched: a made-up plugin id never turns into a request.
"""

import re
from dataclasses import dataclass

import jwt

from service.auth.backstage_tokens import BackstageTokenVerifier, Jwks, decode, token_type
from service.errors import Unauthenticated

PLUGIN_TOKEN_TYPE = "vnd.backstage.plugin"  # noqa: S105 (a token type name, not a secret)
_PLUGIN_ID = re.compile(r"^[a-z0-9_-]+$", re.IGNORECASE)  # what Backstage itself allows in `sub`


@dataclass(frozen=True)
class PluginCall:
    plugin_id: str
    role: str
    claims: dict
    on_behalf_of: dict | None  # the user's (limited) token's claims, when the plugin acts for one
    user_token: str | None


def is_plugin_token(token: str) -> bool:
    return token_type(token) == PLUGIN_TOKEN_TYPE


class PluginTokenVerifier:
    def __init__(self, users: BackstageTokenVerifier, audience: str, roles, refetch_interval: float = 30.0):
        """`roles`: {plugin id: role}, or its items."""
        self.users = users
        self.audience = audience
        self.roles = dict(roles)
        self._jwks = {plugin: Jwks(f"{users.base_url}/api/{plugin}/.backstage/auth/v1/jwks.json", users.algorithms,
                                   refetch_interval, users.timeout) for plugin in self.roles}

    def verify(self, token: str) -> PluginCall:
        """Who calls and for whom; Unauthenticated for anything short of a valid token of a trusted plugin (and,
        with `obo`, of a valid user token)."""
        try:
            plugin_id = str(jwt.decode(token, options={"verify_signature": False}).get("sub") or "")
        except jwt.PyJWTError:
            raise Unauthenticated("malformed token") from None
        if not _PLUGIN_ID.match(plugin_id) or plugin_id not in self.roles:
            raise Unauthenticated("not a plugin this service trusts (BACKSTAGE_PLUGIN_ROLES)")
        claims = decode(token, self._jwks[plugin_id], PLUGIN_TOKEN_TYPE, self.users.leeway, audience=self.audience,
                        options={"require": ["exp", "iat", "sub", "aud"]})
        obo = claims.get("obo")
        if obo is not None and not isinstance(obo, str):
            raise Unauthenticated("invalid token (obo)")
        user = self.users.verify_on_behalf(obo) if obo else None
        return PluginCall(plugin_id, self.roles[plugin_id], claims, user, obo or None)
