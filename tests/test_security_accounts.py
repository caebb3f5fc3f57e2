"""The account pages: one person to an email address, and the admin closed to
learners without sending them round in circles."""

import re
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.cookie import CookieStorage
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse
from wagtail.admin.auth import require_admin_access

from accounts import roles
from tests.factories import PASSWORD, ParaFactory, TeacherFactory, UserFactory
from tests.security_helpers import (
    fresh_cache,  # noqa: F401 - autouse fixture
    is_signed_in,
    sign_in,
)

pytestmark = pytest.mark.django_db

PARAS_PASSWORD = "the-paras-own-phrase"
TAKEN = "belongs to another account"
CONFIRM_LINK = re.compile(r"https?://testserver(/accounts/confirm-email/\S+/)")


@pytest.fixture
def para(db):
    """A para with a password of their own, so a sign-in shows whose account it reached."""
    para = ParaFactory(email="gabe@example.org")
    para.set_password(PARAS_PASSWORD)
    para.save()
    return para


@pytest.fixture
def staff(db):
    """A district administrator whose address lives only in User.email, as every
    account an administrator makes or imports does: no EmailAddress row."""
    staff = UserFactory(email="dana.ruiz@example.org", groups=[roles.DISTRICT_ADMINISTRATORS])
    assert not EmailAddress.objects.filter(user=staff).exists()
    return staff


def add_address(client, email: str):
    return client.post(reverse("account_email"), {"action_add": "", "email": email})


def signed_in_user_id(client) -> int | None:
    return int(client.session["_auth_user_id"]) if is_signed_in(client) else None


def confirm_own_address(person) -> None:
    """As someone who has confirmed their own address has: a confirmed primary
    row, so a newly confirmed one is not made primary too."""
    EmailAddress.objects.create(user=person, email=person.email, primary=True, verified=True)


def on_paras_account(para, email: str) -> bool:
    return EmailAddress.objects.filter(user=para, email__iexact=email).exists()


# Adding an address ----------------------------------------------------------------


def a_staff_sign_in_address(staff, other):
    return staff.email


def a_staff_address_typed_in_capitals(staff, other):
    return staff.email.upper()


def someone_elses_unconfirmed_second_address(staff, other):
    EmailAddress.objects.create(user=other, email="second@example.org", verified=False)
    return "second@example.org"


def someone_elses_confirmed_second_address(staff, other):
    EmailAddress.objects.create(user=other, email="second@example.org", verified=True)
    return "Second@Example.org"


@pytest.mark.parametrize(
    "whose",
    [
        a_staff_sign_in_address,
        a_staff_address_typed_in_capitals,
        someone_elses_unconfirmed_second_address,
        someone_elses_confirmed_second_address,
    ],
)
def test_adding_someone_elses_address_is_refused_on_the_form(client, para, staff, whose):
    taken = whose(staff, TeacherFactory())
    client.force_login(para)

    response = add_address(client, taken)

    assert response.status_code == HTTPStatus.OK
    errors = response.context["form"].errors["email"]
    assert any(TAKEN in error and "Enter an address" in error for error in errors)
    # What was typed stays in the box, to be corrected.
    assert f'value="{taken}"' in response.content.decode()
    assert not on_paras_account(para, taken)
    assert mail.outbox == []


def test_an_address_nobody_has_is_added_and_sent_its_confirmation(client, para):
    client.force_login(para)

    response = add_address(client, "gabe.home@example.org")

    assert response.status_code == HTTPStatus.FOUND
    assert on_paras_account(para, "gabe.home@example.org")
    assert [message.to for message in mail.outbox] == [["gabe.home@example.org"]]


def test_the_owner_confirming_cannot_hand_their_address_to_the_para(client, para, staff):
    """The whole attack, through the real pages: the para adds the administrator's
    address, the administrator clicks whatever link arrives, and the para tries
    to sign in with that address and their own password."""
    confirm_own_address(para)
    client.force_login(para)
    add_address(client, staff.email)
    client.logout()

    # The administrator's own browser: it shows a server error rather than raising one.
    owners_browser = Client(raise_request_exception=False)
    for message in mail.outbox:
        for path in CONFIRM_LINK.findall(message.body):
            owners_browser.post(path)

    sign_in(client, staff.email, PARAS_PASSWORD)
    assert signed_in_user_id(client) != para.pk
    # The administrator still signs in with their own address to their own account.
    client.logout()
    sign_in(client, staff.email, PASSWORD)
    assert signed_in_user_id(client) == staff.pk


# An address already in the list that is someone else's --------------------------
# Added before addresses were checked, or given to a new account since.


@pytest.fixture
def listed_then_taken(para):
    """An address the para added while nobody had it, which an administrator has
    since given to a new account."""
    EmailAddress.objects.create(user=para, email="shared@example.org", verified=False)
    UserFactory(email="shared@example.org", groups=[roles.SCHOOL_ADMINISTRATORS])
    return "shared@example.org"


