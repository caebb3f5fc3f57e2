"""Google Workspace sign-in: the whole flow, with Google's answers mocked at the
HTTP layer, and the ways it is refused."""

from http import HTTPStatus

import pytest
import requests
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.auth import get_user_model
from django.urls import reverse

from config.settings.sign_in import sign_in_providers
from tests.factories import ParaFactory
from tests.provider_http import DISTRICT_DOMAIN, ProviderHttp, id_token, start_sign_in

pytestmark = pytest.mark.django_db

CLIENT_ID = "district-client.apps.googleusercontent.com"
TOKEN_URL = "https://oauth2.googleapis.com/token"


@pytest.fixture
def google(settings):
    settings.TANDEM_DISTRICT_EMAIL_DOMAINS = [DISTRICT_DOMAIN]
    settings.SOCIALACCOUNT_PROVIDERS = sign_in_providers(
        {
            "GOOGLE_CLIENT_ID": CLIENT_ID,
            "GOOGLE_CLIENT_SECRET": "shh",
            "DISTRICT_EMAIL_DOMAINS": DISTRICT_DOMAIN,
        }
    )


@pytest.fixture
def http(monkeypatch) -> ProviderHttp:
    http = ProviderHttp()
    monkeypatch.setattr(requests.Session, "request", lambda s, *a, **k: http.request(s, *a, **k))
    return http


def google_claims(email: str, hd: str | None = DISTRICT_DOMAIN, **extra) -> dict:
    claims = {
        "iss": "https://accounts.google.com",
        "aud": CLIENT_ID,
        "sub": "108374650192837465",
        "email": email,
        "email_verified": True,
        "given_name": "Rosa",
        "family_name": "Diaz",
        **extra,
    }
    if hd is not None:
        claims["hd"] = hd
    return claims


def answer_token(http: ProviderHttp, claims: dict) -> None:
    http.answer(
        "POST", TOKEN_URL, {"access_token": "at", "expires_in": 3600, "id_token": id_token(claims)}
    )


def sign_in_with_google(client, http: ProviderHttp, claims: dict):
    sent = start_sign_in(client, reverse("google_login"))
    answer_token(http, claims)
    return sent, client.get(reverse("google_callback"), {"code": "c0de", "state": sent["state"][0]})


def test_a_person_of_the_district_signs_in_and_is_connected(client, google, http):
    para = ParaFactory(email=f"rosa.diaz@{DISTRICT_DOMAIN}")

    sent, response = sign_in_with_google(client, http, google_claims(para.email))

    assert sent["_location"][0].startswith("https://accounts.google.com/o/oauth2/v2/auth")
    assert sent["hd"] == [DISTRICT_DOMAIN]
    assert set(sent["scope"][0].split()) == {"openid", "email", "profile"}
    assert "code_challenge" in sent
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("start")
    assert client.session["_auth_user_id"] == str(para.pk)
    assert SocialAccount.objects.get(provider="google").user == para
    # The password the person may have set still works: nothing was wiped.
    para.refresh_from_db()
    assert para.has_usable_password()


def test_the_next_sign_in_is_matched_by_googles_id_not_the_email(client, google, http):
    para = ParaFactory(email=f"rosa.diaz@{DISTRICT_DOMAIN}")
    SocialAccount.objects.create(user=para, provider="google", uid="108374650192837465")

    # The address changed at Google; the account is still the person's.
    _, response = sign_in_with_google(
        client, http, google_claims(f"rosa.diaz-lopez@{DISTRICT_DOMAIN}")
    )

    assert response["Location"] == reverse("start")
    assert client.session["_auth_user_id"] == str(para.pk)


