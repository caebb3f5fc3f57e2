"""Sign-in providers' HTTP answers, mocked where allauth sends them.

Every request allauth's providers make (token exchange, user info, OpenID
discovery) goes through ``requests.Session.request`` on the session its
socialaccount adapter hands out (``get_requests_session``). Patching it there,
as allauth's own provider tests do with ``mocked_response``, leaves every
other layer real: the views, the state kept in the session, the token parsing.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import jwt
import requests
from django.test import Client
from django.urls import reverse

DISTRICT_DOMAIN = "lakeview.k12.us"


@dataclass
class ProviderHttp:
    """Answers by (method, URL without its query); records what was asked."""

    answers: dict[tuple[str, str], tuple[int, object]] = field(default_factory=dict)
    asked: list[tuple[str, str, dict]] = field(default_factory=list)

    def answer(self, method: str, url: str, body: object, status: int = 200) -> None:
        self.answers[(method.upper(), url)] = (status, body)

    def request(self, session, method: str, url: str, *args, **kwargs) -> requests.Response:
        bare = url.split("?", 1)[0]
        self.asked.append((method.upper(), bare, kwargs))
        if (method.upper(), bare) not in self.answers:
            raise AssertionError(f"unexpected provider request: {method} {url}")
        status, body = self.answers[(method.upper(), bare)]
        response = requests.Response()
        response.status_code = status
        response.url = url
        if isinstance(body, str):
            response._content = body.encode()
            response.headers["Content-Type"] = "text/html"
        else:
            response._content = json.dumps(body).encode()
            response.headers["Content-Type"] = "application/json"
        return response

    def urls_asked(self) -> list[str]:
        return [url for _, url, _ in self.asked]


def id_token(claims: dict) -> str:
    """An ID token as a provider's token endpoint returns it. Received straight
    from the provider over TLS, allauth checks its claims but not its signature
    (OpenID Connect Core 1.0, 3.1.3.7), so any key signs it here."""
    now = int(time.time())
    return jwt.encode(
        {"iat": now, "exp": now + 3600, **claims},
        "a test key of thirty-two bytes or more",
        algorithm="HS256",
    )


def start_sign_in(client: Client, login_url: str) -> dict[str, list[str]]:
    """POST the sign-in page's button; return the query sent to the provider."""
    response = client.post(login_url)
    assert response.status_code == 302, response.content
    return parse_qs(urlsplit(response["Location"]).query) | {"_location": [response["Location"]]}


def callback(client: Client, url_name: str, **params):
    return client.get(reverse(url_name), params)
