"""Bulk actions on People, Pairs and Assignments: each confirms first, logs what it
did, and acts only on the records the administrator's schools hold."""

import datetime
from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import ModelLogEntry

from courses.bulk_actions import REMIND_NOW_ACTION
from courses.models import Assignment, ReminderLog
from pairs.account_management import DEACTIVATED_ACTION
from pairs.change_log import EDIT_ACTION
from pairs.models import Pair
from tests.clock import TODAY
from tests.page_factories import make_course

pytestmark = pytest.mark.django_db

DUE = TODAY + datetime.timedelta(days=14)
LATER = TODAY + datetime.timedelta(days=28)


def bulk_url(app_label: str, model_name: str, action: str, *records, next_url="") -> str:
    ids = "&".join(f"id={record.pk}" for record in records)
    url = reverse("wagtail_bulk_action", args=[app_label, model_name, action])
    return f"{url}?{ids}" + (f"&next={next_url}" if next_url else "")


@pytest.fixture
def assignments(district):
    course = make_course("Stronger Together", modules=1)
    return {
        name: Assignment.objects.create(
            user=person, page=course, due_on=DUE, assigned_by=district.district_admin
        )
        for name, person in {
            "near": district.para,
            "same_school": district.other_pair.para,
            "far": district.far_pair.para,
        }.items()
    }


def test_re_dating_asks_first_then_moves_logs_and_emails_each(
    client, district, assignments, django_capture_on_commit_callbacks
):
    near, same = assignments["near"], assignments["same_school"]
    client.force_login(district.school_admin)
    url = bulk_url("courses", "assignment", "redate", near, same, next_url="/admin/assignments/")
    confirm = client.get(url)
    assert confirm.status_code == HTTPStatus.OK
    assert "Move these assignments to a new due date?" in confirm.text
    assert str(district.para) in confirm.text
    near.refresh_from_db()
    assert near.due_on == DUE  # nothing happens on GET

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"due_on": LATER.isoformat()})
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == "/admin/assignments/"
    for assignment in (near, same):
        assignment.refresh_from_db()
        assert assignment.due_on == LATER
        entry = ModelLogEntry.objects.for_instance(assignment).get(action=EDIT_ACTION)
        assert entry.user == district.school_admin
        assert entry.data["changes"][0]["old"] == f"{DUE.day} {DUE:%b %Y}"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [district.para.email, district.other_pair.para.email]
    )


def test_a_past_date_is_refused_and_nothing_moves(client, district, assignments):
    near = assignments["near"]
    client.force_login(district.school_admin)
    url = bulk_url("courses", "assignment", "redate", near)
    response = client.post(url, {"due_on": (TODAY - datetime.timedelta(days=1)).isoformat()})
    assert response.status_code == HTTPStatus.OK
    assert "Choose a due date from today on." in response.text
    near.refresh_from_db()
    assert near.due_on == DUE


@pytest.mark.parametrize(
    "action, data",
    [("redate", {"due_on": LATER.isoformat()}), ("unassign", {}), ("remind", {})],
)
def test_another_schools_assignment_in_the_request_is_ignored(
    client, district, assignments, action, data, django_capture_on_commit_callbacks
):
    near, far = assignments["near"], assignments["far"]
    client.force_login(district.school_admin)
    url = bulk_url("courses", "assignment", action, near, far)
    confirm = client.get(url)
    assert str(district.far_pair.para) not in confirm.text
    assert "Riverside" not in confirm.text
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == HTTPStatus.FOUND
    far.refresh_from_db()
    assert far.due_on == DUE
    assert not ModelLogEntry.objects.for_instance(far).exists()
    assert all(m.to != [district.far_pair.para.email] for m in mail.outbox)
    # Naming only the other school's: nothing to act on.
    only_far = bulk_url("courses", "assignment", action, far)
    assert client.get(only_far).status_code == HTTPStatus.NOT_FOUND
    assert client.post(only_far, data).status_code == HTTPStatus.NOT_FOUND


def test_unassigning_removes_the_rows_and_logs_each(client, district, assignments):
    near = assignments["near"]
    client.force_login(district.school_admin)
    client.post(bulk_url("courses", "assignment", "unassign", near))
    assert not Assignment.objects.filter(pk=near.pk).exists()
    entry = ModelLogEntry.objects.get(object_id=str(near.pk), action="wagtail.delete")
    assert entry.user == district.school_admin


