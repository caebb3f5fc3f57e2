"""ClassLink LaunchPad sign-in through allauth's OpenID Connect provider, with
discovery: the whole flow with ClassLink's answers mocked at the HTTP layer."""

from http import HTTPStatus

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse

from config.settings.sign_in import sign_in_providers
from tests.factories import TeacherFactory
from tests.provider_http import DISTRICT_DOMAIN, ProviderHttp, id_token, start_sign_in

pytestmark = pytest.mark.django_db

CLIENT_ID = "c1ass1ink-district"
ISSUER = "https://launchpad.classlink.com"
DISCOVERY = f"{ISSUER}/.well-known/openid-configuration"
TOKEN_URL = f"{ISSUER}/oauth2/v2/token"
USERINFO_URL = "https://nodeapi.classlink.com/v2/my/info"
LOGIN_URL = reverse("openid_connect_login", kwargs={"provider_id": "classlink"})
CALLBACK_URL = reverse("openid_connect_callback", kwargs={"provider_id": "classlink"})


@pytest.fixture
def classlink(settings):
    settings.TANDEM_DISTRICT_EMAIL_DOMAINS = [DISTRICT_DOMAIN]
    settings.SOCIALACCOUNT_PROVIDERS = sign_in_providers(
        {
            "CLASSLINK_CLIENT_ID": CLIENT_ID,
            "CLASSLINK_CLIENT_SECRET": "shh",
            "DISTRICT_EMAIL_DOMAINS": DISTRICT_DOMAIN,
        }
    )


@pytest.fixture
def http(monkeypatch) -> ProviderHttp:
    http = ProviderHttp()
    monkeypatch.setattr(requests.Session, "request", lambda s, *a, **k: http.request(s, *a, **k))
    http.answer(
        "GET",
        DISCOVERY,
        {
            "issuer": ISSUER,
            "authorization_endpoint": f"{ISSUER}/oauth2/v2/auth",
            "token_endpoint": TOKEN_URL,
            "userinfo_endpoint": USERINFO_URL,
            "jwks_uri": f"{ISSUER}/oauth2/v2/jwks",
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
        },
    )
    return http


def claims(email: str) -> dict:
    return {"iss": ISSUER, "aud": CLIENT_ID, "sub": "cl-2231907", "email": email}


def sign_in_with_classlink(client, http: ProviderHttp, email: str):
    sent = start_sign_in(client, LOGIN_URL)
    http.answer(
        "POST",
        TOKEN_URL,
        {"access_token": "at", "expires_in": 3600, "id_token": id_token(claims(email))},
    )
    http.answer("GET", USERINFO_URL, {**claims(email), "name": "Lee Park"})
    return sent, client.get(CALLBACK_URL, {"code": "c0de", "state": sent["state"][0]})


def test_the_endpoints_come_from_classlinks_discovery_document(client, classlink, http):
    sent = start_sign_in(client, LOGIN_URL)

    assert http.urls_asked() == [DISCOVERY]
    assert sent["_location"][0].startswith(f"{ISSUER}/oauth2/v2/auth?")
    assert "openid" in sent["scope"][0].split()


def test_a_teacher_of_the_district_signs_in_and_is_then_known_by_classlinks_id(
    client, classlink, http
):
    teacher = TeacherFactory(email=f"lee.park@{DISTRICT_DOMAIN}")

    _, response = sign_in_with_classlink(client, http, teacher.email)

    assert response["Location"] == reverse("start")
    assert client.session["_auth_user_id"] == str(teacher.pk)
    account = SocialAccount.objects.get(provider="classlink")
    assert (account.user, account.uid) == (teacher, "cl-2231907")


def test_an_address_from_another_domain_is_refused(client, classlink, http):
    TeacherFactory(email="lee.park@elsewhere.example")

    _, response = sign_in_with_classlink(client, http, "lee.park@elsewhere.example")

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not SocialAccount.objects.exists()


def test_someone_unknown_is_refused_and_nothing_is_created(client, classlink, http):
    people_before = get_user_model().objects.count()

    _, response = sign_in_with_classlink(client, http, f"new.hire@{DISTRICT_DOMAIN}")

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Ask your administrator" in response.content.decode()
    assert get_user_model().objects.count() == people_before
    assert not SocialAccount.objects.exists()


def test_an_id_token_for_another_app_is_refused(client, classlink, http):
    TeacherFactory(email=f"lee.park@{DISTRICT_DOMAIN}")
    sent = start_sign_in(client, LOGIN_URL)
    foreign = {**claims(f"lee.park@{DISTRICT_DOMAIN}"), "aud": "some-other-app"}
    http.answer("POST", TOKEN_URL, {"access_token": "at", "id_token": id_token(foreign)})
    http.answer("GET", USERINFO_URL, foreign)

    response = client.get(CALLBACK_URL, {"code": "c0de", "state": sent["state"][0]})

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert "ClassLink did not confirm who you are" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_error_from_classlink_signs_nobody_in(client, classlink, http):
    sent = start_sign_in(client, LOGIN_URL)

    response = client.get(CALLBACK_URL, {"error": "server_error", "state": sent["state"][0]})

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert "ClassLink did not confirm who you are" in response.content.decode()


def test_an_unknown_openid_provider_does_not_exist(client, classlink):
    url = reverse("openid_connect_login", kwargs={"provider_id": "someone-else"})

    assert client.post(url).status_code == HTTPStatus.NOT_FOUND
