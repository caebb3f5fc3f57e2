"""Clever sign-in: least scope, matched by Clever's own id, launches from the Clever
portal (no state) restarted, with Clever's answers mocked at the HTTP layer."""

from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse

from config.settings.sign_in import sign_in_providers
from tests.factories import ParaFactory
from tests.provider_http import DISTRICT_DOMAIN, ProviderHttp, start_sign_in

pytestmark = pytest.mark.django_db

DISTRICT_ID = "5b2ad81a709e300001e2cd7a"
CLEVER_ID = "58da8c6b894273be680001fc"
TOKEN_URL = "https://clever.com/oauth/tokens"
ME_URL = "https://api.clever.com/v3.0/me"
USER_URL = f"https://api.clever.com/v3.0/users/{CLEVER_ID}"


@pytest.fixture
def clever(settings):
    settings.TANDEM_DISTRICT_EMAIL_DOMAINS = [DISTRICT_DOMAIN]
    settings.SOCIALACCOUNT_PROVIDERS = sign_in_providers(
        {
            "CLEVER_CLIENT_ID": "c1ever-client",
            "CLEVER_CLIENT_SECRET": "shh",
            "CLEVER_DISTRICT_ID": DISTRICT_ID,
            "DISTRICT_EMAIL_DOMAINS": DISTRICT_DOMAIN,
        }
    )


@pytest.fixture
def http(monkeypatch) -> ProviderHttp:
    http = ProviderHttp()
    monkeypatch.setattr(requests.Session, "request", lambda s, *a, **k: http.request(s, *a, **k))
    return http


def clever_user(email: str | None = None, district: str = DISTRICT_ID, role: str = "staff"):
    user = {
        "id": CLEVER_ID,
        "district": district,
        "name": {"first": "Dana", "last": "Whitfield"},
        "roles": {role: {"credentials": {"district_username": "dwhitfield"}}},
    }
    if email:
        user["email"] = email
    return {"data": user, "links": []}


def answer_clever(http: ProviderHttp, user: dict) -> None:
    http.answer("POST", TOKEN_URL, {"access_token": "at", "token_type": "bearer"})
    http.answer("GET", ME_URL, {"data": {"id": CLEVER_ID, "type": "user"}})
    http.answer("GET", USER_URL, user)


def sign_in_with_clever(client, http: ProviderHttp, user: dict):
    sent = start_sign_in(client, reverse("clever_login"))
    answer_clever(http, user)
    return sent, client.get(reverse("clever_callback"), {"code": "c0de", "state": sent["state"][0]})


def test_clever_is_asked_for_the_persons_id_alone(client, clever):
    sent = start_sign_in(client, reverse("clever_login"))

    assert sent["_location"][0].startswith("https://clever.com/oauth/authorize?")
    assert sent["scope"] == ["read:user_id"]


def test_a_person_with_a_district_address_is_connected_then_known_by_clever_id(
    client, clever, http
):
    para = ParaFactory(email=f"dana.whitfield@{DISTRICT_DOMAIN}")

    _, response = sign_in_with_clever(client, http, clever_user(para.email))

    assert response["Location"] == reverse("start")
    assert client.session["_auth_user_id"] == str(para.pk)
    assert SocialAccount.objects.get(provider="clever").uid == CLEVER_ID

    # Next time Clever sends no address at all: the Clever id is enough.
    client.logout()
    _, response = sign_in_with_clever(client, http, clever_user(email=None))

    assert response["Location"] == reverse("start")
    assert client.session["_auth_user_id"] == str(para.pk)


def test_a_launch_from_the_clever_portal_without_state_starts_again(client, clever, http):
    para = ParaFactory(email=f"dana.whitfield@{DISTRICT_DOMAIN}")
    SocialAccount.objects.create(user=para, provider="clever", uid=CLEVER_ID)

    launch = client.get(reverse("clever_callback"), {"code": "portal-code", "scope": "x"})

    # Back to Clever with a state of this site's own, which Clever hands back.
    assert launch.status_code == HTTPStatus.FOUND
    assert launch["Location"].startswith("https://clever.com/oauth/authorize?")
    state = parse_qs(urlsplit(launch["Location"]).query)["state"][0]
    answer_clever(http, clever_user())
    response = client.get(reverse("clever_callback"), {"code": "c0de", "state": state})

    assert response["Location"] == reverse("start")
    assert client.session["_auth_user_id"] == str(para.pk)
    # The code the portal sent was never exchanged.
    assert [kw["data"]["code"] for method, _, kw in http.asked if method == "POST"] == ["c0de"]


def test_a_callback_with_neither_code_nor_state_is_an_error_page(client, clever, http):
    response = client.get(reverse("clever_callback"), {"error": "access_denied"})

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert "Clever did not confirm who you are" in response.content.decode()


def test_a_clever_user_of_another_district_is_refused(client, clever, http):
    ParaFactory(email=f"dana.whitfield@{DISTRICT_DOMAIN}")

    _, response = sign_in_with_clever(
        client, http, clever_user(f"dana.whitfield@{DISTRICT_DOMAIN}", district="other")
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "another district" in response.content.decode()
    assert not SocialAccount.objects.exists()


def test_a_student_is_refused(client, clever, http):
    _, response = sign_in_with_clever(client, http, clever_user(role="student"))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Students do not have Tandem accounts" in response.content.decode()
    assert not SocialAccount.objects.exists()


def test_someone_without_an_address_and_not_yet_connected_asks_an_administrator(
    client, clever, http
):
    ParaFactory(first_name="Dana", last_name="Whitfield", username="dwhitfield", email="")
    people_before = get_user_model().objects.count()

    # Same name and district username, but no Clever id on file: a name proves nothing.
    _, response = sign_in_with_clever(client, http, clever_user(email=None))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Ask your administrator" in response.content.decode()
    assert get_user_model().objects.count() == people_before
    assert not SocialAccount.objects.exists()


def test_an_error_from_the_clever_api_signs_nobody_in(client, clever, http):
    sent = start_sign_in(client, reverse("clever_login"))
    http.answer("POST", TOKEN_URL, {"access_token": "at", "token_type": "bearer"})
    http.answer("GET", ME_URL, "<html>Bad gateway</html>", status=502)

    response = client.get(reverse("clever_callback"), {"code": "c0de", "state": sent["state"][0]})

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert "_auth_user_id" not in client.session
