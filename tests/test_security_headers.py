"""Deployment: the production checks, the headers every response carries, the
Content-Security-Policy, no caching of signed-in pages, and error pages that
give nothing away."""

import subprocess
import sys
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import path, reverse
from django.views.defaults import permission_denied, server_error

from accounts import roles
from tests.factories import ParaFactory, UserFactory
from tests.page_factories import home_page
from tests.security_helpers import (
    PRODUCTION_HOST,
    fresh_cache,  # noqa: F401 - autouse fixture
    production_env,
    run_with_production_settings,
)

pytestmark = pytest.mark.django_db

FRONT_END_POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "frame-src": {
        "'self'",
        "https://www.youtube-nocookie.com",
        "https://www.youtube.com",
        "https://player.vimeo.com",
    },
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
    "base-uri": {"'self'"},
    "object-src": {"'none'"},
}
SECRET_LOOKING = "SELECT secret_column FROM accounts_user"


def parse_policy(header: str) -> dict[str, set[str]]:
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: set(sources) for name, *sources in directives}


class InlineCode(HTMLParser):
    """Collects what a strict policy would block: inline scripts, style
    elements and attributes, and event-handler attributes."""

    DATA_TYPES = {"application/json", "application/ld+json", "text/template"}

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        executable = attributes.get("type") not in self.DATA_TYPES
        if tag == "script" and "src" not in attributes and executable:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name in attributes:
            if name == "style" or name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")


def inline_code_in(response) -> list[str]:
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser.found


@pytest.fixture
def site(db):
    return home_page()


def front_end_responses(client, site):
    """A sample of the front end as a visitor and as a para sees it."""
    visitor = {
        "home page": client.get("/"),
        "sign-in": client.get(reverse("account_login")),
        "password reset": client.get(reverse("account_reset_password")),
        "not found": client.get("/no-such-page/"),
    }
    client.force_login(ParaFactory())
    signed_in = {
        "my learning": client.get(reverse("my_learning")),
        "account": client.get(reverse("account_email")),
        "two-factor": client.get(reverse("mfa_index")),
    }
    return {**visitor, **signed_in}


def test_front_end_pages_carry_the_security_headers(client, site):
    for name, response in front_end_responses(client, site).items():
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert response["X-Frame-Options"] == "DENY", name
        assert parse_policy(response["Content-Security-Policy"]) == FRONT_END_POLICY, name


def test_front_end_pages_have_no_inline_script_or_style(client, site):
    for name, response in front_end_responses(client, site).items():
        assert response.status_code in (HTTPStatus.OK, HTTPStatus.NOT_FOUND), name
        assert inline_code_in(response) == [], name


def test_the_admin_gets_the_looser_policy_it_needs(client):
    client.force_login(UserFactory(groups=[roles.EDITORS]))
    response = client.get("/admin/")
    policy = parse_policy(response["Content-Security-Policy"])
    assert response.status_code == HTTPStatus.OK
    assert policy["script-src"] == {"'self'", "'unsafe-inline'"}
    assert policy["style-src"] == {"'self'", "'unsafe-inline'"}
    assert policy["object-src"] == {"'none'"}
    # Wagtail's preview frames pages of the site inside the admin.
    assert policy["frame-ancestors"] == {"'self'"}
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_admin_sends_nobodys_address_to_another_site(client):
    client.force_login(UserFactory(is_superuser=True))
    ParaFactory(email="listed@example.org")
    for url in ("/admin/", "/admin/users/"):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        assert "gravatar" not in response.content.decode()


@pytest.mark.parametrize(
    "who, url",
    [
        ("para", "/learning/"),
        ("para", "/accounts/email/"),
        ("para", "/"),
        ("editor", "/admin/"),
        ("editor", "/start/"),
    ],
)
def test_signed_in_pages_are_never_stored(client, site, who, url):
    user = ParaFactory() if who == "para" else UserFactory(groups=[roles.EDITORS])
    client.force_login(user)
    assert client.get(url)["Cache-Control"] == "no-store"


