"""Schools, pairs and people in the Wagtail admin, each administrator held to their schools."""

import datetime
from http import HTTPStatus
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts import roles
from pairs.change_log import EDIT_ACTION
from pairs.models import Pair, School
from tests.factories import PairFactory, ParaFactory, SchoolFactory, TeacherFactory, UserFactory
from workspace.models import CheckIn

pytestmark = pytest.mark.django_db

User = get_user_model()


def listed_pks(response) -> set[int]:
    return {obj.pk for obj in response.context["object_list"]}


# --- who may come in --------------------------------------------------------------------

ADMIN_URLS = [
    ("pairs:index", []),
    ("pairs:add", []),
    ("schools:index", []),
    ("people:index", []),
    ("people:add", []),
    ("import_people:upload", []),
]


@pytest.mark.parametrize("who", ["para", "teacher", "editor"])
@pytest.mark.parametrize("url_name, args", ADMIN_URLS)
def test_learners_and_editors_cannot_reach_the_district_screens(
    client, district, who, url_name, args
):
    client.force_login(getattr(district, who))
    response = client.get(reverse(url_name, args=args))
    if who == "editor":
        # Wagtail answers an editor's refusal with a redirect to the dashboard.
        assert response.status_code == HTTPStatus.FOUND
        assert response.url == reverse("wagtailadmin_home")
    else:
        # A para or teacher is told the admin is not for them.
        assert response.status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("who", ["para", "teacher", "editor"])
def test_nobody_but_an_administrator_can_import(client, district, who):
    client.force_login(getattr(district, who))
    before = User.objects.count()
    csv = b"email,first_name,last_name,role,school\nx@example.org,X,Y,para,Maple\n"
    response = client.post(
        reverse("import_people:upload"), {"file": SimpleUploadedFile("p.csv", csv)}
    )
    refused = HTTPStatus.FOUND if who == "editor" else HTTPStatus.FORBIDDEN
    assert response.status_code == refused
    assert User.objects.count() == before


def test_the_district_menu_is_shown_to_administrators_only(client, district):
    client.force_login(district.school_admin)
    assert "Import people" in client.get(reverse("wagtailadmin_home")).text
    client.force_login(district.editor)
    assert "Import people" not in client.get(reverse("wagtailadmin_home")).text


# --- pairs ----------------------------------------------------------------------------


def test_a_school_admin_lists_only_their_schools_pairs(client, district):
    client.force_login(district.school_admin)
    response = client.get(reverse("pairs:index"))
    assert response.status_code == HTTPStatus.OK
    assert listed_pks(response) == {district.pair.pk, district.other_pair.pk}
    assert str(district.far_pair.teacher) not in response.text


def test_the_district_admin_lists_every_pair(client, district):
    client.force_login(district.district_admin)
    response = client.get(reverse("pairs:index"))
    assert listed_pks(response) == {district.pair.pk, district.other_pair.pk, district.far_pair.pk}


def test_the_school_filter_offers_only_the_admins_schools(client, district):
    client.force_login(district.school_admin)
    response = client.get(reverse("pairs:index"))
    assert "Riverside" not in response.text
    # Asking for another school's pairs by id finds nothing of theirs.
    response = client.get(reverse("pairs:index"), {"school": district.other_school.pk})
    assert district.far_pair.pk not in listed_pks(response)


