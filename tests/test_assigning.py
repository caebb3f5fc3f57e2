"""Assigning courses and modules in the admin: one row a person, an email for each
newly assigned person, an audit trail, and every administrator held to their schools."""

import datetime
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import ModelLogEntry, Page

from accounts import roles
from courses.assigning import ASSIGN_ACTION, REASSIGN_ACTION
from courses.models import Assignment, ReminderLog
from pairs.change_log import EDIT_ACTION
from tests.clock import TODAY
from tests.page_factories import make_course

pytestmark = pytest.mark.django_db

DUE = TODAY + datetime.timedelta(days=14)


@pytest.fixture
def course(db):
    return make_course("Stronger Together", modules=2)


def assign(client, **data):
    return client.post(reverse("assignments:add"), {"due_on": DUE.isoformat(), **data})


def assigned(page) -> dict:
    return {a.user: a for a in Assignment.objects.filter(page=page)}


def log_actions(action: str) -> int:
    return ModelLogEntry.objects.filter(action=action).count()


def test_assigning_to_a_school_gives_each_para_one_row_and_an_email(client, district, course):
    client.force_login(district.school_admin)
    response = assign(
        client,
        page=course.pk,
        note="We start our PD cycle with this.",
        target="school",
        school=district.school.pk,
        role="para",
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("assignments:index")
    rows = assigned(course)
    assert set(rows) == {district.para, district.other_pair.para}
    assert all(a.assigned_by == district.school_admin and a.due_on == DUE for a in rows.values())
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in rows)
    message = next(m for m in mail.outbox if m.to == [district.para.email])
    assert "Stronger Together" in message.subject
    assert "We start our PD cycle with this." in message.body
    assert f"{DUE:%B} {DUE.day}, {DUE.year}" in message.body
    assert f"http://testserver{course.url}" in message.body
    assert ReminderLog.objects.filter(kind=ReminderLog.Kind.ASSIGNED).count() == 2
    assert log_actions(ASSIGN_ACTION) == 2


def test_assigning_to_a_pair_twice_moves_the_due_date_instead_of_duplicating(
    client, district, course, django_capture_on_commit_callbacks
):
    module = course.modules()[0]
    client.force_login(district.school_admin)
    assign(client, page=module.pk, note="Read this first.", target="pair", pair=district.pair.pk)
    assert set(assigned(module)) == {district.para, district.teacher}
    assert len(mail.outbox) == 2

    later = DUE + datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        response = assign(
            client, page=module.pk, due_on=later.isoformat(), target="pair", pair=district.pair.pk
        )
    assert response.status_code == HTTPStatus.FOUND
    rows = assigned(module)
    assert set(rows) == {district.para, district.teacher}
    assert {a.due_on for a in rows.values()} == {later}
    assert {a.note for a in rows.values()} == {"Read this first."}  # no new note: kept
    # Nobody newly assigned: each is told only that the date moved.
    moved = mail.outbox[2:]
    assert sorted(m.to[0] for m in moved) == sorted([district.para.email, district.teacher.email])
    assert all(f"now due on {later:%A, %B} {later.day}" in m.body for m in moved)

    with django_capture_on_commit_callbacks(execute=True):
        assign(
            client, page=module.pk, due_on=later.isoformat(), target="pair", pair=district.pair.pk
        )
    assert len(mail.outbox) == 4  # the same date again: nothing to tell
    assert log_actions(REASSIGN_ACTION) == 4
    page = client.get(response.url).text
    assert "already had it and now have the new due date" in page


def test_assigning_chosen_people(client, district, course):
    client.force_login(district.district_admin)
    response = assign(
        client,
        page=course.pk,
        target="people",
        people=[district.para.pk, district.far_pair.para.pk],
    )
    assert response.status_code == HTTPStatus.FOUND
    assert set(assigned(course)) == {district.para, district.far_pair.para}


