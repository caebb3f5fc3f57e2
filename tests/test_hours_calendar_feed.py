"""The private calendar feed: a person's due dates and weekly planning, opened by a
secret URL that calendar apps can fetch without signing in, and nothing about
students in it."""

from __future__ import annotations

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from courses.models import Assignment, ModuleProgress
from hours import calendar_feed
from hours.models import CalendarFeed
from privacy.personal_data import collect, erase_person
from tests.clock import TODAY
from tests.page_factories import make_course, make_module
from workspace.models import CheckIn, WeeklyPlan

pytestmark = pytest.mark.django_db

DUE = TODAY + datetime.timedelta(days=14)


@pytest.fixture
def assigned(district):
    """The para's pair with a teacher named Ana Torres; two modules assigned to the
    para (one completed), and one to the para of another pair. Student initials and
    notes sit in the assignment, the week's plan and a check-in."""
    teacher = district.pair.teacher
    teacher.first_name, teacher.last_name = "Ana", "Torres"
    teacher.save()
    course = make_course("Stronger Together", modules=0)
    roles_module = make_module(course, "Clarifying roles")
    done_module = make_module(course, "Weekly planning routines")
    para = district.pair.para
    Assignment.objects.create(
        user=para, page=roles_module, due_on=DUE, note="Start before J.M.'s IEP meeting"
    )
    Assignment.objects.create(user=para, page=done_module, due_on=DUE)
    ModuleProgress.objects.create(
        user=para, module=done_module, read_at=timezone.now(), completed_at=timezone.now()
    )
    Assignment.objects.create(
        user=district.far_pair.para, page=make_module(course, "Data collection"), due_on=DUE
    )
    WeeklyPlan.objects.create(
        pair=district.pair, week_of=TODAY - datetime.timedelta(days=2), students="J.M., AB"
    )
    CheckIn.objects.create(
        pair=district.pair,
        author=para,
        happened_on=TODAY,
        minutes=20,
        note="Talked about AB's reading goals",
    )
    return district


def fetch(client, token):
    return client.get(reverse("hours:calendar_feed", args=[token]))


def events_of(response) -> list:
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_the_feed_holds_the_persons_due_dates_and_weekly_planning(client, assigned):
    token = calendar_feed.issue(assigned.pair.para)

    response = fetch(client, token)

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/calendar")
    events = {str(event["SUMMARY"]): event for event in events_of(response)}
    assert set(events) == {"Due: Clarifying roles", "Weekly planning with Ana Torres"}
    due = events["Due: Clarifying roles"]
    assert due.start == DUE and due.end == DUE + datetime.timedelta(days=1)
    planning = events["Weekly planning with Ana Torres"]
    # From the Monday of the week the pair started, every week.
    assert planning.start == datetime.date(2026, 7, 27)
    assert planning.start.weekday() == 0
    assert planning["RRULE"]["FREQ"] == ["WEEKLY"]


def test_the_feed_holds_no_student_text_and_no_one_elses_dates(client, assigned):
    text = fetch(client, calendar_feed.issue(assigned.pair.para)).content.decode()

    for student_text in ("J.M.", "AB,", "AB's", "IEP", "reading goals"):
        assert student_text not in text
    assert "Data collection" not in text  # the other para's assignment


def test_the_teachers_feed_names_the_para_as_partner(client, assigned):
    para = assigned.pair.para
    response = fetch(client, calendar_feed.issue(assigned.pair.teacher))

    assert [str(event["SUMMARY"]) for event in events_of(response)] == [
        f"Weekly planning with {para.get_full_name()}"
    ]


def test_an_ended_pair_has_no_weekly_planning(client, assigned):
    assigned.pair.ended_on = TODAY
    assigned.pair.save()

    response = fetch(client, calendar_feed.issue(assigned.pair.para))

    assert [str(event["SUMMARY"]) for event in events_of(response)] == ["Due: Clarifying roles"]


def test_only_a_hash_of_the_secret_is_kept(assigned):
    token = calendar_feed.issue(assigned.pair.para)

    stored = CalendarFeed.objects.get(person=assigned.pair.para)
    assert token not in stored.token_hash
    assert len(stored.token_hash) == 64


def test_a_new_url_revokes_the_old_one(client, assigned):
    para = assigned.pair.para
    old = calendar_feed.issue(para)
    client.force_login(para)

    response = client.post(reverse("hours:calendar_new_url"))

    assert response.status_code == HTTPStatus.OK
    new_url = response.context["feed_url"]
    assert new_url.endswith(".ics")
    assert fetch(client, old).status_code == HTTPStatus.NOT_FOUND
    client.logout()  # calendar apps have no session
    assert client.get(new_url).status_code == HTTPStatus.OK
    assert CalendarFeed.objects.filter(person=para).count() == 1


def test_turning_the_feed_off_makes_its_url_404(client, assigned):
    para = assigned.pair.para
    token = calendar_feed.issue(para)
    client.force_login(para)

    response = client.post(reverse("hours:calendar_off"))

    assert response.status_code == HTTPStatus.FOUND
    assert not CalendarFeed.objects.filter(person=para).exists()
    assert fetch(client, token).status_code == HTTPStatus.NOT_FOUND


def test_an_unknown_token_is_404(client, assigned):
    calendar_feed.issue(assigned.pair.para)

    assert fetch(client, "not-a-token").status_code == HTTPStatus.NOT_FOUND


def test_a_deactivated_persons_feed_is_404(client, assigned):
    para = assigned.pair.para
    token = calendar_feed.issue(para)
    para.is_active = False
    para.save()

    assert fetch(client, token).status_code == HTTPStatus.NOT_FOUND


def test_the_page_says_whether_the_feed_is_on(client, assigned):
    para = assigned.pair.para
    client.force_login(para)

    assert "Your feed is off." in client.get(reverse("hours:calendar")).content.decode()
    calendar_feed.issue(para)
    page = client.get(reverse("hours:calendar")).content.decode()
    assert "Your feed is on" in page
    assert ".ics" not in page  # the address is shown once, when it is made


def test_the_feed_is_exported_without_its_secret_and_erased_with_the_person(client, assigned):
    para = assigned.pair.para
    token = calendar_feed.issue(para)
    stored_hash = CalendarFeed.objects.get(person=para).token_hash

    sections = {section.label: section.rows for section in collect(para)}
    assert "token_hash" not in sections["hours.CalendarFeed"][0]
    assert stored_hash not in str(sections)

    erase_person(para, by=assigned.school_admin)

    assert not CalendarFeed.objects.exists()
    assert fetch(client, token).status_code == HTTPStatus.NOT_FOUND


def test_the_feed_tells_calendar_apps_how_often_to_fetch_it(client, assigned):
    token = calendar_feed.issue(assigned.pair.para)

    calendar = Calendar.from_ical(fetch(client, token).content)
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert calendar["REFRESH-INTERVAL"].dt == calendar_feed.REFRESH_INTERVAL
    # Fetched again, it is the same calendar, not a new one.
    assert Calendar.from_ical(fetch(client, token).content)["UID"] == calendar["UID"]
