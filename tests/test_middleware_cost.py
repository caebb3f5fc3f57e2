"""What the middleware stack costs a request, counted in queries, and the shortcuts
it takes to cost less: the same headers, answers and person as without them."""

from __future__ import annotations

import datetime
from http import HTTPStatus

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_removed
from csp.constants import HEADER, NONCE
from csp.decorators import csp_update
from csp.utils import build_policy
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix

from accounts import roles
from accounts.backends import AuthenticationBackend, people_with_access_flags
from accounts.middleware import (
    MFA_RECHECK_INTERVAL,
    WAGTAIL_LOG_IN_VIEWS,
    ContentSecurityPolicyMiddleware,
    path_of,
    paths_of,
)
from tests.factories import UserFactory

# fresh_cache: used TOTP codes are kept in the cache; each test starts with none.
from tests.security_helpers import fresh_cache, give_totp, sign_in_with_mfa  # noqa: F401

pytestmark = pytest.mark.django_db


def queries_for(client: Client, url: str) -> list[str]:
    client.get(url)  # sessions and caches warmed, as in a running site
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == HTTPStatus.OK
    return [query["sql"] for query in queries]


def test_a_visitor_on_the_trivial_view_costs_no_query():
    assert queries_for(Client(), reverse("robots_txt")) == []


def test_a_signed_in_request_costs_the_session_and_the_person_only(district):
    client = Client()
    client.force_login(district.para)
    queries = queries_for(client, reverse("robots_txt"))
    assert len(queries) == 2
    assert "django_session" in queries[0] and "accounts_user" in queries[1]


def test_a_signed_in_administrator_costs_their_groups_besides(district):
    """Staff are few; flags for their groups on everyone's one query would cost
    every learner more (0.2 ms of building the query) than the query saves."""
    client = Client()
    client.force_login(district.school_admin)
    queries = queries_for(client, reverse("robots_txt"))
    assert len(queries) == 3
    assert "auth_group" in queries[2]


def front_end_policy() -> str:
    return build_policy()


def admin_policy() -> str:
    return build_policy(config=settings.TANDEM_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])


def test_the_kept_policies_are_what_django_csp_builds():
    assert Client().get(reverse("robots_txt"))[HEADER] == front_end_policy()
    response = Client().get(reverse("wagtailadmin_login"))
    assert response[HEADER] == admin_policy()
    assert admin_policy() != front_end_policy()


def test_changed_settings_change_the_kept_policy():
    directives = {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "img-src": ["'self'"]}
    Client().get(reverse("robots_txt"))
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": directives}):
        header = Client().get(reverse("robots_txt"))[HEADER]
    assert "img-src 'self'" in header.split("; ") and "data:" not in header


def respond(middleware_view):
    return ContentSecurityPolicyMiddleware(middleware_view)(RequestFactory().get("/robots.txt"))


def test_a_views_own_policy_and_a_nonce_still_go_through_django_csp():
    @csp_update({"img-src": "https://images.example.org"})
    def with_update(request):
        return HttpResponse()

    assert "https://images.example.org" in respond(with_update)[HEADER]

    def with_nonce(request):
        return HttpResponse(str(request.csp_nonce))

    directives = {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "script-src": ["'self'", NONCE]}
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": directives}):
        response = respond(with_nonce)
    assert f"'nonce-{response.content.decode()}'" in response[HEADER]


def test_paths_are_kept_per_script_prefix():
    try:
        set_script_prefix("/tandem/")
        assert path_of("account_login") == "/tandem/accounts/login/"
    finally:
        set_script_prefix("/")
    assert path_of("account_login") == reverse("account_login") == "/accounts/login/"


def test_sets_of_paths_are_kept_per_script_prefix():
    try:
        set_script_prefix("/tandem/")
        assert paths_of(WAGTAIL_LOG_IN_VIEWS) == {"/tandem/admin/login/", "/tandem/_util/login/"}
    finally:
        set_script_prefix("/")
    assert paths_of(WAGTAIL_LOG_IN_VIEWS) == {reverse(name) for name in WAGTAIL_LOG_IN_VIEWS}


# Staff under MFA ----------------------------------------------------------------------


@pytest.fixture
def mfa_required(settings):
    settings.TANDEM_REQUIRE_STAFF_MFA = True


@pytest.fixture
def editor_with_mfa(mfa_required, client):
    editor = UserFactory(groups=[roles.EDITORS])
    secret = give_totp(editor)
    sign_in_with_mfa(client, editor, secret)
    assert client.session["_auth_user_id"] == str(editor.pk)
    return editor


def test_a_staff_session_that_passed_mfa_costs_no_query_for_its_authenticators(
    client, editor_with_mfa
):
    queries = queries_for(client, reverse("robots_txt"))
    assert len(queries) == 3
    assert not [query for query in queries if "mfa_authenticator" in query]


def test_the_account_is_asked_again_whether_it_has_mfa_after_the_interval(
    client, editor_with_mfa, clock
):
    queries_for(client, reverse("robots_txt"))
    Authenticator.objects.filter(user=editor_with_mfa).delete()  # as another session might
    assert client.get(reverse("robots_txt")).status_code == HTTPStatus.OK
    clock.move_to(clock.now() + datetime.timedelta(seconds=MFA_RECHECK_INTERVAL + 1))
    response = client.get(reverse("robots_txt"))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_removing_an_authenticator_in_this_session_is_seen_at_once(client, editor_with_mfa):
    queries_for(client, reverse("robots_txt"))
    request = RequestFactory().get("/")
    request.session = client.session
    authenticator = Authenticator.objects.get(user=editor_with_mfa)
    authenticator_removed.send(
        sender=Authenticator, request=request, user=editor_with_mfa, authenticator=authenticator
    )
    request.session.save()
    authenticator.delete()
    response = client.get(reverse("robots_txt"))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("mfa_activate_totp"))


# The person, from SQL compiled once ---------------------------------------------------


def test_the_person_loaded_for_a_request_is_the_one_the_orm_loads(district):
    backend = AuthenticationBackend()
    for person in (district.para, district.school_admin, district.editor):
        loaded = backend.get_user(person.pk)
        expected = people_with_access_flags().get(pk=person.pk)
        fields = {name: value for name, value in vars(expected).items() if name != "_state"}
        assert {name: getattr(loaded, name) for name in fields} == fields
        assert not loaded._state.adding and loaded._state.db == "default"


def test_no_person_for_an_unknown_or_inactive_account(district):
    backend = AuthenticationBackend()
    assert backend.get_user(10**9) is None
    district.para.is_active = False
    district.para.save()
    assert backend.get_user(district.para.pk) is None
