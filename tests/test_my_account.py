"""My account: a person's details, and each way they sign in, on one page."""

from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from accounts.models import EmailNotifications
from config.settings.sign_in import sign_in_providers
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SWITCHED_ON = {
    "DISTRICT_EMAIL_DOMAINS": "lakeview.k12.us",
    **{f"{name}_CLIENT_ID": "id" for name in ("GOOGLE", "CLEVER")},
    **{f"{name}_CLIENT_SECRET": "s" for name in ("GOOGLE", "CLEVER")},
    "CLEVER_DISTRICT_ID": "5b2ad81a709e300001e2cd7a",
}


def test_a_person_changes_their_name_language_and_notifications(client, para):
    client.force_login(para)

    response = client.post(
        reverse("my_account"),
        {
            "first_name": "Ana",
            "last_name": "Ruiz Soto",
            "language": "es",
            "email_notifications": EmailNotifications.DAILY,
        },
    )

    assert response["Location"] == reverse("my_account")
    para.refresh_from_db()
    assert (para.first_name, para.last_name, para.language, para.email_notifications) == (
        "Ana",
        "Ruiz Soto",
        "es",
        EmailNotifications.DAILY,
    )


def test_a_bad_choice_is_refused_and_nothing_is_saved(client, para):
    client.force_login(para)
    name_before = para.first_name

    response = client.post(
        reverse("my_account"),
        {"first_name": "Changed", "last_name": "X", "language": "klingon",
         "email_notifications": "hourly"},
    )  # fmt: skip

    assert response.status_code == HTTPStatus.OK
    assert "Select a valid choice" in response.content.decode()
    para.refresh_from_db()
    assert para.first_name == name_before


def test_the_page_says_how_the_person_signs_in(client, para):
    SocialAccount.objects.create(user=para, provider="google", uid="1083746")
    client.force_login(para)

    page = client.get(reverse("my_account")).content.decode()

    assert "You have a password." in page
    assert "You have 0 passkeys." in page
    assert reverse("mfa_add_webauthn") in page
    assert reverse("socialaccount_connections") in page
    assert "Google" in page
    assert reverse("sign_out_everywhere") in page


def test_role_fields_and_staff_flags_cannot_be_set_from_the_page(client, para):
    client.force_login(para)

    client.post(
        reverse("my_account"),
        {"first_name": "Ana", "last_name": "Ruiz", "language": "", "email_notifications": "off",
         "role": "teacher", "is_staff": "on", "is_superuser": "on", "username": "root"},
    )  # fmt: skip

    para.refresh_from_db()
    assert para.is_para and not para.is_staff and not para.is_superuser
    assert para.username != "root"


def test_sign_out_everywhere_ends_every_session_of_the_person(para, teacher):
    phone, laptop, someone_else = Client(), Client(), Client()
    for device in (phone, laptop):
        device.post(reverse("account_login"), {"login": para.username, "password": PASSWORD})
    someone_else.post(reverse("account_login"), {"login": teacher.username, "password": PASSWORD})
    assert UserSession.objects.filter(user=para).count() == 2

    response = phone.post(reverse("sign_out_everywhere"))

    assert response["Location"] == reverse("account_login")
    for device in (phone, laptop):
        assert device.get(reverse("my_account")).status_code == HTTPStatus.FOUND
    assert someone_else.get(reverse("my_account")).status_code == HTTPStatus.OK
    assert UserSession.objects.purge_and_list(para) == []


def test_where_you_are_signed_in_lists_each_session_as_it_signed_in(client, para):
    """Sessions are recorded at sign-in; pages opened afterwards write nothing to
    them (allauth's activity tracking, a save on every request, is off)."""
    client.post(
        reverse("account_login"),
        {"login": para.username, "password": PASSWORD},
        HTTP_USER_AGENT="Phone browser",
    )
    signed_in = UserSession.objects.get(user=para)

    for name in ("my_learning", "my_account"):
        response = client.get(reverse(name), HTTP_USER_AGENT="Laptop browser")
        assert response.status_code == HTTPStatus.OK
    page = client.get(reverse("usersessions_list"))

    assert page.status_code == HTTPStatus.OK
    assert "Phone browser" in page.text
    assert "Laptop browser" not in page.text
    assert UserSession.objects.get(user=para).last_seen_at == signed_in.last_seen_at


