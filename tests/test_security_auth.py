"""One way in, brute force, account enumeration and MFA for staff."""

from http import HTTPStatus
from urllib.parse import quote

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import NoReverseMatch, reverse

from accounts import roles
from tests.factories import PASSWORD, ParaFactory, UserFactory, without_csrf_token
from tests.security_helpers import (
    fresh_cache,  # noqa: F401 - autouse fixture
    give_totp,
    is_signed_in,
    run_with_production_settings,
    sign_in,
    sign_in_with_mfa,
    totp_code,
)

pytestmark = pytest.mark.django_db

TOO_MANY = "Too many failed login attempts"
NOT_CORRECT = "not correct"


def page_text(response, typed: str = "") -> str:
    """What the page says, without the per-request CSRF token or what was typed."""
    text = without_csrf_token(response)
    return text.replace(typed, "TYPED") if typed else text


# One way in ---------------------------------------------------------------


@pytest.mark.parametrize("view_name", ["wagtailadmin_login", "wagtailcore_login"])
def test_wagtails_own_log_in_forms_send_people_to_allauth(client, view_name):
    staff = UserFactory(groups=[roles.EDITORS])
    url = reverse(view_name)

    response = client.post(
        f"{url}?next=/admin/pages/", {"username": staff.username, "password": PASSWORD}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == f"{reverse('account_login')}?next=%2Fadmin%2Fpages%2F"
    assert not is_signed_in(client)
    assert client.get(url).url == reverse("account_login")


def test_wagtail_admin_sends_visitors_to_allauth(client):
    response = client.get("/admin/pages/")
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login"))


def test_wagtails_password_reset_is_off(client):
    assert client.get("/admin/password_reset/").status_code == HTTPStatus.NOT_FOUND


def test_the_django_admin_is_not_mounted(client):
    assert "django.contrib.admin" not in settings.INSTALLED_APPS
    with pytest.raises(NoReverseMatch):
        reverse("admin:index")
    # /admin/ is Wagtail's: its log-in is allauth's, not Django's admin form.
    assert client.get("/admin/").url.startswith(reverse("account_login"))


# Brute force ---------------------------------------------------------------


def fail_five_times(client, login, **extra):
    for _ in range(5):
        response = sign_in(client, login, "wrong-password", **extra)
        assert response.status_code == HTTPStatus.OK
        assert NOT_CORRECT in page_text(response)


def test_refusal_ends_five_minutes_after_the_failures(client, monkeypatch):
    import time

    ParaFactory(email="target@example.org")
    start = time.time()
    monkeypatch.setattr(time, "time", lambda: start)
    fail_five_times(client, "target@example.org")
    assert TOO_MANY in page_text(sign_in(client, "target@example.org"))

    monkeypatch.setattr(time, "time", lambda: start + 5 * 60 + 1)
    sign_in(client, "target@example.org")
    assert is_signed_in(client)


@pytest.mark.parametrize(
    "failed_with, then_with",
    [("email", "username"), ("username", "email"), ("email", "upper-case email")],
)
def test_failures_count_per_account_however_it_is_spelled(client, failed_with, then_with):
    para = ParaFactory(username="gabe", email="gabe@example.org")
    spelling = {
        "email": para.email,
        "username": para.username,
        "upper-case email": para.email.upper(),
    }
    fail_five_times(client, spelling[failed_with])

    sixth = sign_in(client, spelling[then_with])

    assert TOO_MANY in page_text(sixth)
    assert not is_signed_in(client)


def test_a_refusal_looks_the_same_for_an_unknown_address(client):
    ParaFactory(email="known@example.org")
    fail_five_times(client, "known@example.org")
    fail_five_times(client, "unknown@example.org")
    known = sign_in(client, "known@example.org")
    unknown = sign_in(client, "unknown@example.org")
    assert known.status_code == unknown.status_code == HTTPStatus.OK
    assert known.context["form"].errors == unknown.context["form"].errors
    assert TOO_MANY in str(known.context["form"].errors)


def test_a_spoofed_forwarded_for_does_not_reset_the_count(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    ParaFactory(email="target@example.org")
    for n in range(5):
        response = sign_in(
            client, "target@example.org", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        )
        assert NOT_CORRECT in page_text(response)

    sixth = sign_in(client, "target@example.org", HTTP_X_FORWARDED_FOR="203.0.113.77")

    assert TOO_MANY in page_text(sixth)
    assert not is_signed_in(client)


def test_the_per_address_limit_reads_the_address_the_proxy_saw(client, settings):
    """Ten failures a minute from one client address, across accounts: what the
    client writes before the proxy's own entry in X-Forwarded-For is ignored."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    real_client = "203.0.113.9"
    for n in range(10):
        response = sign_in(
            client,
            f"person{n}@example.org",
            "wrong",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, {real_client}",
        )
        assert NOT_CORRECT in page_text(response)
    ParaFactory(email="fresh@example.org")

    from_same_client = sign_in(
        client, "fresh@example.org", HTTP_X_FORWARDED_FOR=f"192.0.2.1, {real_client}"
    )
    assert TOO_MANY in page_text(from_same_client)
    sign_in(client, "fresh@example.org", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.10")
    assert is_signed_in(client)


def test_production_shares_rate_limits_and_sessions_across_workers():
    result = run_with_production_settings(
        "import json\n"
        "from django.conf import settings\n"
        "print(json.dumps({'cache': settings.CACHES['default']['BACKEND'],"
        " 'proxies': settings.ALLAUTH_TRUSTED_PROXY_COUNT,"
        " 'sessions': settings.SESSION_ENGINE,"
        " 'mfa': settings.TANDEM_REQUIRE_STAFF_MFA}))"
    )
    assert result == {
        "cache": "django.core.cache.backends.db.DatabaseCache",
        "proxies": 1,
        "sessions": "django.contrib.sessions.backends.db",
        "mfa": True,
    }


# Enumeration ---------------------------------------------------------------


def test_log_in_answers_the_same_for_an_inactive_or_unknown_account(client):
    ParaFactory(email="known@example.org", is_active=False)
    known = sign_in(client, "known@example.org", "not-the-password")
    unknown = sign_in(client, "nobody@example.org", "not-the-password")
    assert known.status_code == unknown.status_code == HTTPStatus.OK
    assert page_text(known, "known@example.org") == page_text(unknown, "nobody@example.org")
    assert NOT_CORRECT in page_text(known)


def test_password_reset_answers_the_same_for_an_unknown_address(client):
    ParaFactory(email="known@example.org")
    url = reverse("account_reset_password")

    known = client.post(url, {"email": "known@example.org"}, follow=True)
    mail_for_known = list(mail.outbox)
    mail.outbox.clear()
    unknown = client.post(url, {"email": "nobody@example.org"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain
    assert known.redirect_chain[-1][0] == reverse("account_reset_password_done")
    assert page_text(known) == page_text(unknown)
    assert [message.to for message in mail_for_known] == [["known@example.org"]]
    # allauth's "unknown account" mail would invite a sign-up; there is none.
    assert mail.outbox == []


# MFA for staff ---------------------------------------------------------------


@pytest.fixture
def mfa_required(settings):
    settings.TANDEM_REQUIRE_STAFF_MFA = True


def wagtail_moderator():
    """Someone in a group made in Wagtail's admin, not one of Tandem's roles."""
    group, _ = Group.objects.get_or_create(name="Reviewers")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    return UserFactory(groups=["Reviewers"])


STAFF = {
    "school administrator": lambda: UserFactory(groups=[roles.SCHOOL_ADMINISTRATORS]),
    "district administrator": lambda: UserFactory(groups=[roles.DISTRICT_ADMINISTRATORS]),
    "editor": lambda: UserFactory(groups=[roles.EDITORS]),
    "superuser": lambda: UserFactory(is_superuser=True),
    "other admin group": wagtail_moderator,
}
GUARDED_PATHS = [
    "/admin/",
    "/admin/pages/",
    "/admin/users/",
    "/admin/reports/",
    "/admin/reports/completion/?export=csv",
    "/admin/reports/pair-health/export/xlsx/",
    "/documents/",
    "/learning/",
    "/pairs/",
    "/accounts/email/",
    "/accounts/password/change/",
]


def assert_sent_to(response, view_name):
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse(view_name) + "?next=")


@pytest.mark.parametrize("who", STAFF)
def test_every_kind_of_staff_without_mfa_is_sent_to_set_it_up(client, mfa_required, who):
    client.force_login(STAFF[who]())
    assert_sent_to(client.get("/admin/"), "mfa_activate_totp")


@pytest.mark.parametrize("path", GUARDED_PATHS)
def test_no_page_is_open_to_a_staff_session_without_mfa(client, mfa_required, path):
    """Reports and exports to come under /admin/reports/ are held back too; so is
    the front end, where school administrators read pairs' records."""
    client.force_login(UserFactory(groups=[roles.SCHOOL_ADMINISTRATORS]))
    response = client.get(path)
    assert_sent_to(response, "mfa_activate_totp")
    assert response.url.endswith(quote(path, safe=""))


def test_learners_are_not_asked_for_mfa(client, mfa_required):
    client.force_login(ParaFactory())
    assert client.get(reverse("my_learning")).status_code == HTTPStatus.OK


@pytest.mark.parametrize("view_name", ["mfa_index", "account_reauthenticate"])
def test_a_staff_member_without_mfa_can_reach_its_set_up(client, mfa_required, view_name):
    sign_in(client, UserFactory(groups=[roles.EDITORS]).email)
    assert client.get(reverse(view_name)).status_code == HTTPStatus.OK


@pytest.mark.parametrize("view_name", ["account_logout", "wagtailadmin_logout"])
def test_a_staff_member_without_mfa_can_sign_out(client, mfa_required, view_name):
    client.force_login(UserFactory(groups=[roles.EDITORS]))
    client.post(reverse(view_name))
    assert not is_signed_in(client)


def test_staff_set_up_mfa_then_reach_the_admin(client, mfa_required, monkeypatch):
    # Outside a test's transaction, allauth's on-commit work runs within the request.
    monkeypatch.setattr("django.db.transaction.on_commit", lambda func, **kwargs: func())
    editor = UserFactory(groups=[roles.EDITORS])
    # An address added on the account page and never verified does not block MFA.
    EmailAddress.objects.create(user=editor, email="second@example.org", verified=False)
    sign_in(client, editor.email)
    to_set_up = client.get(reverse("wagtailadmin_home"))
    assert to_set_up.url.startswith(reverse("mfa_activate_totp"))

    # allauth asks for the password again before a factor is added.
    to_reauthenticate = client.get(to_set_up.url)
    assert to_reauthenticate.url.startswith(reverse("account_reauthenticate"))
    back = client.post(to_reauthenticate.url, {"password": PASSWORD})
    assert client.get(back.url).status_code == HTTPStatus.OK
    secret = client.session["mfa.totp.secret"]
    activated = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert activated.status_code == HTTPStatus.FOUND
    assert client.get(reverse("wagtailadmin_home")).status_code == HTTPStatus.OK


def test_staff_who_signed_in_with_their_code_reach_the_admin(client, mfa_required):
    editor = UserFactory(groups=[roles.EDITORS])
    secret = give_totp(editor)

    signed_in = sign_in_with_mfa(client, editor, secret)

    assert signed_in.status_code == HTTPStatus.FOUND
    assert client.get(reverse("wagtailadmin_home")).status_code == HTTPStatus.OK


def password_only_session(client, user):
    """A session that has the password but not the code, as any way in other
    than allauth's full sign-in would give."""
    client.force_login(user)
    session = client.session
    session["account_authentication_methods"] = [{"method": "password", "at": 0}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


@pytest.mark.parametrize(
    "path",
    ["/admin/", "/accounts/2fa/", "/accounts/2fa/totp/deactivate/", "/accounts/reauthenticate/"],
)
def test_an_mfa_account_signed_in_by_password_alone_must_give_its_code(client, mfa_required, path):
    editor = UserFactory(groups=[roles.EDITORS])
    give_totp(editor)
    password_only_session(client, editor)

    response = client.get(path)

    # Not even the MFA pages, where a password alone could swap the factor.
    assert_sent_to(response, "mfa_reauthenticate")


def test_giving_the_code_opens_the_admin_to_a_password_only_session(client, mfa_required):
    editor = UserFactory(groups=[roles.EDITORS])
    secret = give_totp(editor)
    password_only_session(client, editor)

    response = client.post(
        f"{reverse('mfa_reauthenticate')}?next=/admin/", {"code": totp_code(secret)}
    )

    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_removing_mfa_sends_staff_back_to_set_it_up(client, mfa_required):
    from allauth.mfa.models import Authenticator

    editor = UserFactory(groups=[roles.EDITORS])
    secret = give_totp(editor)
    sign_in_with_mfa(client, editor, secret)
    Authenticator.objects.filter(user=editor).delete()

    assert client.get("/admin/").url.startswith(reverse("mfa_activate_totp"))


def test_a_wrong_code_does_not_sign_staff_in(client, mfa_required):
    editor = UserFactory(groups=[roles.EDITORS])
    give_totp(editor)
    sign_in(client, editor.email)

    client.post(reverse("mfa_authenticate"), {"code": "000000"})

    assert not is_signed_in(client)
    assert client.get("/admin/").url.startswith(reverse("account_login"))
