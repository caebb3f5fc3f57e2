"""Accounts an administrator manages: staff accounts, deactivation, invitations sent
again, and how each person signs in."""

import datetime
from http import HTTPStatus

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts import roles
from courses.models import Assignment
from pairs.account_management import PAIR_ENDED_ACTION, sign_in_methods
from pairs.scoping import staff_managed_by
from reporting.completion_reports import completion_rows
from reporting.reminders import digest_context
from tests.factories import UserFactory, school_admin_for, signed_in
from tests.page_factories import make_course

pytestmark = pytest.mark.django_db

User = get_user_model()


def staff_form(**extra) -> dict:
    return {
        "first_name": "Noor",
        "last_name": "Haddad",
        "email": "noor.haddad@example.org",
        "username": "noor.haddad",
        "staff_role": "school_administrator",
        "is_active": "on",
        **extra,
    }


# --- staff accounts --------------------------------------------------------------------


def test_a_district_administrator_adds_a_school_administrator(
    client, district, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(district.district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("staff:add"),
            staff_form(administered_schools=[district.school.pk], is_superuser="on"),
        )
    assert response.status_code == HTTPStatus.FOUND
    noor = User.objects.get(username="noor.haddad")
    assert noor.is_school_admin and not noor.is_superuser
    assert list(noor.administered_schools.all()) == [district.school]
    assert not noor.has_usable_password()
    assert [mail.to for mail in mailoutbox] == [["noor.haddad@example.org"]]


def test_a_school_administrator_needs_schools(client, district):
    client.force_login(district.district_admin)
    response = client.post(reverse("staff:add"), staff_form())
    assert response.status_code == HTTPStatus.OK
    assert "Choose the schools this administrator runs." in response.text
    assert not User.objects.filter(username="noor.haddad").exists()


def test_a_school_administrator_becomes_an_editor(client, district):
    client.force_login(district.district_admin)
    admin = district.school_admin
    response = client.post(
        reverse("staff:edit", args=[admin.pk]),
        staff_form(
            first_name=admin.first_name,
            last_name=admin.last_name,
            email=admin.email,
            username=admin.username,
            staff_role="editor",
        ),
    )
    assert response.status_code == HTTPStatus.FOUND
    admin = User.objects.get(pk=admin.pk)
    assert admin.is_editor and not admin.is_school_admin
    assert not admin.administered_schools.exists()


def test_the_staff_screen_lists_school_administrators_and_editors_only(client, district):
    root = UserFactory(username="root", is_superuser=True)
    client.force_login(district.district_admin)
    response = client.get(reverse("staff:index"))
    listed = set(response.context["object_list"])
    assert listed == {district.school_admin, district.other_school_admin, district.editor}
    assert root not in listed and district.district_admin not in listed
    assert district.para not in listed


@pytest.mark.parametrize("who", ["school_admin", "editor"])
def test_only_a_district_administrator_manages_staff_accounts(client, district, who):
    client.force_login(getattr(district, who))
    assert not staff_managed_by(getattr(district, who)).exists()
    target = district.other_school_admin
    response = client.post(reverse("staff:edit", args=[target.pk]), staff_form(staff_role="editor"))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url != reverse("staff:index")
    assert User.objects.get(pk=target.pk).is_school_admin


def test_a_school_administrator_still_manages_only_their_paras_and_teachers(client, district):
    client.force_login(district.school_admin)
    listed = set(client.get(reverse("people:index")).context["object_list"])
    assert district.para in listed and district.far_pair.para not in listed
    assert district.other_school_admin not in listed and district.editor not in listed


# --- deactivating ---------------------------------------------------------------------


def person_form_for(person, **extra) -> dict:
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "username": person.username,
        "role": person.role,
        "schools": [school.pk for school in person.schools.all()],
        **extra,
    }


def test_deactivating_a_para_ends_their_sessions_and_pairs_and_keeps_the_pairs(
    client, district, clock
):
    para, pair = district.para, district.pair
    district.school.members.add(para)
    signed_in(para)
    signed_in(district.teacher)
    assert Session.objects.count() == 2
    client.force_login(district.school_admin)
    response = client.post(reverse("people:edit", args=[para.pk]), person_form_for(para))
    assert response.status_code == HTTPStatus.FOUND

    para.refresh_from_db()
    pair.refresh_from_db()
    assert not para.is_active
    assert pair.ended_on == clock.today()  # ended, not deleted
    # The para's session is gone; the teacher's and the administrator's remain.
    remaining = {int(s.get_decoded()["_auth_user_id"]) for s in Session.objects.all()}
    assert remaining == {district.teacher.pk, district.school_admin.pk}
    assert ModelLogEntry.objects.filter(action=PAIR_ENDED_ACTION, object_id=str(pair.pk)).exists()
    history = client.get(reverse("people:history", args=[para.pk]))
    assert "Deactivated; 1 session ended" in history.text


