"""Each record's history says what an edit changed, old and new, and a moved due
date is emailed to its person once."""

import datetime
from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import ModelLogEntry

from courses.assigning import assign, redate
from courses.models import Assignment
from pairs.change_log import EDIT_ACTION
from tests.clock import TODAY
from tests.page_factories import make_course

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 12, 1)


@pytest.fixture
def assignment(district):
    course = make_course("Stronger Together", modules=1)
    return Assignment.objects.create(
        user=district.para, page=course, due_on=DUE, assigned_by=district.school_admin
    )


def history_of(client, namespace: str, pk: int) -> str:
    response = client.get(reverse(f"{namespace}:history", args=[pk]))
    assert response.status_code == HTTPStatus.OK
    return response.text


def changes(instance) -> list[dict]:
    entry = ModelLogEntry.objects.for_instance(instance).filter(action=EDIT_ACTION).get()
    return entry.data["changes"]


def test_a_new_due_date_is_in_the_history_and_emailed_once(
    client, district, assignment, django_capture_on_commit_callbacks
):
    client.force_login(district.school_admin)
    url = reverse("assignments:edit", args=[assignment.pk])
    form = {"due_on": "2026-12-08", "note": ""}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, form).status_code == HTTPStatus.FOUND
    assert "Due on: 1 Dec 2026 → 8 Dec 2026" in history_of(client, "assignments", assignment.pk)
    assert [m.to for m in mail.outbox] == [[district.para.email]]
    assert "New due date: Stronger Together, by December 8" in mail.outbox[0].subject
    assert "now due on Tuesday, December 8, 2026" in mail.outbox[0].body
    assert "was due on Tuesday, December 1, 2026" in mail.outbox[0].body

    # Saved again unchanged: nothing more is sent, and the history only says "Edited".
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, form).status_code == HTTPStatus.FOUND
    assert len(mail.outbox) == 1
    entries = ModelLogEntry.objects.for_instance(assignment)
    assert [e.action for e in entries.order_by("timestamp", "pk")] == [EDIT_ACTION, "wagtail.edit"]


def test_a_note_change_is_logged_but_not_emailed(
    client, district, assignment, django_capture_on_commit_callbacks
):
    client.force_login(district.school_admin)
    url = reverse("assignments:edit", args=[assignment.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"due_on": DUE.isoformat(), "note": "Before the team meeting"})
    assert changes(assignment) == [
        {"field": "note", "label": "Note", "old": "—", "new": "Before the team meeting"}
    ]
    assert mail.outbox == []


def test_the_email_is_not_sent_when_the_date_moved_again_before_it_went(
    district, assignment, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        redate([assignment], datetime.date(2026, 12, 8), district.school_admin)
    redate([assignment], datetime.date(2026, 12, 15), district.school_admin)
    for callback in callbacks:
        callback()  # the first move's email runs after the second move
    assert mail.outbox == []


def test_a_persons_edit_shows_each_field_old_and_new(client, district):
    person = district.para
    client.force_login(district.school_admin)
    response = client.post(
        reverse("people:edit", args=[person.pk]),
        {
            "first_name": "Hana",
            "last_name": person.last_name,
            "email": "hana@example.org",
            "username": person.username,
            "role": person.role,
            "is_active": "on",
            "schools": [district.school.pk],
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.context["form"].errors
    history = history_of(client, "people", person.pk)
    assert f"First name: {person.first_name} → Hana" in history
    assert f"Email address: {person.email} → hana@example.org" in history


def test_a_school_renamed_by_the_district_admin_shows_both_names(client, district):
    client.force_login(district.district_admin)
    school = district.school
    response = client.post(
        reverse("schools:edit", args=[school.pk]),
        {"name": "Maple Grove", "administrators": [district.school_admin.pk]},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert "Name: Maple → Maple Grove" in history_of(client, "schools", school.pk)


def test_assigning_again_with_a_new_date_shows_both_dates(client, district, assignment):
    assign(
        assignment.page,
        [district.para],
        TODAY + datetime.timedelta(days=30),
        "",
        district.school_admin,
    )
    client.force_login(district.school_admin)
    assert "Assigned again: Due on: 1 Dec 2026 → 18 Dec 2026" in history_of(
        client, "assignments", assignment.pk
    )