def test_making_someone_elses_address_primary_is_refused(client, para, listed_then_taken):
    client.force_login(para)

    response = client.post(
        reverse("account_email"), {"action_primary": "", "email": listed_then_taken}, follow=True
    )

    assert response.redirect_chain == [(reverse("account_email"), HTTPStatus.FOUND)]
    assert response.status_code == HTTPStatus.OK
    assert f"{listed_then_taken} now belongs to another account" in response.content.decode()
    para.refresh_from_db()
    assert para.email == "gabe@example.org"
    assert not EmailAddress.objects.get(user=para, email=listed_then_taken).primary


def test_no_confirmation_is_sent_to_someone_elses_address(client, para, listed_then_taken):
    client.force_login(para)

    response = client.post(
        reverse("account_email"), {"action_send": "", "email": listed_then_taken}, follow=True
    )

    assert f"{listed_then_taken} now belongs to another account" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize("action", ["action_primary", "action_send"])
def test_an_address_not_in_the_list_says_nothing_of_its_owner(client, para, staff, action):
    client.force_login(para)

    response = client.post(
        reverse("account_email"), {action: "", "email": staff.email}, follow=True
    )

    assert TAKEN not in response.content.decode()
    assert mail.outbox == []
    para.refresh_from_db()
    assert para.email == "gabe@example.org"


def test_a_link_sent_before_confirms_nothing_onto_the_wrong_account(client, para, staff):
    confirm_own_address(para)
    address = EmailAddress.objects.create(user=para, email=staff.email, verified=False)
    key = EmailConfirmationHMAC(address).key

    # The administrator, not signed in, opens the link and presses the button.
    response = client.post(reverse("account_confirm_email", args=[key]), follow=True)

    assert response.status_code == HTTPStatus.OK
    assert f"{staff.email} belongs to another account" in response.content.decode()
    address.refresh_from_db()
    assert not address.verified
    sign_in(client, staff.email, PASSWORD)
    assert signed_in_user_id(client) == staff.pk


def test_the_para_can_still_make_their_own_second_address_primary(client, para):
    EmailAddress.objects.create(user=para, email="gabe.home@example.org", verified=False)
    client.force_login(para)

    client.post(reverse("account_email"), {"action_primary": "", "email": "gabe.home@example.org"})

    para.refresh_from_db()
    assert para.email == "gabe.home@example.org"


# Giving an account an address --------------------------------------------------


def test_an_account_cannot_be_given_someone_elses_second_address(para):
    """What an administrator's forms validate (the model's clean())."""
    EmailAddress.objects.create(user=para, email="gabe.home@example.org", verified=True)
    newcomer = get_user_model()(username="newcomer", email="Gabe.Home@example.org")
    newcomer.set_unusable_password()

    with pytest.raises(ValidationError) as refused:
        newcomer.full_clean()

    assert "as a second address" in refused.value.message_dict["email"][0]
    # The para's own addresses are no obstacle to the para.
    para.email = "gabe.home@example.org"
    para.full_clean()


# The admin, for people it is closed to -----------------------------------------

ADMIN_PATHS = [
    "/admin/",
    "/admin/pages/",
    "/admin/reports/courses/completion/",
    "/admin/reports/site-history/",
]


@pytest.mark.parametrize("path", ADMIN_PATHS)
@pytest.mark.parametrize("make_learner", [ParaFactory, TeacherFactory], ids=["para", "teacher"])
def test_a_signed_in_learner_is_refused_the_admin_with_a_link_home(client, make_learner, path):
    client.force_login(make_learner())

    response = client.get(path, follow=True)

    assert response.redirect_chain == []
    assert response.status_code == HTTPStatus.FORBIDDEN
    page = response.content.decode()
    assert "The admin is for administrators and editors." in page
    assert '<a href="/">' in page
    assert response["Cache-Control"] == "no-store"
    assert is_signed_in(client)


def test_staff_still_open_the_admin(client):
    client.force_login(UserFactory(groups=[roles.DISTRICT_ADMINISTRATORS]))
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_visitors_are_still_sent_to_sign_in(client):
    response = client.get("/admin/pages/")
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login"))


def test_wagtail_still_sends_signed_in_people_without_access_to_sign_in(rf: RequestFactory):
    """What accounts.middleware.AdminClosedToLearnersMiddleware works around: if
    Wagtail stops answering them with its log-in redirect, the middleware can go."""
    request = rf.get("/admin/pages/")
    request.user = get_user_model().objects.get(pk=ParaFactory().pk)
    request._messages = CookieStorage(request)

    response = require_admin_access(lambda request: None)(request)

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login"))
