"""Signing in without a password or an email of one's own: a code by email for
everyone, and one-time set-up links for people with no address."""

import hashlib
import re
from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import setup_links
from accounts.models import SetupLink
from tests import test_security_timing as timing
from tests.factories import PASSWORD, ParaFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "tandem-mornings-42"
# How allauth writes a sign-in code in its email: on a line of its own.
CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)


# Sign-in by code -------------------------------------------------------------------


def test_anyone_with_an_address_signs_in_with_a_code_from_their_email(client):
    para = ParaFactory(email="ana.ruiz@lakeview.k12.us")
    para.set_unusable_password()
    para.save()

    response = client.post(reverse("account_request_login_code"), {"email": para.email})
    assert response["Location"] == reverse("account_confirm_login_code")
    code = CODE.search(mail.outbox[0].body).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code})

    assert response.status_code == HTTPStatus.FOUND
    assert client.session["_auth_user_id"] == str(para.pk)
    assert mail.outbox[0].body.startswith("Hello from Tandem!")


def test_a_wrong_code_signs_nobody_in(client):
    para = ParaFactory(email="ana.ruiz@lakeview.k12.us")
    client.post(reverse("account_request_login_code"), {"email": para.email})

    response = client.post(reverse("account_confirm_login_code"), {"code": "WRONG1"})

    assert response.status_code == HTTPStatus.OK
    assert "_auth_user_id" not in client.session


def test_the_sign_in_page_offers_a_code_and_a_passkey(client):
    page = client.get(reverse("account_login")).content.decode()

    assert "Email me a sign-in code" in page
    assert "Sign in with a passkey" in page


# Set-up links ----------------------------------------------------------------------


@pytest.fixture
def para_without_email(district):
    para = district.para
    para.email = ""
    para.set_unusable_password()
    para.save()
    return para


def make_link(client, admin, person) -> str:
    client.force_login(admin)
    response = client.post(reverse("people_setup_link", args=[person.pk]))
    assert response.status_code == HTTPStatus.OK
    client.logout()
    return response.context["setup_url"]


def test_an_administrator_asks_first_then_sees_the_link_once(client, district, para_without_email):
    client.force_login(district.school_admin)
    url = reverse("people_setup_link", args=[para_without_email.pk])

    asked = client.get(url)
    assert "Make a set-up link" in asked.content.decode()
    assert not SetupLink.objects.exists()

    shown = client.post(url).content.decode()
    assert para_without_email.username in shown
    assert "<svg" in shown
    token = re.search(r"/accounts/setup/([^/]+)/", shown).group(1)
    link = SetupLink.objects.get()
    # Only a hash is kept.
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(SetupLink.objects.values()))
    assert link.created_by == district.school_admin


def test_the_link_sets_a_password_and_signs_in_once(client, district, para_without_email):
    setup_url = make_link(client, district.school_admin, para_without_email)

    page = client.get(setup_url)
    assert para_without_email.username in page.content.decode()
    response = client.post(
        setup_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response["Location"] == reverse("start")
    assert client.session["_auth_user_id"] == str(para_without_email.pk)
    para_without_email.refresh_from_db()
    assert para_without_email.check_password(NEW_PASSWORD)

    client.logout()
    again = client.get(setup_url)
    assert again.status_code == HTTPStatus.NOT_FOUND
    assert "works once" in again.content.decode()
    second = client.post(setup_url, {"new_password1": "x-other-99", "new_password2": "x-other-99"})
    assert second.status_code == HTTPStatus.NOT_FOUND
    para_without_email.refresh_from_db()
    assert para_without_email.check_password(NEW_PASSWORD)


def test_a_weak_password_is_refused_and_the_link_still_works(client, district, para_without_email):
    setup_url = make_link(client, district.school_admin, para_without_email)

    response = client.post(setup_url, {"new_password1": "1234", "new_password2": "1234"})

    assert response.status_code == HTTPStatus.OK
    assert "too short" in response.content.decode()
    assert SetupLink.objects.get().used_at is None
    assert client.get(setup_url).status_code == HTTPStatus.OK


def test_the_link_expires_after_seven_days(client, clock, district, para_without_email):
    setup_url = make_link(client, district.school_admin, para_without_email)

    clock.move_to("2026-11-25 09:59")
    assert client.get(setup_url).status_code == HTTPStatus.OK
    clock.move_to("2026-11-25 10:01")
    assert client.get(setup_url).status_code == HTTPStatus.NOT_FOUND


def test_a_new_link_stops_the_last_one(client, district, para_without_email):
    first = make_link(client, district.school_admin, para_without_email)
    second = make_link(client, district.school_admin, para_without_email)

    assert client.get(first).status_code == HTTPStatus.NOT_FOUND
    assert client.get(second).status_code == HTTPStatus.OK


def test_a_deactivated_persons_link_does_not_work(client, district, para_without_email):
    setup_url = make_link(client, district.school_admin, para_without_email)
    para_without_email.is_active = False
    para_without_email.save()

    assert client.get(setup_url).status_code == HTTPStatus.NOT_FOUND


def test_a_made_up_link_does_not_work(client):
    response = client.get(reverse("account_setup", args=["not-a-real-secret"]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_only_administrators_of_the_persons_school_make_links(client, district, para_without_email):
    url = reverse("people_setup_link", args=[para_without_email.pk])

    client.force_login(district.other_school_admin)
    assert client.post(url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(district.teacher)
    assert client.post(url).status_code == HTTPStatus.FORBIDDEN
    client.force_login(district.district_admin)
    assert client.post(url).status_code == HTTPStatus.OK
    assert SetupLink.objects.get().created_by == district.district_admin


def test_the_link_does_not_need_the_old_password(client, district):
    person = ParaFactory(email="")
    token = setup_links.issue(person, issued_by=district.district_admin)

    response = client.post(
        setup_links.url_for(token), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == HTTPStatus.FOUND
    person.refresh_from_db()
    assert not person.check_password(PASSWORD)
    assert person.check_password(NEW_PASSWORD)


def test_the_persons_edit_screen_offers_a_set_up_link_when_they_have_no_address(
    client, district, para_without_email
):
    client.force_login(district.school_admin)

    without = client.get(reverse("people:edit", args=[para_without_email.pk])).content.decode()
    with_address = client.get(reverse("people:edit", args=[district.teacher.pk])).content.decode()

    assert reverse("people_setup_link", args=[para_without_email.pk]) in without
    assert reverse("people_setup_link", args=[district.teacher.pk]) not in with_address


def test_asking_for_a_code_takes_as_long_for_an_address_that_has_an_account(settings):
    """The code's email waits for the worker: a slow mail server must not tell
    which addresses have accounts (tests/test_security_timing.py, for reset)."""
    from django_tasks_db.models import DBTaskResult

    settings.EMAIL_BACKEND = "tests.test_security_timing.SlowEmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.ACCOUNT_RATE_LIMITS = False
    ParaFactory(email=timing.KNOWN)

    # A browser of its own each time: one already waiting for a code is not sent another.
    medians = timing.median_seconds(
        lambda email: Client().post(reverse("account_request_login_code"), {"email": email})
    )

    timing.assert_alike(medians)
    assert DBTaskResult.objects.count() == timing.TRIES
    assert mail.outbox == []
