"""The next school day: weekends and the district's days without school are skipped,
and district administrators keep those days in the admin."""

import datetime
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from config import kept
from pairs.models import DaysWithoutSchool
from tests.page_factories import home_page
from workspace.plans import next_school_day

pytestmark = pytest.mark.django_db

D = datetime.date


def closed(name: str, first: D, last: D | None = None) -> DaysWithoutSchool:
    return DaysWithoutSchool.objects.create(name=name, first_day=first, last_day=last or first)


@pytest.mark.parametrize(
    ("today", "next_day"),
    [
        (D(2026, 11, 18), D(2026, 11, 19)),  # Wednesday: Thursday
        (D(2026, 12, 11), D(2026, 12, 14)),  # Friday: Monday
        (D(2026, 12, 12), D(2026, 12, 14)),  # Saturday: Monday
        (D(2026, 12, 13), D(2026, 12, 14)),  # Sunday: Monday
    ],
)
def test_without_days_off_the_next_school_day_is_the_next_weekday(today, next_day):
    assert next_school_day(today) == next_day


def test_a_holiday_is_skipped():
    closed("Veterans Day", D(2026, 11, 11))
    assert next_school_day(D(2026, 11, 10)) == D(2026, 11, 12)


def test_a_holiday_on_a_monday_after_a_friday_makes_it_tuesday():
    closed("Martin Luther King Jr. Day", D(2027, 1, 18))
    assert next_school_day(D(2027, 1, 15)) == D(2027, 1, 19)


def test_a_break_spanning_days_and_a_weekend_is_skipped_whole():
    closed("Thanksgiving break", D(2026, 11, 25), D(2026, 11, 27))
    # Tuesday before the break: school resumes on Monday.
    assert next_school_day(D(2026, 11, 24)) == D(2026, 11, 30)
    # During the break, too.
    assert next_school_day(D(2026, 11, 26)) == D(2026, 11, 30)


def test_breaks_back_to_back_are_skipped_together():
    closed("Winter break", D(2026, 12, 21), D(2027, 1, 1))
    closed("Staff development day", D(2027, 1, 4))
    assert next_school_day(D(2026, 12, 18)) == D(2027, 1, 5)


def test_past_and_later_days_off_change_nothing():
    closed("Labor Day", D(2026, 9, 7))
    closed("Spring break", D(2027, 3, 22), D(2027, 3, 26))
    assert next_school_day(D(2026, 12, 11)) == D(2026, 12, 14)


def test_the_next_school_day_is_one_query_then_none_for_a_minute(django_assert_num_queries):
    for week in range(10):
        start = D(2026, 11, 23) + datetime.timedelta(weeks=week)
        closed(f"Closed {week}", start, start + datetime.timedelta(days=4))
    with django_assert_num_queries(1):
        assert next_school_day(D(2026, 11, 20)) == D(2027, 2, 1)
    with django_assert_num_queries(0):
        assert next_school_day(D(2026, 11, 20)) == D(2027, 2, 1)


def test_a_day_off_added_or_removed_here_is_skipped_or_offered_at_once():
    assert next_school_day(D(2026, 11, 10)) == D(2026, 11, 11)
    veterans_day = closed("Veterans Day", D(2026, 11, 11))
    assert next_school_day(D(2026, 11, 10)) == D(2026, 11, 12)
    veterans_day.delete()
    assert next_school_day(D(2026, 11, 10)) == D(2026, 11, 11)


def test_another_process_offers_a_changed_calendar_within_a_minute(monkeypatch):
    """A change made by another process sends no signal here."""
    now = [1000.0]
    monkeypatch.setattr(kept.time, "monotonic", lambda: now[0])
    closed("Veterans Day", D(2026, 11, 11))
    assert next_school_day(D(2026, 11, 10)) == D(2026, 11, 12)
    # As another process would: an update that sends no signal.
    DaysWithoutSchool.objects.update(first_day=D(2026, 11, 12), last_day=D(2026, 11, 12))
    now[0] += kept.CACHE_SECONDS - 1
    assert next_school_day(D(2026, 11, 10)) == D(2026, 11, 12)
    now[0] += 1
    assert next_school_day(D(2026, 11, 10)) == D(2026, 11, 11)


def test_on_a_friday_before_a_holiday_monday_a_new_action_is_for_tuesday(district, clock):
    closed("Presidents' Day", D(2027, 2, 15))
    clock.move_to("2027-02-12 15:00")
    client = Client()
    client.force_login(district.teacher)
    response = client.get(reverse("pair_action_new", args=[district.pair.pk]))
    assert response.context["form"]["planned_for"].value() == D(2027, 2, 16)


# The admin -------------------------------------------------------------------------


def test_a_district_administrator_adds_days_without_school(client, district):
    home_page()
    client.force_login(district.district_admin)
    index = client.get(reverse("days_without_school:index"))
    assert index.status_code == HTTPStatus.OK
    response = client.post(
        reverse("days_without_school:add"),
        {"name": "Thanksgiving break", "first_day": "2026-11-25", "last_day": "2026-11-27"},
    )
    assert response.status_code == HTTPStatus.FOUND
    days = DaysWithoutSchool.objects.get()
    assert (days.first_day, days.last_day) == (D(2026, 11, 25), D(2026, 11, 27))


def test_a_break_that_ends_before_it_starts_is_refused_and_kept(client, district):
    home_page()
    client.force_login(district.district_admin)
    response = client.post(
        reverse("days_without_school:add"),
        {"name": "Winter break", "first_day": "2027-01-01", "last_day": "2026-12-21"},
    )
    assert response.status_code == HTTPStatus.OK
    assert "cannot be before the first" in response.content.decode()
    assert 'value="Winter break"' in response.content.decode()
    assert not DaysWithoutSchool.objects.exists()


@pytest.mark.parametrize("who", ["school_admin", "editor"])
def test_other_staff_do_not_change_the_district_calendar(client, district, who):
    home_page()
    client.force_login(getattr(district, who))
    response = client.post(
        reverse("days_without_school:add"),
        {"name": "Day off", "first_day": "2026-11-25", "last_day": "2026-11-25"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("wagtailadmin_home")
    assert not DaysWithoutSchool.objects.exists()
