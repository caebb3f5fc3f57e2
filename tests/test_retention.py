"""Retention: ``purge_old_records`` deletes pairs' plans, actions and check-ins from
school years older than TANDEM_RETENTION_SCHOOL_YEARS, and nothing newer."""

import datetime
import io

import pytest
from django.core.management import call_command

from privacy.retention import retention_cutoff
from workspace.access_log import Action, Part, record_access_by
from workspace.models import AccessRecord, CheckIn, PairAction, WeeklyPlan

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)  # school year 2026-27
D = datetime.date


@pytest.mark.parametrize(
    ("today", "years", "cutoff"),
    [
        (D(2026, 11, 22), 3, D(2024, 7, 1)),
        (D(2026, 7, 1), 3, D(2024, 7, 1)),
        (D(2026, 6, 30), 3, D(2023, 7, 1)),
        (D(2026, 11, 22), 1, D(2026, 7, 1)),
    ],
)
def test_the_cutoff_is_the_start_of_the_oldest_school_year_kept(today, years, cutoff):
    assert retention_cutoff(today, years) == cutoff


def purge(*args) -> str:
    out = io.StringIO()
    call_command("purge_old_records", "--today", TODAY.isoformat(), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def records(district):
    """One plan, action and check-in on each side of the default cutoff (2024-07-01)."""
    pair = district.pair

    def make(day: datetime.date, label: str):
        WeeklyPlan.objects.create(pair=pair, week_of=day, strategies=label)
        PairAction.objects.create(pair=pair, text=label, planned_for=day)
        CheckIn.objects.create(pair=pair, happened_on=day, minutes=10, note=label)

    make(D(2024, 6, 24), "old")  # the last week of school year 2023-24
    make(D(2024, 7, 1), "kept")
    make(D(2026, 11, 16), "recent")
    record_access_by(pair.para, pair, Part.PLAN, Action.VIEWED)
    return pair


def kept(model, field) -> set[str]:
    return set(model.objects.values_list(field, flat=True))


def everything() -> tuple[set, set, set]:
    return (
        kept(WeeklyPlan, "strategies"),
        kept(PairAction, "text"),
        kept(CheckIn, "note"),
    )


def test_records_older_than_three_school_years_are_purged(records):
    output = purge()
    assert everything() == ({"kept", "recent"},) * 3
    assert "Deleted 1 plans, 1 actions and 1 check-ins dated before 2024-07-01." in output
    assert AccessRecord.objects.count() == 1  # the record of access is not purged


def test_a_dry_run_counts_and_deletes_nothing(records):
    assert "Would delete 1 plans, 1 actions and 1 check-ins" in purge("--dry-run")
    assert everything() == ({"old", "kept", "recent"},) * 3


def test_the_number_of_school_years_is_a_setting(records, settings):
    settings.TANDEM_RETENTION_SCHOOL_YEARS = 1
    purge()
    assert everything() == ({"recent"},) * 3


def test_running_twice_deletes_nothing_more(records):
    purge()
    assert "Deleted 0 plans, 0 actions and 0 check-ins" in purge()


def test_retention_below_one_school_year_is_refused(records, settings):
    settings.TANDEM_RETENTION_SCHOOL_YEARS = 0
    with pytest.raises(ValueError, match="at least 1"):
        purge()
    assert everything() == ({"old", "kept", "recent"},) * 3
