"""Sessions: a new key at log-in; log-out, deactivation and a password change end
them; staff sessions end when left idle."""

import re
import time
from http import HTTPStatus
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import middleware, roles
from tests.factories import PASSWORD, ParaFactory, UserFactory
from tests.security_helpers import (
    fresh_cache,  # noqa: F401 - autouse fixture
    is_signed_in,
    sign_in,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-different-long-phrase"


def session_cookie(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def client_with_cookie(key: str) -> Client:
    """Another browser presenting ``key``, as someone who copied the cookie would."""
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = key
    return other


def signed_in_as(client, user) -> bool:
    response = client.get(reverse("my_learning"))
    return response.status_code == HTTPStatus.OK and response.context["user"] == user


def test_signing_in_gives_a_new_session_key(client):
    para = ParaFactory()
    planted = client.session
    planted["seen"] = True
    planted.save()
    before = session_cookie(client)

    sign_in(client, para.email)

    assert session_cookie(client) != before
    # Whoever planted the old key in the browser gets nothing from it.
    assert not signed_in_as(client_with_cookie(before), para)
    assert signed_in_as(client, para)


def test_signing_out_ends_the_session(client):
    para = ParaFactory()
    sign_in(client, para.email)
    key = session_cookie(client)

    client.post(reverse("account_logout"))

    assert not signed_in_as(client_with_cookie(key), para)


def test_deactivating_a_person_ends_their_sessions(client):
    para = ParaFactory()
    client.force_login(para)
    assert signed_in_as(client, para)

    get_user_model().objects.filter(pk=para.pk).update(is_active=False)

    response = client.get(reverse("my_learning"))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login"))


def test_changing_the_password_ends_the_other_sessions(client):
    para = ParaFactory()
    elsewhere = Client()
    sign_in(client, para.email)
    sign_in(elsewhere, para.email)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert signed_in_as(client, para)
    assert not signed_in_as(elsewhere, para)


def test_resetting_the_password_ends_every_session(client):
    para = ParaFactory()
    sign_in(client, para.email)
    stranger = Client()
    stranger.post(reverse("account_reset_password"), {"email": para.email})
    link = re.search(r"https?://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body)

    set_password = stranger.get(link.group(1))
    stranger.post(set_password.url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    para.refresh_from_db()
    assert para.check_password(NEW_PASSWORD)
    assert not signed_in_as(client, para)


# Idle staff sessions --------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """The time the idle-timeout middleware sees, moved by the test."""
    now = SimpleNamespace(value=time.time())
    monkeypatch.setattr(middleware, "time", SimpleNamespace(time=lambda: now.value))

    def advance(minutes: float) -> None:
        now.value += minutes * 60

    return advance


def test_a_staff_session_ends_after_thirty_idle_minutes(client, clock):
    editor = UserFactory(groups=[roles.EDITORS])
    client.force_login(editor)
    assert client.get("/admin/").status_code == HTTPStatus.OK
    key = session_cookie(client)

    clock(29)
    assert client.get("/admin/").status_code == HTTPStatus.OK
    clock(29)  # Activity restarts the count: 58 minutes in, 29 idle.
    assert client.get("/admin/").status_code == HTTPStatus.OK
    clock(31)
    response = client.get("/admin/pages/")

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == f"{reverse('account_login')}?next=%2Fadmin%2Fpages%2F"
    assert not is_signed_in(client)
    assert client_with_cookie(key).get("/admin/").status_code == HTTPStatus.FOUND
    page = client.get(response.url)
    assert "signed out after a time without activity" in page.content.decode()


def test_the_idle_timeout_is_configurable(client, clock, settings):
    settings.TANDEM_STAFF_IDLE_TIMEOUT = 5 * 60
    client.force_login(UserFactory(groups=[roles.SCHOOL_ADMINISTRATORS]))
    client.get("/admin/")
    clock(6)
    assert client.get("/admin/").url.startswith(reverse("account_login"))


def test_learners_are_not_timed_out(client, clock):
    para = ParaFactory()
    client.force_login(para)
    client.get(reverse("my_learning"))
    clock(3 * 60)
    assert signed_in_as(client, para)


def test_a_staff_member_who_signs_in_again_is_not_timed_out_at_once(client, clock):
    editor = UserFactory(groups=[roles.EDITORS])
    client.force_login(editor)
    client.get("/admin/")
    clock(45)
    client.get("/admin/")
    sign_in(client, editor.email)
    assert client.get("/admin/").status_code == HTTPStatus.OK