def test_a_deactivated_person_leaves_the_reports_of_active_work_and_the_digest(district, clock):
    course = make_course("Stronger Together", modules=1)
    Assignment.objects.create(
        user=district.para,
        page=course,
        due_on=clock.today() - datetime.timedelta(days=3),
        assigned_by=district.school_admin,
    )
    assert completion_rows(district.school_admin, clock.today()).count() == 1
    assert digest_context(district.school_admin, clock.today())["overdue_count"] == 1
    district.para.is_active = False
    district.para.save()
    assert completion_rows(district.school_admin, clock.today()).count() == 0
    assert completion_rows(district.district_admin, clock.today()).count() == 0
    assert digest_context(district.school_admin, clock.today())["overdue_count"] == 0


def test_deactivating_a_staff_account_signs_them_out(client, district):
    signed_in(district.other_school_admin)
    client.force_login(district.district_admin)
    admin = district.other_school_admin
    form = staff_form(
        first_name=admin.first_name,
        last_name=admin.last_name,
        email=admin.email,
        username=admin.username,
        administered_schools=[district.other_school.pk],
    )
    del form["is_active"]  # the box unticked
    response = client.post(reverse("staff:edit", args=[admin.pk]), form)
    assert response.status_code == HTTPStatus.FOUND
    assert not User.objects.get(pk=admin.pk).is_active
    users = {int(s.get_decoded()["_auth_user_id"]) for s in Session.objects.all()}
    assert users == {district.district_admin.pk}


# --- invitations, and how people sign in ----------------------------------------------------


def test_an_administrator_sends_the_invitation_again(
    client, district, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(district.school_admin)
    url = reverse("people:resend_invitation", args=[district.para.pk])
    assert district.para.email in client.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "was sent a new link to set their password" in response.text
    assert [mail.to for mail in mailoutbox] == [[district.para.email]]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_no_invitation_goes_to_a_person_without_an_address_or_outside_ones_schools(
    client, district, mailoutbox, django_capture_on_commit_callbacks
):
    district.para.email = ""
    district.para.save()
    client.force_login(district.school_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people:resend_invitation", args=[district.para.pk]), follow=True
        )
        assert "has no email address" in response.text
        far = client.post(reverse("people:resend_invitation", args=[district.far_pair.para.pk]))
        assert far.status_code == HTTPStatus.NOT_FOUND
    assert mailoutbox == []


def test_a_district_administrator_resends_a_staff_invitation(
    client, district, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(district.district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("staff:resend_invitation", args=[district.school_admin.pk]))
    assert [mail.to for mail in mailoutbox] == [[district.school_admin.email]]


def test_each_person_is_shown_with_how_they_sign_in(client, district, settings):
    settings.ACCOUNT_LOGIN_BY_CODE_ENABLED = True
    para = district.para
    SocialAccount.objects.create(user=para, provider="google", uid="g-1")
    SocialAccount.objects.create(user=para, provider="clever", uid="c-1")
    assert sign_in_methods(para) == ["Password", "Clever", "Google", "Code by email"]
    teacher = district.teacher
    teacher.set_unusable_password()
    teacher.email = ""
    teacher.save()
    SocialAccount.objects.create(user=teacher, provider="classlink", uid="cl-1")
    assert sign_in_methods(teacher) == ["ClassLink"]

    client.force_login(district.school_admin)
    response = client.get(reverse("people:index"))
    assert "Signs in with" in response.text
    assert "Password, Clever, Google, Code by email" in response.text


def test_someone_who_has_not_set_up_their_account_says_so(client, district, settings):
    settings.ACCOUNT_LOGIN_BY_CODE_ENABLED = False
    newcomer = school_admin_for(district.school, username="newcomer", email="")
    newcomer.set_unusable_password()
    newcomer.save()
    client.force_login(district.district_admin)
    response = client.get(reverse("staff:index"))
    assert "Not yet set up" in response.text
    assert roles.SCHOOL_ADMINISTRATORS in newcomer.group_names


def test_the_edit_screen_offers_to_send_the_invitation_again(client, district):
    client.force_login(district.district_admin)
    response = client.get(reverse("staff:edit", args=[district.school_admin.pk]))
    assert reverse("staff:resend_invitation", args=[district.school_admin.pk]) in response.text
    response = client.get(reverse("people:edit", args=[district.para.pk]))
    assert reverse("people:resend_invitation", args=[district.para.pk]) in response.text


def test_deactivating_ends_the_sessions_allauth_lists_too(district):
    from allauth.usersessions.models import UserSession

    from pairs.account_management import deactivate

    client = signed_in(district.para)
    key = client.session.session_key
    UserSession.objects.create(user=district.para, session_key=key, ip="192.0.2.1")
    result = deactivate(district.para, by=district.school_admin)
    assert not UserSession.objects.filter(user=district.para).exists()
    assert not Session.objects.filter(session_key=key).exists()
    assert result.sessions_ended == 1  # counted once, though two records named it
    assert client.get(reverse("my_learning")).status_code == HTTPStatus.FOUND