def test_a_reminder_now_goes_once_per_due_date_and_skips_nobody_else(
    client, district, assignments, django_capture_on_commit_callbacks
):
    near = assignments["near"]
    client.force_login(district.school_admin)
    url = bulk_url("courses", "assignment", "remind", near, next_url="/admin/assignments/")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert [m.to for m in mail.outbox] == [[district.para.email]]
    assert ReminderLog.objects.filter(assignment=near, kind=ReminderLog.Kind.DUE_SOON).exists()
    assert ModelLogEntry.objects.for_instance(near).filter(action=REMIND_NOW_ACTION).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert len(mail.outbox) == 1
    assert "1 had already been sent for the same due date." in response.text


def test_reminding_people_covers_their_open_assignments_in_scope(
    client, district, assignments, django_capture_on_commit_callbacks
):
    client.force_login(district.school_admin)
    url = bulk_url("accounts", "user", "remind_people", district.para, district.far_pair.para)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == HTTPStatus.FOUND
    assert [m.to for m in mail.outbox] == [[district.para.email]]


def test_deactivating_people_logs_each_and_leaves_other_schools_alone(client, district):
    para, far_para = district.para, district.far_pair.para
    client.force_login(district.school_admin)
    url = bulk_url("accounts", "user", "deactivate_people", para, far_para)
    assert "Deactivate these people?" in client.get(url).text
    assert client.post(url).status_code == HTTPStatus.FOUND
    para.refresh_from_db()
    far_para.refresh_from_db()
    assert (para.is_active, far_para.is_active) == (False, True)
    entry = ModelLogEntry.objects.for_instance(para).get(action=DEACTIVATED_ACTION)
    assert entry.user == district.school_admin
    assert entry.data["pairs_ended"] == [str(district.pair)]
    district.pair.refresh_from_db()
    assert district.pair.ended_on == TODAY  # kept, ended
    assert not ModelLogEntry.objects.for_instance(far_para).exists()


def test_ending_pairs_keeps_them_and_their_history(client, district):
    pair, far = district.pair, district.far_pair
    client.force_login(district.school_admin)
    url = bulk_url("pairs", "pair", "end_pairs", pair, far)
    assert client.post(url, {"ends_on": TODAY.isoformat()}).status_code == HTTPStatus.FOUND
    pair.refresh_from_db()
    far.refresh_from_db()
    assert pair.ended_on == TODAY and far.ended_on is None
    assert Pair.objects.filter(pk=pair.pk).exists()
    history = client.get(reverse("pairs:history", args=[pair.pk])).text
    assert f"Ended on: — → {TODAY.day} {TODAY:%b %Y}" in history


@pytest.mark.parametrize("who", ["para", "editor"])
def test_people_outside_the_admins_cannot_take_bulk_actions(client, district, assignments, who):
    client.force_login(getattr(district, who))
    url = bulk_url("courses", "assignment", "unassign", assignments["near"])
    response = client.post(url)
    # A para meets the admin's 403 page; Wagtail sends an editor back to the dashboard.
    assert response.status_code == HTTPStatus.FORBIDDEN or response.url == reverse(
        "wagtailadmin_home"
    )
    assert Assignment.objects.filter(pk=assignments["near"].pk).exists()


def test_the_listings_offer_the_scoped_actions_only(client, district, assignments):
    client.force_login(district.school_admin)
    people = client.get(reverse("people:index")).text
    assert "deactivate_people" in people and "remind_people" in people
    assert "set_active_state" not in people  # Wagtail's Users screen's own
    assert "data-bulk-action-checkbox" in client.get(reverse("pairs:index")).text
    listing = client.get(reverse("assignments:index")).text
    for action in ("redate", "unassign", "remind"):
        assert f"/admin/bulk/courses/assignment/{action}/" in listing


def test_a_reminder_about_late_work_is_the_overdue_one(
    client, district, assignments, django_capture_on_commit_callbacks
):
    near = assignments["near"]
    Assignment.objects.filter(pk=near.pk).update(due_on=TODAY - datetime.timedelta(days=2))
    client.force_login(district.school_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(bulk_url("courses", "assignment", "remind", near))
    assert ReminderLog.objects.get(assignment=near).kind == ReminderLog.Kind.OVERDUE
    assert len(mail.outbox) == 1
