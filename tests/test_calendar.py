"""The calendar's edges, visited on purpose with the clock moved there.

Each test puts the clock at the site's local time (America/New_York) where a
day, a week, a year or a school year turns over, or where daylight saving
changes; late-evening times are the ones where the UTC date is already the next
day, so a date read in the wrong zone shows up here.
"""

import datetime
import io
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from courses.models import Assignment, ModuleProgress
from courses.transcript import by_school_year, transcript_entries
from reporting.models import AdminDigest
from tests.factories import signed_in
from tests.page_factories import make_course
from workspace.models import CheckIn, PairAction, WeeklyPlan
from workspace.plans import next_school_day

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def pair(district):
    """A pair working together since long before every edge visited here."""
    district.pair.started_on = D(2025, 8, 1)
    district.pair.save()
    return district.pair


# The week ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "monday"),
    [
        ("2026-12-13 23:30", D(2026, 12, 7)),  # Sunday night belongs to its week
        ("2026-12-14 00:05", D(2026, 12, 14)),  # Monday starts the next
        ("2027-01-01 08:00", D(2026, 12, 28)),  # a week across the new year
        ("2028-02-29 08:00", D(2028, 2, 28)),  # a leap day
        ("2028-03-05 23:59", D(2028, 2, 28)),
    ],
)
def test_the_plan_page_opens_the_week_of_the_local_day(pair, clock, moment, monday):
    clock.move_to(moment)
    response = signed_in(pair.para).get(reverse("weekly_plan", args=[pair.pk]))
    assert response.context["monday"] == monday


def test_a_plan_saved_on_sunday_night_is_that_weeks_plan(pair, clock):
    clock.move_to("2026-12-13 23:30")
    client = signed_in(pair.para)
    page = client.get(reverse("weekly_plan", args=[pair.pk]))
    week = page.context["monday"]
    data = {
        "students": "J.M.",
        "priority_goals": "Two-step problems.",
        "strategies": "First-then board.",
        "data_collection": "Tally prompts.",
        "communication": "Before the bell.",
        "version": "0",
    }
    response = client.post(reverse("weekly_plan_week", args=[pair.pk, week]), data)
    assert response.status_code == HTTPStatus.FOUND
    assert WeeklyPlan.objects.get(pair=pair).week_of == D(2026, 12, 7)


def test_a_leap_day_in_a_plan_address_opens_its_week(pair, clock):
    clock.move_to("2028-03-01 08:00")
    client = signed_in(pair.para)
    response = client.get(reverse("weekly_plan_week", args=[pair.pk, "2028-02-29"]), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "weekly_plan_week", args=[pair.pk, "2028-02-28"]
    )
    assert response.context["monday"] == D(2028, 2, 28)
    # There was no 29 February in 2027.
    assert client.get(f"/pairs/{pair.pk}/plan/2027-02-29/").status_code == HTTPStatus.NOT_FOUND


def run_reminders() -> list:
    """``send_reminders`` as cron runs it: no ``--today``, the clock's local day."""
    before = len(mail.outbox)
    call_command("send_reminders", stdout=io.StringIO())
    return mail.outbox[before:]


def digests(messages) -> set[str]:
    return {m.to[0] for m in messages if "Your weekly digest" in m.subject}


def test_the_digest_goes_on_the_first_run_of_each_week(district, clock):
    admins = {
        district.school_admin.email,
        district.other_school_admin.email,
        district.district_admin.email,
    }
    clock.move_to("2026-12-12 06:00")  # Saturday: the first run of its week
    assert digests(run_reminders()) == admins
    clock.move_to("2026-12-13 23:30")  # Sunday night, already Monday in UTC
    assert digests(run_reminders()) == set()
    clock.move_to("2026-12-14 06:00")  # Monday
    assert digests(run_reminders()) == admins
    assert set(AdminDigest.objects.values_list("week_of", flat=True)) == {
        D(2026, 12, 7),
        D(2026, 12, 14),
    }


# The next school day -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "next_day"),
    [
        (D(2026, 12, 10), D(2026, 12, 11)),  # Thursday: Friday
        (D(2026, 12, 11), D(2026, 12, 14)),  # Friday: Monday
        (D(2026, 12, 12), D(2026, 12, 14)),  # Saturday: Monday
        (D(2026, 12, 13), D(2026, 12, 14)),  # Sunday: Monday
        (D(2026, 12, 31), D(2027, 1, 1)),  # across the new year
        (D(2028, 2, 28), D(2028, 2, 29)),  # onto a leap day
    ],
)
def test_the_next_school_day(today, next_day):
    assert next_school_day(today) == next_day


def test_on_a_friday_evening_the_pairs_new_action_is_for_monday(pair, clock):
    clock.move_to("2026-12-11 23:30")
    response = signed_in(pair.teacher).get(reverse("pair_action_new", args=[pair.pk]))
    assert response.context["form"]["planned_for"].value() == D(2026, 12, 14)


def test_on_a_friday_a_modules_actions_are_offered_for_monday(pair, clock):
    course = make_course("Stronger Together", modules=1)
    clock.move_to("2026-12-11 15:00")
    page = signed_in(pair.para).get(course.modules()[0].url).content.decode()
    assert 'name="planned_for" value="2026-12-14"' in page


# The school year -----------------------------------------------------------------------


