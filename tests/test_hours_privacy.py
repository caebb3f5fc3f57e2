"""Retention and erasure follow the PD-hours rules: the purge keeps what a rule in
force requires (and says so), and erasing a person removes their evidence files."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from hours.models import CheckInConfirmation, HoursRules, OutsidePD
from privacy.personal_data import collect, erase_person
from workspace.models import CheckIn

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 11, 22)  # school year 2026-27; the default cutoff is 2024-07-01
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def evidence_folder(settings, tmp_path):
    settings.TANDEM_EVIDENCE_ROOT = tmp_path
    return tmp_path


def outside_pd(person, day: datetime.date, title: str, evidence: bool = True) -> OutsidePD:
    entry = OutsidePD(
        person=person,
        title=title,
        provider="BOCES",
        completed_on=day,
        hours=6,
        delivery="in_person",
    )
    if evidence:
        entry.evidence.save(f"{title}.pdf", io.BytesIO(PDF), save=False)
    entry.save()
    return entry


def purge(*args) -> str:
    out = io.StringIO()
    call_command("purge_old_records", "--today", TODAY.isoformat(), *args, stdout=out)
    return out.getvalue()


def titles() -> set[str]:
    return set(OutsidePD.objects.values_list("title", flat=True))


def test_outside_pd_past_retention_is_purged_with_its_evidence(
    district, django_capture_on_commit_callbacks
):
    old = outside_pd(district.para, D(2024, 6, 1), "old")
    outside_pd(district.para, D(2024, 7, 1), "kept")
    old_file = Path(old.evidence.path)

    with django_capture_on_commit_callbacks(execute=True):
        output = purge()

    assert titles() == {"kept"}
    assert not old_file.exists()
    assert "Deleted 1 outside PD entries and their evidence." in output


def test_new_york_keeps_records_eight_years_and_the_dry_run_says_why(district):
    HoursRules.objects.create(rules=["new-york-ctle"])
    outside_pd(district.para, D(2018, 9, 1), "nine years ago")
    outside_pd(district.para, D(2021, 9, 1), "five years ago")
    outside_pd(district.para, D(2026, 9, 1), "this year")

    dry_run = purge("--dry-run")

    assert titles() == {"nine years ago", "five years ago", "this year"}
    assert "Would delete 1 outside PD entries and their evidence." in dry_run
    assert (
        "Kept 1 outside PD entries (with their evidence) dated from 2019-07-01 on: New York: "
        "100 CTLE hours per 5-year registration (8 NYCRR Subpart 80-6) requires records kept "
        "8 years (8 NYCRR Subpart 80-6)." in dry_run
    )

    purge()

    assert titles() == {"five years ago", "this year"}


def test_verified_check_ins_a_rule_counts_outlive_the_default_purge(district, settings):
    """With one school year kept, Minnesota (which counts collaboration and keeps two)
    still keeps last year's confirmed check-in; an unconfirmed one goes."""
    settings.TANDEM_RETENTION_SCHOOL_YEARS = 1
    HoursRules.objects.create(rules=["minnesota"])
    pair = district.pair
    confirmed = CheckIn.objects.create(
        pair=pair, author=pair.para, happened_on=D(2026, 3, 2), minutes=30, note="confirmed"
    )
    CheckInConfirmation.objects.create(check_in=confirmed, confirmed_by=pair.teacher)
    CheckIn.objects.create(
        pair=pair, author=pair.para, happened_on=D(2026, 3, 3), minutes=30, note="one-sided"
    )

    output = purge()

    assert set(CheckIn.objects.values_list("note", flat=True)) == {"confirmed"}
    assert "Deleted 0 plans, 0 actions and 1 check-ins dated before 2026-07-01." in output
    assert "Kept 1 verified check-ins dated from 2025-07-01 on: Minnesota" in output


def test_the_export_holds_the_ledger_records(district):
    outside_pd(district.para, TODAY, "CPI")
    logged = CheckIn.objects.create(
        pair=district.pair, author=district.para, happened_on=TODAY, minutes=15
    )
    CheckInConfirmation.objects.create(check_in=logged, confirmed_by=district.teacher)

    labels = {section.label: section.rows for section in collect(district.para)}

    assert labels["hours.OutsidePD"][0]["title"] == "CPI"
    assert labels["hours.CheckInConfirmation"][0]["check_in_id"] == logged.pk


def test_erasing_a_person_removes_their_evidence_files(
    district, django_capture_on_commit_callbacks
):
    entry = outside_pd(district.para, TODAY, "CPI")
    entered = outside_pd(district.other_pair.para, TODAY, "Entered by the para")
    OutsidePD.objects.filter(pk=entered.pk).update(entered_by=district.para)
    stored = Path(entry.evidence.path)
    assert stored.exists()

    with django_capture_on_commit_callbacks(execute=True):
        erasure = erase_person(district.para, by=district.school_admin)

    assert not OutsidePD.objects.filter(pk=entry.pk).exists()
    assert not stored.exists()
    assert OutsidePD.objects.get(pk=entered.pk).entered_by == erasure.pseudonym
