"""The OAuth providers we log in with: where to send people, and how to learn who came back."""

from dataclasses import dataclass
from urllib.parse import urlencode

import requests

from service.errors import DomainError


class ProviderUnavailable(DomainError):
    status_code = 502


@dataclass(frozen=True)
class Provider:
    name: str
    client_id: str
    client_secret: str
    authorize_url: str
    token_url: str
    user_url: str
    scope: str

    def authorize_redirect(self, redirect_uri: str, state: str, code_challenge: str) -> str:
        return self.authorize_url + "?" + urlencode({
            "client_id": self.client_id, "redirect_uri": redirect_uri, "response_type": "code",
            "scope": self.scope, "state": state, "code_challenge": code_challenge, "code_challenge_method": "S256",
        })

    def exchange(self, code: str, redirect_uri: str, code_verifier: str) -> str:
        """The provider's access token for `code`; ProviderUnavailable (502) on any failure, without details
        that could carry secrets."""
        try:
            response = requests.post(self.token_url, timeout=10, headers={"Accept": "application/json"}, data={
                "client_id": self.client_id, "client_secret": self.client_secret, "code": code,
                "redirect_uri": redirect_uri, "grant_type": "authorization_code", "code_verifier": code_verifier,
            })
            body = response.json()
        except (requests.RequestException, ValueError):
            raise ProviderUnavailable(f"{self.name} did not answer the code exchange") from None
        token = body.get("access_token") if isinstance(body, dict) else None
        if response.status_code != 200 or not token:
            raise ProviderUnavailable(f"{self.name} refused the code exchange")
        return token

    def subject(self, access_token: str) -> str:
        """Who logged in, as a user ref: user:github/<login> or user:microsoft/<userPrincipalName>."""
        try:
            response = requests.get(self.user_url, timeout=10,
                                    headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"})
            response.raise_for_status()
            body = response.json()
        except (requests.RequestException, ValueError):
            raise ProviderUnavailable(f"{self.name} did not say who logged in") from None
        name = body.get("login") if self.name == "github" else body.get("userPrincipalName")
        if not isinstance(name, str) or not name:
            raise ProviderUnavailable(f"{self.name} did not say who logged in")
        return f"user:{self.name}/{name.lower()}"


def configured_providers(env: dict) -> dict[str, Provider]:
    providers = {}
    if env.get("GITHUB_CLIENT_ID") and env.get("GITHUB_CLIENT_SECRET"):
        providers["github"] = Provider(
            "github", env["GITHUB_CLIENT_ID"], env["GITHUB_CLIENT_SECRET"],
            "https://github.com/login/oauth/authorize", "https://github.com/login/oauth/access_token",
            "https://api.github.com/user", "read:user",
        )
    if env.get("MICROSOFT_CLIENT_ID") and env.get("MICROSOFT_CLIENT_SECRET"):
        tenant = env.get("MICROSOFT_TENANT", "common")
        base = f"https://login.microsoftonline.com/{tenant}/oauth2/v2.0"
        providers["microsoft"] = Provider(
            "microsoft", env["MICROSOFT_CLIENT_ID"], env["MICROSOFT_CLIENT_SECRET"], f"{base}/authorize",
            f"{base}/token", "https://graph.microsoft.com/v1.0/me", "openid profile User.Read",
        )
    return providers