@pytest.mark.parametrize("view", ["edit", "delete", "history", "usage"])
def test_another_schools_pair_answers_404(client, district, view):
    client.force_login(district.school_admin)
    response = client.get(reverse(f"pairs:{view}", args=[district.far_pair.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_another_schools_pair_cannot_be_changed_or_deleted_by_post(client, district):
    client.force_login(district.school_admin)
    far = district.far_pair
    edit = client.post(
        reverse("pairs:edit", args=[far.pk]),
        {
            "school": district.school.pk,
            "teacher": far.teacher.pk,
            "para": far.para.pk,
            "started_on": "2026-08-01",
            "ended_on": "2026-09-01",
        },
    )
    delete = client.post(reverse("pairs:delete", args=[far.pk]))
    assert (edit.status_code, delete.status_code) == (HTTPStatus.NOT_FOUND, HTTPStatus.NOT_FOUND)
    far.refresh_from_db()
    assert far.ended_on is None and far.school == district.other_school


def pair_form(school, teacher, para, **extra) -> dict:
    return {
        "school": school.pk,
        "teacher": teacher.pk,
        "para": para.pk,
        "started_on": "2026-09-01",
        "ended_on": "",
        **extra,
    }


def test_a_school_admin_creates_a_pair_in_their_school(client, district):
    client.force_login(district.school_admin)
    teacher, para = TeacherFactory(), ParaFactory()
    district.school.members.add(teacher, para)
    response = client.post(reverse("pairs:add"), pair_form(district.school, teacher, para))
    assert response.status_code == HTTPStatus.FOUND
    pair = Pair.objects.get(teacher=teacher, para=para)
    assert pair.school == district.school
    assert ModelLogEntry.objects.for_instance(pair).get().action == "wagtail.create"


def test_an_admin_of_school_a_cannot_create_a_pair_in_school_b(client, district):
    client.force_login(district.school_admin)
    teacher, para = TeacherFactory(), ParaFactory()
    district.other_school.members.add(teacher, para)
    before = Pair.objects.count()

    response = client.post(reverse("pairs:add"), pair_form(district.other_school, teacher, para))

    assert response.status_code == HTTPStatus.OK
    errors = response.context["form"].errors
    assert set(errors) == {"school", "teacher", "para"}
    assert "Select a valid choice." in errors["school"][0]
    assert Pair.objects.count() == before


def test_the_pair_form_offers_only_the_admins_people(client, district):
    client.force_login(district.school_admin)
    form = client.get(reverse("pairs:add")).context["form"]
    assert list(form.fields["school"].queryset) == [district.school]
    pairs = (district.pair, district.other_pair)
    assert set(form.fields["teacher"].queryset) == {pair.teacher for pair in pairs}
    assert set(form.fields["para"].queryset) == {pair.para for pair in pairs}


def test_a_pair_needs_members_of_its_school(client, district):
    client.force_login(district.district_admin)
    outsider = TeacherFactory()
    response = client.post(
        reverse("pairs:add"), pair_form(district.school, outsider, district.para)
    )
    assert response.context["form"].errors["teacher"] == [
        f"{outsider} is not a member of Maple; add them on the People screen."
    ]


def test_an_active_couple_cannot_be_paired_twice(client, district):
    client.force_login(district.school_admin)
    response = client.post(
        reverse("pairs:add"), pair_form(district.school, district.teacher, district.para)
    )
    assert "These two people already work together as a pair." in response.text
    assert Pair.objects.filter(teacher=district.teacher, para=district.para).count() == 1


def test_editing_a_pair_is_logged_and_shown_in_its_history(client, district):
    client.force_login(district.school_admin)
    pair = district.pair
    response = client.post(
        reverse("pairs:edit", args=[pair.pk]),
        pair_form(
            pair.school, pair.teacher, pair.para, started_on="2026-08-01", ended_on="2026-12-18"
        ),
    )
    assert response.status_code == HTTPStatus.FOUND
    pair.refresh_from_db()
    assert pair.ended_on == datetime.date(2026, 12, 18)
    entry = ModelLogEntry.objects.for_instance(pair).get()
    assert (entry.action, entry.user) == (EDIT_ACTION, district.school_admin)

    history = client.get(reverse("pairs:history", args=[pair.pk]))
    assert history.status_code == HTTPStatus.OK
    assert "Ended on: — → 18 Dec 2026" in history.text


def test_a_pair_without_records_can_be_deleted(client, district):
    client.force_login(district.school_admin)
    response = client.post(reverse("pairs:delete", args=[district.other_pair.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert not Pair.objects.filter(pk=district.other_pair.pk).exists()


def test_a_pair_with_records_is_ended_not_deleted(client, district):
    CheckIn.objects.create(
        pair=district.pair, author=district.para, happened_on=datetime.date(2026, 9, 3), minutes=15
    )
    client.force_login(district.school_admin)
    response = client.post(reverse("pairs:delete", args=[district.pair.pk]), follow=True)
    assert "has records of their work together: set an end date instead." in response.text
    assert CheckIn.objects.filter(pair=district.pair).exists()


def test_the_pairs_listing_does_not_grow_in_queries(
    client, district, django_assert_max_num_queries
):
    client.force_login(district.district_admin)
    client.get(reverse("pairs:index"))  # warm caches (content types, permissions)
    with django_assert_max_num_queries(14) as small:
        client.get(reverse("pairs:index"))
    for _ in range(15):
        PairFactory(school=district.school)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("pairs:index"))
    assert len(response.context["object_list"]) == 18


# --- schools ---------------------------------------------------------------------------


def test_a_school_admin_sees_only_their_school_read_only(client, district):
    client.force_login(district.school_admin)
    response = client.get(reverse("schools:index"))
    assert listed_pks(response) == {district.school.pk}
    own = client.get(reverse("schools:inspect", args=[district.school.pk]))
    assert own.status_code == HTTPStatus.OK
    assert str(district.school_admin) in own.text
    other = client.get(reverse("schools:inspect", args=[district.other_school.pk]))
    assert other.status_code == HTTPStatus.NOT_FOUND
    # Viewing is all: editing or adding a school is refused.
    edit = client.get(reverse("schools:edit", args=[district.school.pk]))
    assert edit.status_code == HTTPStatus.FOUND
    add = client.post(reverse("schools:add"), {"name": "Oak Hill"})
    assert add.status_code == HTTPStatus.FOUND
    assert not School.objects.filter(name="Oak Hill").exists()


def test_the_district_admin_adds_and_edits_schools(client, district):
    client.force_login(district.district_admin)
    response = client.post(
        reverse("schools:add"), {"name": "Oak Hill", "administrators": [district.school_admin.pk]}
    )
    assert response.status_code == HTTPStatus.FOUND
    oak = School.objects.get(name="Oak Hill")
    assert list(oak.administrators.all()) == [district.school_admin]
    # Only school administrators can be made one.
    response = client.post(
        reverse("schools:edit", args=[oak.pk]),
        {"name": "Oak Hill", "administrators": [district.para.pk]},
    )
    assert "administrators" in response.context["form"].errors


# --- people ----------------------------------------------------------------------------


def test_a_school_admin_lists_their_schools_people_but_no_staff(client, district):
    both = TeacherFactory()
    district.school.members.add(both)
    district.other_school.members.add(both)
    staff = UserFactory(groups=[roles.EDITORS])
    district.school.members.add(staff)
    client.force_login(district.school_admin)

    response = client.get(reverse("people:index"))

    expected = {*district.pair.members(), *district.other_pair.members(), both}
    assert listed_pks(response) == {person.pk for person in expected}
    # Only the admin's own schools are named beside a person.
    assert "Riverside" not in response.text
    assert both.email in response.text


@pytest.mark.parametrize("view", ["edit", "history"])
def test_a_person_of_another_school_answers_404(client, district, view):
    client.force_login(district.school_admin)
    response = client.get(reverse(f"people:{view}", args=[district.far_pair.para.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_staff_account_cannot_be_edited_from_people(client, district):
    client.force_login(district.district_admin)
    response = client.get(reverse("people:edit", args=[district.school_admin.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def person_form(school, **extra) -> dict:
    return {
        "first_name": "Rae",
        "last_name": "Quinn",
        "email": "rae.quinn@example.org",
        "username": "rae.quinn",
        "role": "para",
        "is_active": "on",
        "schools": [school.pk],
        **extra,
    }


def test_adding_a_person_sends_them_a_link_to_set_their_password(
    client, district, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(district.school_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people:add"),
            person_form(district.school, is_superuser="on", is_staff="on", groups=[1, 2, 3]),
        )
    assert response.status_code == HTTPStatus.FOUND
    rae = User.objects.get(username="rae.quinn")
    assert list(rae.schools.all()) == [district.school]
    assert not rae.has_usable_password()
    # Fields that are not in the form are never taken from the request.
    assert not (rae.is_superuser or rae.is_staff or rae.groups.exists())
    [message] = mailoutbox
    assert message.to == ["rae.quinn@example.org"]
    assert "/accounts/password/reset/key/" in message.body
    entry = ModelLogEntry.objects.for_instance(rae).get()
    assert (entry.action, entry.user) == ("wagtail.create", district.school_admin)


def test_the_queued_welcome_holds_no_link_only_the_persons_id(
    client, district, monkeypatch, django_capture_on_commit_callbacks
):
    """A set-password link in the task table would be a password for anyone who
    reads it: the worker writes the email when it sends it."""
    from pairs import invitations

    queued = []
    monkeypatch.setattr(
        invitations, "send_welcome", SimpleNamespace(enqueue=lambda *args: queued.append(args))
    )
    client.force_login(district.school_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:add"), person_form(district.school))
    rae = User.objects.get(username="rae.quinn")
    assert queued == [(rae.pk,)]


def test_no_welcome_goes_to_an_account_deactivated_before_the_worker_ran(district, mailoutbox):
    from pairs.invitations import send_welcome

    district.para.is_active = False
    district.para.save()
    assert send_welcome.call(district.para.pk) is False
    assert mailoutbox == []


def test_a_school_admin_cannot_add_a_person_to_another_school(client, district):
    client.force_login(district.school_admin)
    response = client.post(reverse("people:add"), person_form(district.other_school))
    assert "schools" in response.context["form"].errors
    assert not User.objects.filter(username="rae.quinn").exists()


def test_a_person_also_in_a_school_the_admin_cannot_see_is_not_theirs_to_edit(client, district):
    """Editing acts on the account, which reaches the other school's records too:
    it is for the district administrator (``pairs.scoping.accounts_managed_by``)."""
    person = district.para
    district.other_school.members.add(person)
    client.force_login(district.school_admin)
    other = SchoolFactory(name="Lakeside")
    district.school_admin.administered_schools.add(other)

    response = client.post(
        reverse("people:edit", args=[person.pk]),
        person_form(
            other,
            first_name=person.first_name,
            last_name="New-Name",
            email=person.email,
            username=person.username,
        ),
    )

    assert response.status_code == HTTPStatus.NOT_FOUND
    person.refresh_from_db()
    assert person.last_name != "New-Name"
    assert set(person.schools.all()) == {district.school, district.other_school}


def test_a_changed_email_replaces_the_old_sign_in_address(client, district):
    person = district.para
    EmailAddress.objects.create(user=person, email=person.email, primary=True, verified=True)
    client.force_login(district.school_admin)

    response = client.post(
        reverse("people:edit", args=[person.pk]),
        person_form(
            district.school,
            first_name=person.first_name,
            last_name=person.last_name,
            email="new.address@example.org",
            username=person.username,
        ),
    )

    assert response.status_code == HTTPStatus.FOUND
    assert list(EmailAddress.objects.filter(user=person).values_list("email", flat=True)) == []
    person.refresh_from_db()
    assert person.email == "new.address@example.org"


def test_people_cannot_be_deleted_here(client, district):
    client.force_login(district.district_admin)
    response = client.post(reverse("people:delete", args=[district.para.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert User.objects.filter(pk=district.para.pk).exists()


def test_the_people_listing_does_not_grow_in_queries(
    client, district, django_assert_max_num_queries
):
    client.force_login(district.school_admin)
    client.get(reverse("people:index"))
    # One more for the "Signs in with" column: everyone's linked accounts, in one query.
    with django_assert_max_num_queries(15) as small:
        client.get(reverse("people:index"))
    for _ in range(15):
        PairFactory(school=district.school)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("people:index"))
    assert len(response.context["object_list"]) == 20


def test_a_person_cannot_be_given_an_address_someone_added_to_their_account(client, district):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=district.teacher, email="teacher.home@example.org")
    client.force_login(district.school_admin)
    response = client.post(
        reverse("people:add"), person_form(district.school, email="Teacher.Home@example.org")
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["email"] == ["Someone already uses this email address."]
    assert not User.objects.filter(username="rae.quinn").exists()
