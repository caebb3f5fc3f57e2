"""Helpers shared by the tests/test_security_*.py files."""

import json
import os
import secrets
import subprocess
import sys
import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from tests.factories import PASSWORD

PRODUCTION_HOST = "tandem.example.org"


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters and used TOTP codes live in the cache: start and end
    every test with none, so tests neither trip nor hide each other's limits."""
    cache.clear()
    yield
    cache.clear()


def sign_in(client, login, password=PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": login, "password": password}, **extra)


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def give_totp(user) -> str:
    """Enrol ``user`` in TOTP and return the secret their app would hold."""
    secret = "JBSWY3DPEHPK3PXP"
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in_with_mfa(client, user, secret: str):
    """allauth's whole sign-in: password, then the code."""
    response = sign_in(client, user.email or user.username)
    assert response.url == reverse("mfa_authenticate")
    return client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})


def production_env() -> dict:
    """The environment a deployment gives config.settings.production (a secret
    key of 50+ random characters, the host), with a throwaway database.

    The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE (set in this process when they
    share a worker) is left out: a deployment never sets it, and check --deploy
    warns about it.
    """
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": PRODUCTION_HOST,
        "DATABASE_URL": "sqlite:///:memory:",
    }


def run_with_production_settings(code: str) -> dict:
    """Run ``code`` in a fresh interpreter under config.settings.production, with
    the environment a deployment gives it; ``code`` prints one JSON value."""
    result = subprocess.run(
        [sys.executable, "-c", "import django\ndjango.setup()\n" + code],
        cwd=settings.BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