@pytest.mark.parametrize(
    "change, message",
    [
        (
            {"due_on": (TODAY - datetime.timedelta(days=1)).isoformat()},
            "Choose a due date from today on.",
        ),
        (
            {"target": "people", "people": "FAR_PARA"},
            "Choose people from the schools you administer.",
        ),
        ({"target": "pair", "pair": "FAR_PAIR"}, "Choose one of your schools' pairs."),
        (
            {"target": "school", "school": "OTHER_SCHOOL", "role": "para"},
            "Choose a school you administer.",
        ),
        ({"page": "HOME"}, "Choose a published course or module."),
        ({"target": "people"}, "Choose at least one person."),
    ],
)
def test_bad_input_is_refused_and_what_was_typed_is_kept(client, district, course, change, message):
    ids = {
        "FAR_PARA": district.far_pair.para.pk,
        "FAR_PAIR": district.far_pair.pk,
        "OTHER_SCHOOL": district.other_school.pk,
        "HOME": Page.objects.get(depth=2, locale__language_code="en").pk,
    }
    data = {
        "page": course.pk,
        "note": "Kept when the form comes back.",
        "target": "pair",
        "pair": district.pair.pk,
        **{key: ids.get(value, value) for key, value in change.items()},
    }
    client.force_login(district.school_admin)
    response = assign(client, **data)
    assert response.status_code == HTTPStatus.OK
    assert escape(message) in response.text
    assert "Kept when the form comes back." in response.text
    assert not Assignment.objects.exists()
    assert not mail.outbox


def test_the_form_offers_only_the_administrators_people_and_pages(client, district, course):
    client.force_login(district.school_admin)
    page = client.get(reverse("assignments:add")).text
    assert str(district.para) in page
    assert str(district.far_pair.para) not in page
    assert "Riverside" not in page
    assert "Whole course: Stronger Together" in page
    assert "Stronger Together: module 2" in page


@pytest.mark.parametrize("who", ["para", "teacher", "editor"])
def test_learners_and_editors_cannot_assign(client, district, course, who):
    client.force_login(getattr(district, who))
    assert client.get(reverse("assignments:add")).status_code in (
        HTTPStatus.FOUND,
        HTTPStatus.FORBIDDEN,
    )
    response = assign(client, page=course.pk, target="pair", pair=district.pair.pk)
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    assert client.get(reverse("assignments:index")).status_code in (
        HTTPStatus.FOUND,
        HTTPStatus.FORBIDDEN,
    )
    assert not Assignment.objects.exists()


def test_administrator_groups_hold_the_assignment_permissions(db):
    for name in (roles.SCHOOL_ADMINISTRATORS, roles.DISTRICT_ADMINISTRATORS):
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert {f"{a}_assignment" for a in ("add", "change", "delete", "view")} <= codenames


# The assignment listing ----------------------------------------------------------------


@pytest.fixture
def near_and_far(district, course):
    near = Assignment.objects.create(user=district.para, page=course, due_on=DUE)
    far = Assignment.objects.create(user=district.far_pair.para, page=course, due_on=DUE)
    return near, far


def test_the_listing_shows_only_the_administrators_schools(client, district, near_and_far):
    near, far = near_and_far
    client.force_login(district.school_admin)
    response = client.get(reverse("assignments:index"))
    assert {a.pk for a in response.context["object_list"]} == {near.pk}
    client.force_login(district.district_admin)
    response = client.get(reverse("assignments:index"))
    assert {a.pk for a in response.context["object_list"]} == {near.pk, far.pk}


@pytest.mark.parametrize("view", ["edit", "delete", "history"])
def test_another_schools_assignment_answers_404(client, district, near_and_far, view):
    near, far = near_and_far
    client.force_login(district.school_admin)
    assert client.get(reverse(f"assignments:{view}", args=[near.pk])).status_code == HTTPStatus.OK
    assert client.get(reverse(f"assignments:{view}", args=[far.pk])).status_code == 404
    assert client.post(reverse(f"assignments:{view}", args=[far.pk])).status_code == 404
    assert Assignment.objects.filter(pk=far.pk).exists()


def test_editing_an_assignment_refuses_a_past_date_and_logs_the_change(
    client, district, near_and_far
):
    near, _ = near_and_far
    url = reverse("assignments:edit", args=[near.pk])
    client.force_login(district.school_admin)
    yesterday = TODAY - datetime.timedelta(days=1)
    response = client.post(url, {"due_on": yesterday.isoformat(), "note": "Sooner"})
    assert "Choose a due date from today on." in response.text
    near.refresh_from_db()
    assert near.due_on == DUE
    later = DUE + datetime.timedelta(days=3)
    assert client.post(url, {"due_on": later.isoformat(), "note": ""}).status_code == 302
    near.refresh_from_db()
    assert near.due_on == later
    assert ModelLogEntry.objects.filter(action=EDIT_ACTION, object_id=str(near.pk)).exists()