def test_a_visitors_page_may_be_cached(client, site):
    assert "no-store" not in client.get("/").get("Cache-Control", "")


# Error pages -----------------------------------------------------------------


def boom(request):
    raise RuntimeError(f"{SECRET_LOOKING} -- {settings.SECRET_KEY}")


urlpatterns = [path("boom/", boom)]


def assert_gives_nothing_away(body: str) -> None:
    for leak in ("Traceback", "SELECT", settings.SECRET_KEY, "SECRET_KEY", "DATABASES", "boom"):
        assert leak not in body


@pytest.mark.urls("tests.test_security_headers")
def test_a_crash_shows_the_plain_error_page(client):
    assert settings.DEBUG is False
    client.raise_request_exception = False

    response = client.get("/boom/")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    body = response.content.decode()
    assert "Something went wrong" in body
    assert_gives_nothing_away(body)


def test_the_error_page_needs_no_context():
    response = server_error(RequestFactory().get("/anything/"))
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Something went wrong" in response.content.decode()
    assert inline_code_in(response) == []


def test_not_found_shows_the_sites_page_and_no_debug_detail(client, site):
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Page not found" in body
    assert 'href="/accounts/login/"' in body  # the site's own layout
    assert "URLconf" not in body
    assert "urlpatterns" not in body


def test_forbidden_shows_the_sites_page():
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied(SECRET_LOOKING))
    body = response.content.decode()
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "You do not have permission to do this." in body
    assert_gives_nothing_away(body)


# Production ------------------------------------------------------------------


def test_the_deployment_checklist_passes_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PRODUCTION_REQUESTS = f"""
import json
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings

# No collectstatic here: serve static files from the app folders.
plain_static = {{**settings.STORAGES, "staticfiles": {{
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}}}
with override_settings(STORAGES=plain_static):
    client = Client(raise_request_exception=False, HTTP_HOST="{PRODUCTION_HOST}")
    answers = {{}}
    # The throwaway database has no tables, so a page lookup fails: a 500.
    for path in ["/healthz", "/accounts/login/", "/no-such-page/"]:
        response = client.get(path, secure=True)
        answers[path] = {{
            "status": response.status_code,
            "headers": dict(response.headers),
            "body": response.content.decode(),
        }}
    response = client.get("/accounts/login/")
    answers["plain http"] = {{"status": response.status_code, "to": response["Location"]}}
    answers["plain http health check"] = client.get("/healthz").status_code
    response = client.get("/healthz", secure=True, HTTP_HOST="elsewhere.example")
    answers["unknown host"] = response.status_code
print(json.dumps(answers))
"""


def test_production_responses_carry_the_security_headers():
    answers = run_with_production_settings(PRODUCTION_REQUESTS)

    assert answers.pop("unknown host") == HTTPStatus.BAD_REQUEST
    assert answers.pop("plain http") == {
        "status": HTTPStatus.MOVED_PERMANENTLY,
        "to": f"https://{PRODUCTION_HOST}/accounts/login/",
    }
    assert answers.pop("plain http health check") == HTTPStatus.OK
    assert [answer["status"] for answer in answers.values()] == [200, 200, 500]
    for url, answer in answers.items():
        headers = answer["headers"]
        assert headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        ), url
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Referrer-Policy"] == "same-origin", url
        assert headers["X-Frame-Options"] == "DENY", url
        assert parse_policy(headers["Content-Security-Policy"]) == FRONT_END_POLICY, url
    error_page = answers["/no-such-page/"]["body"]
    assert "Something went wrong" in error_page
    assert "wagtailcore" not in error_page
    assert_gives_nothing_away(error_page)


def test_robots_txt_keeps_crawlers_to_the_front_door(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert lines == ["User-agent: *", "Allow: /$", "Disallow: /"]
