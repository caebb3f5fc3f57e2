from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts import roles
from accounts.backends import AuthenticationBackend
from tests.factories import PASSWORD, ParaFactory, UserFactory
from tests.security_helpers import fresh_cache  # noqa: F401 - autouse: no leftover rate limits

pytestmark = pytest.mark.django_db


def sign_in(client, login, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def test_para_signs_in_by_email_and_lands_on_my_learning(client):
    para = ParaFactory(email="gabe@example.org")
    response = sign_in(client, "gabe@example.org")
    assert response.status_code == HTTPStatus.FOUND
    assert client.get(response.url, follow=True).redirect_chain[-1][0] == reverse("my_learning")
    assert int(client.session["_auth_user_id"]) == para.pk


def test_signing_in_with_no_language_chosen_keeps_the_one_it_was_served_in(client):
    para = ParaFactory(email="ana@example.org", language="")
    spanish_browser = {"HTTP_ACCEPT_LANGUAGE": "es-US,es;q=0.9,en;q=0.5"}
    client.post(
        reverse("account_login"),
        {"login": "ana@example.org", "password": PASSWORD},
        **spanish_browser,
    )
    para.refresh_from_db()
    assert para.language == "es"  # so an email sent while she is away is in Spanish

    # Once there is a choice, another browser's language does not change it.
    client.logout()
    client.post(
        reverse("account_login"),
        {"login": "ana@example.org", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9",
    )
    para.refresh_from_db()
    assert para.language == "es"


def test_staff_without_email_signs_in_by_username_and_lands_in_admin(client):
    UserFactory(username="pdlead", email="", groups=[roles.EDITORS])
    response = sign_in(client, "pdlead")
    final = client.get(response.url, follow=True)
    assert final.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    assert final.status_code == HTTPStatus.OK


def test_wrong_password_does_not_say_whether_the_account_exists(client):
    ParaFactory(email="known@example.org")
    known = sign_in(client, "known@example.org", "not-the-password")
    unknown = sign_in(client, "nobody@example.org", "not-the-password")
    assert known.status_code == unknown.status_code == HTTPStatus.OK
    assert known.context["form"].errors == unknown.context["form"].errors
    assert "not correct" in str(known.context["form"].errors)


def test_there_is_no_open_sign_up(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.org",
            "username": "new",
            "password1": "x" * 12,
            "password2": "x" * 12,
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert "closed" in response.content.decode().lower()
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="new").exists()


def test_sixth_failed_log_in_within_five_minutes_is_refused(client):
    ParaFactory(email="target@example.org")
    for _ in range(5):
        failed = sign_in(client, "target@example.org", "wrong")
        assert failed.status_code == HTTPStatus.OK
        assert "not correct" in str(failed.context["form"].errors)
    # Refused even with the right password: allauth answers on the form, not with a 429.
    sixth = sign_in(client, "target@example.org", PASSWORD)
    assert sixth.status_code == HTTPStatus.OK
    assert "Too many failed login attempts" in str(sixth.context["form"].errors)
    assert "_auth_user_id" not in client.session


def test_wagtail_admin_log_in_goes_through_allauth(client):
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login"))


def test_email_is_unique_case_insensitively(db):
    from django.db import IntegrityError, transaction

    UserFactory(email="Same@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="same@EXAMPLE.org")
    # Staff without an address do not collide with each other.
    UserFactory(email="")
    UserFactory(email="")


@pytest.mark.parametrize(
    "settings_override, expect_redirect",
    [(True, True), (False, False)],
)
def test_staff_need_mfa_before_the_admin_when_required(
    client, settings, settings_override, expect_redirect
):
    settings.TANDEM_REQUIRE_STAFF_MFA = settings_override
    admin = UserFactory(groups=[roles.SCHOOL_ADMINISTRATORS])
    client.force_login(admin)
    response = client.get(reverse("wagtailadmin_home"))
    if expect_redirect:
        assert response.status_code == HTTPStatus.FOUND
        assert response.url.startswith(reverse("mfa_activate_totp"))
    else:
        assert response.status_code == HTTPStatus.OK


def test_signed_in_pages_are_not_cached(client):
    client.force_login(ParaFactory())
    assert client.get(reverse("my_learning"))["Cache-Control"] == "no-store"


# The person loaded for each request ------------------------------------------


def wagtail_access_permission():
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


def given_admin_access_directly():
    person = UserFactory()
    person.user_permissions.add(wagtail_access_permission())
    return person


def in_a_group_made_in_the_admin():
    group, _ = Group.objects.get_or_create(name="Reviewers")
    group.permissions.add(wagtail_access_permission())
    return UserFactory(groups=["Reviewers"])


PEOPLE = {
    "para": ParaFactory,
    "para in a group without admin access": lambda: ParaFactory(groups=["Book club"]),
    "given admin access directly": given_admin_access_directly,
    "in a group made in the admin": in_a_group_made_in_the_admin,
    "school administrator": lambda: UserFactory(groups=[roles.SCHOOL_ADMINISTRATORS]),
    "editor": lambda: UserFactory(groups=[roles.EDITORS]),
    "superuser": lambda: UserFactory(is_superuser=True),
}


@pytest.mark.parametrize("who", PEOPLE)
def test_the_backend_loads_a_person_who_answers_as_when_loaded_plainly(who):
    person = PEOPLE[who]()
    loaded = AuthenticationBackend().get_user(person.pk)
    plain = get_user_model().objects.get(pk=person.pk)

    assert loaded == person
    assert loaded.group_names == plain.group_names
    assert loaded.can_open_admin == plain.can_open_admin
    assert loaded.works_in_admin == plain.works_in_admin


def test_a_learner_in_no_group_costs_one_query_to_load_and_check(
    django_assert_num_queries,
):
    para = ParaFactory()
    with django_assert_num_queries(1):
        loaded = AuthenticationBackend().get_user(para.pk)
        assert not loaded.can_open_admin
        assert not loaded.is_district_admin and not loaded.is_school_admin


def test_the_backend_does_not_load_a_deactivated_or_missing_person():
    para = ParaFactory(is_active=False)
    assert AuthenticationBackend().get_user(para.pk) is None
    assert AuthenticationBackend().get_user(para.pk + 1000) is None