def test_a_google_account_of_another_domain_is_refused(client, google, http):
    ParaFactory(email=f"rosa.diaz@{DISTRICT_DOMAIN}")

    # The address is the district's, but the account is not the Workspace's: the
    # hd parameter sent to Google is only a hint, and this is what Google signed.
    _, response = sign_in_with_google(
        client, http, google_claims(f"rosa.diaz@{DISTRICT_DOMAIN}", hd="gmail-lookalike.org")
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "not one of your district" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()


def test_a_personal_google_account_without_hd_is_refused(client, google, http):
    _, response = sign_in_with_google(client, http, google_claims("rosa@gmail.com", hd=None))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "_auth_user_id" not in client.session


def test_someone_the_district_has_not_invited_is_refused_and_nothing_is_created(
    client, google, http
):
    people_before = get_user_model().objects.count()

    _, response = sign_in_with_google(client, http, google_claims(f"new.hire@{DISTRICT_DOMAIN}"))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Ask your administrator" in response.content.decode()
    assert get_user_model().objects.count() == people_before
    assert not SocialAccount.objects.exists()
    assert "_auth_user_id" not in client.session


def test_an_unverified_address_does_not_match_anyone(client, google, http):
    ParaFactory(email=f"rosa.diaz@{DISTRICT_DOMAIN}")

    _, response = sign_in_with_google(
        client, http, google_claims(f"rosa.diaz@{DISTRICT_DOMAIN}", email_verified=False)
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not SocialAccount.objects.exists()


def test_a_deactivated_person_does_not_get_in(client, google, http):
    ParaFactory(email=f"rosa.diaz@{DISTRICT_DOMAIN}", is_active=False)

    _, response = sign_in_with_google(client, http, google_claims(f"rosa.diaz@{DISTRICT_DOMAIN}"))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "_auth_user_id" not in client.session


def test_an_error_from_google_shows_a_plain_page(client, google, http):
    sent = start_sign_in(client, reverse("google_login"))

    response = client.get(
        reverse("google_callback"), {"error": "server_error", "state": sent["state"][0]}
    )

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert "Google did not confirm who you are" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_failed_token_exchange_shows_the_same_page(client, google, http):
    sent = start_sign_in(client, reverse("google_login"))
    http.answer("POST", TOKEN_URL, {"error": "invalid_grant"}, status=400)

    response = client.get(reverse("google_callback"), {"code": "old", "state": sent["state"][0]})

    assert "Google did not confirm who you are" in response.content.decode()
    assert not SocialAccount.objects.exists()


def test_the_sign_in_page_offers_google_when_it_is_configured(client, google):
    page = client.get(reverse("account_login")).content.decode()

    assert "Sign in with Google" in page
    assert f'action="{reverse("google_login")}' in page


def test_without_configuration_no_provider_is_offered_or_reachable(client):
    page = client.get(reverse("account_login")).content.decode()

    assert "Sign in with" not in page.replace("Sign in with a passkey", "")
    assert client.post(reverse("google_login")).status_code == HTTPStatus.NOT_FOUND


def test_an_app_stored_in_the_database_opens_no_way_in(client, db):
    SocialApp.objects.create(provider="google", name="Google", client_id="x", secret="y")

    page = client.get(reverse("account_login")).content.decode()

    assert "Sign in with Google" not in page
    assert client.post(reverse("google_login")).status_code == HTTPStatus.NOT_FOUND


def test_a_signed_in_person_connects_their_school_google_account(client, google, http):
    para = ParaFactory(email="ana.home@example.net")
    client.force_login(para)

    sent = start_sign_in(client, reverse("google_login") + "?process=connect")
    answer_token(http, google_claims(f"a.ruiz@{DISTRICT_DOMAIN}"))
    response = client.get(reverse("google_callback"), {"code": "c0de", "state": sent["state"][0]})

    assert response.status_code == HTTPStatus.FOUND
    assert SocialAccount.objects.get(provider="google").user == para
    # From now on Google signs them in, matched by Google's id.
    client.logout()
    _, response = sign_in_with_google(client, http, google_claims(f"a.ruiz@{DISTRICT_DOMAIN}"))
    assert client.session["_auth_user_id"] == str(para.pk)


def test_connecting_a_google_account_of_another_domain_is_refused(client, google, http):
    para = ParaFactory(email="ana.home@example.net")
    client.force_login(para)

    sent = start_sign_in(client, reverse("google_login") + "?process=connect")
    answer_token(http, google_claims("ana@gmail.com", hd=None))
    response = client.get(reverse("google_callback"), {"code": "c0de", "state": sent["state"][0]})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not SocialAccount.objects.exists()
