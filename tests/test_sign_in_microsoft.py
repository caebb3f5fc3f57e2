"""Microsoft Entra ID sign-in, limited to the district's tenant: the whole flow with
Microsoft's answers mocked at the HTTP layer, and the ways it is refused."""

from http import HTTPStatus

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from config.settings.sign_in import sign_in_providers
from tests.factories import TeacherFactory
from tests.provider_http import DISTRICT_DOMAIN, ProviderHttp, id_token, start_sign_in

pytestmark = pytest.mark.django_db

TENANT = "7f3c1a52-0d4e-4b8a-9c61-2f5e8d9b0a17"
AUTHORITY = f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0"
GRAPH_ME = "https://graph.microsoft.com/v1.0/me"
CLIENT_ID = "b1e4c7d0-district-app"
ENVIRONMENT = {
    "MICROSOFT_CLIENT_ID": CLIENT_ID,
    "MICROSOFT_CLIENT_SECRET": "shh",
    "MICROSOFT_TENANT_ID": TENANT,
    "DISTRICT_EMAIL_DOMAINS": DISTRICT_DOMAIN,
}


@pytest.fixture
def microsoft(settings):
    settings.TANDEM_DISTRICT_EMAIL_DOMAINS = [DISTRICT_DOMAIN]
    settings.SOCIALACCOUNT_PROVIDERS = sign_in_providers(ENVIRONMENT)


@pytest.fixture
def http(monkeypatch) -> ProviderHttp:
    http = ProviderHttp()
    monkeypatch.setattr(requests.Session, "request", lambda s, *a, **k: http.request(s, *a, **k))
    return http


def graph_profile(mail: str, upn: str | None = None) -> dict:
    return {
        "id": "4a7e2c90-11b3-4f0e-8d2a-6c5b9e1f3d08",
        "displayName": "Sam Okafor",
        "givenName": "Sam",
        "surname": "Okafor",
        "mail": mail,
        "userPrincipalName": upn or mail,
    }


def token_answer(tenant: str = TENANT) -> dict:
    claims = {"iss": f"https://login.microsoftonline.com/{tenant}/v2.0", "aud": CLIENT_ID,
              "tid": tenant, "oid": "4a7e2c90-11b3-4f0e-8d2a-6c5b9e1f3d08"}  # fmt: skip
    return {"access_token": "at", "expires_in": 3600, "id_token": id_token(claims)}


def sign_in_with_microsoft(client, http: ProviderHttp, profile: dict, tenant: str = TENANT):
    sent = start_sign_in(client, reverse("microsoft_login"))
    http.answer("POST", f"{AUTHORITY}/token", token_answer(tenant))
    http.answer("GET", GRAPH_ME, profile)
    return sent, client.get(
        reverse("microsoft_callback"), {"code": "c0de", "state": sent["state"][0]}
    )


def test_a_member_of_the_districts_tenant_signs_in(client, microsoft, http):
    teacher = TeacherFactory(email=f"sam.okafor@{DISTRICT_DOMAIN}")

    sent, response = sign_in_with_microsoft(client, http, graph_profile(teacher.email))

    # Only the district's tenant is asked: Microsoft itself refuses anyone else's account.
    assert sent["_location"][0].startswith(f"{AUTHORITY}/authorize?")
    assert set(sent["scope"][0].split()) == {"openid", "User.Read"}
    assert http.urls_asked() == [f"{AUTHORITY}/token", GRAPH_ME]
    assert response["Location"] == reverse("start")
    assert client.session["_auth_user_id"] == str(teacher.pk)
    assert SocialAccount.objects.get(provider="microsoft").uid == graph_profile("")["id"]


def test_an_id_token_naming_another_tenant_is_refused(client, microsoft, http):
    TeacherFactory(email=f"sam.okafor@{DISTRICT_DOMAIN}")

    _, response = sign_in_with_microsoft(
        client, http, graph_profile(f"sam.okafor@{DISTRICT_DOMAIN}"), tenant="other-tenant-id"
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "belongs to another organisation" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()


def test_a_token_answer_without_an_id_token_signs_nobody_in(client, microsoft, http):
    TeacherFactory(email=f"sam.okafor@{DISTRICT_DOMAIN}")
    sent = start_sign_in(client, reverse("microsoft_login"))
    http.answer("POST", f"{AUTHORITY}/token", {"access_token": "at", "expires_in": 3600})
    http.answer("GET", GRAPH_ME, graph_profile(f"sam.okafor@{DISTRICT_DOMAIN}"))

    response = client.get(
        reverse("microsoft_callback"), {"code": "c0de", "state": sent["state"][0]}
    )

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert "_auth_user_id" not in client.session


def test_a_guest_invited_into_the_tenant_from_elsewhere_is_refused(client, microsoft, http):
    TeacherFactory(email=f"sam.okafor@{DISTRICT_DOMAIN}")
    guest = graph_profile(
        f"sam.okafor@{DISTRICT_DOMAIN}",
        upn="sam.okafor_othertenant.org#EXT#@lakeview.onmicrosoft.com",
    )

    _, response = sign_in_with_microsoft(client, http, guest)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "guest in your district" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()


def test_an_address_outside_the_districts_domains_matches_nobody(client, microsoft, http):
    TeacherFactory(email="sam.okafor@contractor.example")

    _, response = sign_in_with_microsoft(
        client, http, graph_profile("sam.okafor@contractor.example")
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not SocialAccount.objects.exists()


def test_someone_unknown_is_refused_and_nothing_is_created(client, microsoft, http):
    people_before = get_user_model().objects.count()

    _, response = sign_in_with_microsoft(client, http, graph_profile(f"new.hire@{DISTRICT_DOMAIN}"))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Ask your administrator" in response.content.decode()
    assert get_user_model().objects.count() == people_before
    assert not SocialAccount.objects.exists()


def test_a_person_who_already_has_another_microsoft_account_connected_is_refused(
    client, microsoft, http
):
    teacher = TeacherFactory(email=f"sam.okafor@{DISTRICT_DOMAIN}")
    SocialAccount.objects.create(user=teacher, provider="microsoft", uid="their-real-account")

    _, response = sign_in_with_microsoft(client, http, graph_profile(teacher.email))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert SocialAccount.objects.count() == 1


def test_an_error_page_from_microsoft_signs_nobody_in(client, microsoft, http):
    sent = start_sign_in(client, reverse("microsoft_login"))

    response = client.get(
        reverse("microsoft_callback"),
        {
            "error": "invalid_request",
            "error_description": "AADSTS50020: User account from identity provider does "
            "not exist in tenant.",
            "state": sent["state"][0],
        },
    )

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert "Microsoft did not confirm who you are" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_graph_error_signs_nobody_in(client, microsoft, http):
    sent = start_sign_in(client, reverse("microsoft_login"))
    http.answer("POST", f"{AUTHORITY}/token", token_answer())
    http.answer("GET", GRAPH_ME, {"error": {"message": "Access denied"}}, status=403)

    response = client.get(
        reverse("microsoft_callback"), {"code": "c0de", "state": sent["state"][0]}
    )

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert not SocialAccount.objects.exists()


@pytest.mark.parametrize("tenant", ["", "common", "organizations", "Consumers"])
def test_microsoft_is_not_switched_on_without_the_districts_own_tenant(tenant):
    with pytest.raises(ImproperlyConfigured, match="MICROSOFT_TENANT_ID"):
        sign_in_providers({**ENVIRONMENT, "MICROSOFT_TENANT_ID": tenant})