def test_the_email_page_says_what_each_button_does_to_each_address(client, para):
    EmailAddress.objects.create(user=para, email=para.email, primary=True, verified=True)
    EmailAddress.objects.create(user=para, email="ana.home@example.net", verified=False)
    client.force_login(para)

    page = client.get(reverse("account_email")).content.decode()

    assert "Make ana.home@example.net my main address" in page
    assert "Send the confirmation email to ana.home@example.net again" in page
    assert "Remove ana.home@example.net from my account" in page
    # The main, confirmed address offers none of these.
    assert f"Remove {para.email}" not in page
    assert "Make Primary" not in page and "Unverified" not in page


def test_removing_an_extra_address_from_its_own_button(client, para):
    EmailAddress.objects.create(user=para, email=para.email, primary=True, verified=True)
    EmailAddress.objects.create(user=para, email="ana.home@example.net", verified=False)
    client.force_login(para)

    client.post(reverse("account_email"), {"action_remove": "", "email": "ana.home@example.net"})

    assert list(EmailAddress.objects.filter(user=para).values_list("email", flat=True)) == [
        para.email
    ]


def test_staff_find_two_factor_set_up_on_the_admins_account_page(client, district):
    client.force_login(district.school_admin)

    page = client.get(reverse("wagtailadmin_account")).content.decode()

    assert reverse("mfa_index") in page
    assert "Two-factor authentication" in page


def test_a_person_adds_a_passkey_from_the_account_page_after_their_password(client, para):
    client.force_login(para)

    asked = client.get(reverse("mfa_add_webauthn"))
    assert asked.status_code == HTTPStatus.FOUND
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    client.post(asked["Location"], {"password": PASSWORD})
    page = client.get(reverse("mfa_add_webauthn"))

    assert page.status_code == HTTPStatus.OK
    # The browser's passkey prompt is started by allauth's script, served from here.
    assert "mfa/js/webauthn.js" in page.content.decode()
    assert 'id="mfa_webauthn_add"' in page.content.decode()


def test_connected_sign_ins_each_have_their_own_disconnect_button(client, para, settings):
    settings.SOCIALACCOUNT_PROVIDERS = sign_in_providers(SWITCHED_ON)
    google = SocialAccount.objects.create(user=para, provider="google", uid="1083746")
    SocialAccount.objects.create(user=para, provider="clever", uid="58da8c6b")
    client.force_login(para)

    page = client.get(reverse("socialaccount_connections")).content.decode()
    assert "Disconnect Google" in page and "Disconnect Clever" in page
    # Disconnecting asks for the password again first.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.post(reverse("socialaccount_connections"), {"account": google.pk})

    assert list(SocialAccount.objects.filter(user=para).values_list("provider", flat=True)) == [
        "clever"
    ]


def test_a_connection_to_a_provider_switched_off_since_is_shown_without_a_button(client, para):
    SocialAccount.objects.create(user=para, provider="clever", uid="58da8c6b")
    client.force_login(para)

    response = client.get(reverse("socialaccount_connections"))

    assert response.status_code == HTTPStatus.OK
    assert "switched sign-in with Clever off" in response.content.decode()
    assert "Disconnect Clever" not in response.content.decode()


def test_the_last_way_in_cannot_be_disconnected(client, para, settings):
    settings.SOCIALACCOUNT_PROVIDERS = sign_in_providers(SWITCHED_ON)
    para.set_unusable_password()
    para.save()
    google = SocialAccount.objects.create(user=para, provider="google", uid="1083746")
    client.force_login(para)

    response = client.post(reverse("socialaccount_connections"), {"account": google.pk})

    assert response.status_code == HTTPStatus.OK
    assert 'role="alert"' in response.content.decode()
    assert SocialAccount.objects.filter(pk=google.pk).exists()


def test_the_two_factor_page_says_what_each_link_does(client, para):
    client.force_login(para)

    page = client.get(reverse("mfa_index")).content.decode()

    assert "Set up an authenticator app" in page
    assert "Add a passkey" in page
    assert reverse("mfa_activate_totp") in page and reverse("mfa_add_webauthn") in page
    assert ">Activate<" not in page