def complete(user, module) -> None:
    now = timezone.now()
    ModuleProgress.objects.create(user=user, module=module, read_at=now, completed_at=now)


def test_the_school_year_turns_over_at_local_midnight_on_1_july(district, clock):
    first, second, third = make_course("Stronger Together", modules=3).modules()
    clock.move_to("2027-06-30 23:30")  # 1 July in UTC
    complete(district.para, first)
    clock.move_to("2027-07-01 00:30")
    complete(district.para, second)
    clock.move_to("2027-12-31 23:30")
    complete(district.para, third)
    clock.move_to("2028-01-01 09:00")

    years = {year.label: year for year in by_school_year(transcript_entries(district.para))}
    assert {label: [e.title for e in year.modules] for label, year in years.items()} == {
        "2026–2027": [first.title],
        "2027–2028": [second.title, third.title],
    }
    page = signed_in(district.para).get(reverse("transcript")).content.decode()
    assert "2026–2027" in page and "2027–2028" in page


@pytest.fixture
def school_years_of_records(pair):
    """A plan, an action and a check-in in each of the school years 2023-24 to 2026-27."""
    for year in (2023, 2024, 2025, 2026):
        day = D(year + 1, 6, 21)  # a Monday near each year's end
        day -= datetime.timedelta(days=day.weekday())
        WeeklyPlan.objects.create(pair=pair, week_of=day, strategies=str(year))
        PairAction.objects.create(pair=pair, text=str(year), planned_for=day)
        CheckIn.objects.create(pair=pair, happened_on=day, minutes=10, note=str(year))
    return pair


def kept_years() -> set[str]:
    return set(WeeklyPlan.objects.values_list("strategies", flat=True))


def test_retention_keeps_a_school_year_until_local_midnight_on_1_july(
    school_years_of_records, clock
):
    # Three school years counting the current one (the default).
    clock.move_to("2027-06-30 23:30")  # already 1 July in UTC: 2024-25 is still kept
    call_command("purge_old_records", stdout=io.StringIO())
    assert kept_years() == {"2024", "2025", "2026"}
    clock.move_to("2027-07-01 00:30")
    call_command("purge_old_records", stdout=io.StringIO())
    assert kept_years() == {"2025", "2026"}
    assert set(PairAction.objects.values_list("text", flat=True)) == {"2025", "2026"}


# Due dates across the year's edges -----------------------------------------------------


@pytest.mark.parametrize(
    ("due", "quiet", "soon", "late"),
    [
        # Due on New Year's Day: due soon from 29 December, overdue on 2 January.
        (D(2027, 1, 1), "2026-12-28 08:00", "2026-12-29 08:00", "2027-01-02 08:00"),
        # Due on the leap day: due soon from the 26th, overdue on 1 March.
        (D(2028, 2, 29), "2028-02-25 08:00", "2028-02-26 08:00", "2028-03-01 08:00"),
    ],
)
def test_reminders_count_days_across_the_years_edges(district, clock, due, quiet, soon, late):
    clock.move_to(due - datetime.timedelta(days=30))
    course = make_course("Stronger Together", modules=1)
    Assignment.objects.create(user=district.para, page=course, due_on=due)

    def to_para(kind: str) -> int:
        return sum(kind in m.subject and m.to == [district.para.email] for m in run_reminders())

    clock.move_to(quiet)
    assert to_para("Due soon") == 0
    clock.move_to(soon)
    assert to_para("Due soon") == 1
    clock.move_to(due)
    assert to_para("Overdue") == 0
    clock.move_to(late)
    assert to_para("Overdue") == 1


# Daylight saving -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "night",
    [
        "2026-11-01 23:30",  # clocks went back at 02:00 that morning
        "2027-03-14 23:30",  # clocks went forward at 02:00 that morning
        "2027-11-07 23:30",
    ],
)
def test_a_check_in_logged_late_on_a_daylight_saving_day_belongs_to_that_day(pair, clock, night):
    moment = clock.move_to(night)
    day = moment.date()
    client = signed_in(pair.para)
    form = client.get(reverse("check_in_new", args=[pair.pk])).context["form"]
    assert form["happened_on"].value() == day
    response = client.post(
        reverse("check_in_new", args=[pair.pk]),
        {"kind": CheckIn.Kind.PLANNING, "happened_on": day.isoformat(), "minutes": "20"},
    )
    assert response.status_code == HTTPStatus.FOUND
    check_in = CheckIn.objects.get(pair=pair)
    assert check_in.happened_on == day
    assert timezone.localdate(check_in.created_at) == day
    # A Sunday's meeting counts toward the week it closes.
    planning = client.get(reverse("check_ins", args=[pair.pk])).context["planning"]
    assert planning.minutes == 20


def test_an_action_confirmed_late_on_a_daylight_saving_day_is_done_that_day(pair, clock):
    clock.move_to("2027-03-14 08:00")
    action = PairAction.objects.create(
        pair=pair, text="Use the break card.", planned_for=D(2027, 3, 14)
    )
    clock.move_to("2027-03-14 23:30")
    signed_in(pair.para).post(
        reverse("pair_action_confirm", args=[pair.pk, action.pk]), {"confirmed": "1"}
    )
    action.refresh_from_db()
    assert timezone.localdate(action.para_done_at) == D(2027, 3, 14)
