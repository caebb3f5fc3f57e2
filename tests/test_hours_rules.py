"""State rules as data: the shipped files load, a bad file is refused with its
name and line, and each rule's worked examples come out as its text says."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from hours.compliance import BEHIND, MET, NEEDS_DATE, ON_TRACK, standing
from hours.ledger import LedgerEntry
from hours.rules import (
    COLLABORATION,
    MODULE,
    OUTSIDE,
    RuleError,
    add_months,
    load_rules,
    parse_rule,
    shipped_rules,
)

D = datetime.date
GOOD = """\
name = "Test rule"
citation = "Test Code § 1"
roles = ["para"]

[period]
kind = "school_year"
years = 1

[requirement]
hours = 10
proration = "none"

[sources]
module = 1
collaboration = 0.25

[retention]
years = 3
"""


def entry(source: str, on: datetime.date, hours: str) -> LedgerEntry:
    return LedgerEntry(1, source, on, Decimal(hours) * 60, "Activity")


def test_every_shipped_rule_loads_and_cites_its_section():
    rules = shipped_rules()

    assert set(rules) == {"pennsylvania", "minnesota", "new-york-ctle", "washington"}
    assert rules["pennsylvania"].citation.startswith("22 Pa. Code § 14.105")
    assert rules["minnesota"].citation.startswith("Minn. Stat. § 121A.642")
    assert "80-6" in rules["new-york-ctle"].citation
    assert rules["washington"].citation.startswith("RCW 28A.413")
    assert rules["new-york-ctle"].retention_years == 8


def test_a_good_file_parses_into_a_rule():
    rule = parse_rule(Path("test.toml"), GOOD)

    assert rule.slug == "test"
    assert rule.hours == 10
    assert rule.source_shares == {MODULE: Decimal(1), COLLABORATION: Decimal("0.25")}
    assert rule.counts(MODULE) and not rule.counts(OUTSIDE)


@pytest.mark.parametrize(
    "change, line, words",
    [
        # A syntax error: tomllib's own line.
        (("hours = 10", "hours = "), 10, "not valid TOML"),
        # An unknown source, placed at its key's line.
        (("collaboration = 0.25", "collaboration = 0.25\nweekend_bonus = 1"), 16, "unknown source"),
        (('kind = "school_year"', 'kind = "fortnight"'), 6, "“kind” must be one of"),
        (
            ("collaboration = 0.25", "collaboration = 1.5"),
            15,
            "“collaboration” must be from 0 to 1",
        ),
        (('roles = ["para"]', 'roles = ["janitor"]'), 3, "“roles” must list"),
        (("years = 3", "years = 0"), 18, "“years” must be a whole number"),
        (("[retention]\nyears = 3\n", ""), None, "[retention] table is missing"),
        (
            ('citation = "Test Code § 1"', 'citation = "Test Code § 1"\nstate = "PA"'),
            3,
            "unknown key “state”",
        ),
    ],
)
def test_a_bad_file_is_refused_with_its_file_and_line(change, line, words):
    old, new = change
    text = GOOD.replace(old, new)

    with pytest.raises(RuleError) as refused:
        parse_rule(Path("broken.toml"), text)

    assert words in refused.value.message
    assert refused.value.line == line
    assert str(refused.value).startswith("broken.toml" + (f", line {line}" if line else ""))


def test_one_bad_file_refuses_the_whole_folder(tmp_path):
    (tmp_path / "good.toml").write_text(GOOD)
    (tmp_path / "bad.toml").write_text(GOOD.replace("module = 1", "modules = 1"))

    with pytest.raises(RuleError, match=r"bad.toml, line 14: unknown source “modules”"):
        load_rules(tmp_path)


def test_months_are_added_to_the_end_of_a_shorter_month():
    assert add_months(D(2026, 8, 31), 6) == D(2027, 2, 28)
    assert add_months(D(2027, 1, 15), -12) == D(2026, 1, 15)


# Worked examples --------------------------------------------------------------------


def test_pennsylvania_para_hired_in_january_owes_half_the_year():
    """20 hours a school year (July to June); hired in January, six of twelve months remain."""
    rule = shipped_rules()["pennsylvania"]
    hired = D(2027, 1, 11)
    today = D(2027, 3, 1)
    entries = [entry(MODULE, D(2027, 1, 20), "3"), entry(OUTSIDE, D(2027, 2, 10), "2")]

    result = standing(rule, entries, today, hired_on=hired)

    assert result.period == (D(2026, 7, 1), D(2027, 6, 30))
    assert result.required_hours == Decimal("10.00")
    assert result.credited_hours == Decimal("5.00")
    # By March 1 an even pace from January 11 to June 30 needs about 4.3 hours.
    assert result.status == ON_TRACK
    assert result.next_deadline == ("End of the period", D(2027, 6, 30))


def test_pennsylvania_does_not_count_collaboration_time():
    rule = shipped_rules()["pennsylvania"]

    result = standing(rule, [entry(COLLABORATION, D(2026, 9, 1), "20")], D(2026, 11, 18))

    assert result.credited_hours == 0
    assert result.status == BEHIND


def test_minnesota_para_owes_six_hours_within_thirty_days_of_hire():
    rule = shipped_rules()["minnesota"]
    hired = D(2026, 10, 5)
    six_hours = [entry(MODULE, D(2026, 10, 10), "4"), entry(COLLABORATION, D(2026, 10, 30), "2")]

    during = standing(rule, six_hours[:1], D(2026, 10, 20), hired_on=hired)
    done = standing(rule, six_hours, D(2026, 11, 18), hired_on=hired)
    missed = standing(rule, six_hours[:1], D(2026, 11, 18), hired_on=hired)

    assert during.next_deadline == ("6 hours within 30 days of hire", D(2026, 11, 4))
    assert during.status == ON_TRACK
    assert done.status == ON_TRACK  # 6 of 8 hours, the 30-day part met
    assert done.next_deadline == ("End of the period", D(2027, 6, 30))
    assert missed.status == BEHIND  # November 4 passed with 4 hours
    assert not missed.deadlines[0].met


def test_minnesota_para_meets_eight_hours_with_collaboration_time():
    rule = shipped_rules()["minnesota"]
    entries = [entry(COLLABORATION, D(2026, 8, 20), "5"), entry(MODULE, D(2026, 9, 1), "3")]

    result = standing(rule, entries, D(2026, 11, 18), hired_on=D(2019, 8, 15))

    assert result.required_hours == 8  # no proration in Minnesota
    assert result.status == MET
    assert result.next_deadline is None
    assert result.deadlines == ()  # hired long before this year


def test_new_york_five_year_registration_period_runs_across_school_years():
    """100 CTLE hours per five-year registration period from the birth month; hours
    from any of its school years count, and hours from before it do not."""
    rule = shipped_rules()["new-york-ctle"]
    starts = D(2023, 4, 1)
    entries = [
        entry(OUTSIDE, D(2023, 3, 31), "30"),  # the previous period
        entry(OUTSIDE, D(2023, 5, 1), "30"),  # school year 2022-23
        entry(MODULE, D(2024, 10, 1), "25"),  # 2024-25
        entry(OUTSIDE, D(2026, 9, 15), "25"),  # 2026-27
    ]

    result = standing(rule, entries, D(2026, 11, 18), registration_starts_on=starts)

    assert result.period == (D(2023, 4, 1), D(2028, 3, 31))
    assert result.required_hours == 100
    assert result.credited_hours == 80
    assert result.status == ON_TRACK  # 3.6 of 5 years gone, 80 of 100 hours
    assert result.next_deadline == ("End of the period", D(2028, 3, 31))
    # The next period starts where this one ends.
    later = standing(rule, entries, D(2028, 4, 2), registration_starts_on=starts)
    assert later.period == (D(2028, 4, 1), D(2033, 3, 31))
    assert later.credited_hours == 0


def test_new_york_needs_the_registration_date():
    result = standing(shipped_rules()["new-york-ctle"], [], D(2026, 11, 18))

    assert result.status == NEEDS_DATE


def test_washington_counts_three_years_from_hire_with_the_fundamental_course_deadlines():
    rule = shipped_rules()["washington"]
    hired = D(2026, 9, 14)
    entries = [entry(OUTSIDE, D(2026, 10, 1), "14")]

    result = standing(rule, entries, D(2026, 11, 18), hired_on=hired)

    assert result.period == (D(2026, 9, 14), D(2029, 9, 13))
    assert [item.due_on for item in result.deadlines] == [D(2027, 1, 14), D(2027, 3, 14)]
    assert [item.met for item in result.deadlines] == [True, False]
    assert result.next_deadline == (
        "Fundamental course, all four days, within 6 months of hire",
        D(2027, 3, 14),
    )


def test_collaboration_minutes_are_capped_at_the_rules_share(tmp_path):
    """A rule counting collaboration for up to a quarter of 10 hours credits 2.5 of 6."""
    rule = parse_rule(tmp_path / "capped.toml", GOOD)
    entries = [
        entry(COLLABORATION, D(2026, 9, 1), "6"),
        entry(MODULE, D(2026, 9, 2), "4"),
        entry(OUTSIDE, D(2026, 9, 3), "5"),  # not a source this rule counts
    ]

    result = standing(rule, entries, D(2026, 11, 18))

    assert result.earned_minutes[COLLABORATION] == 360
    assert result.credited_minutes[COLLABORATION] == 150
    assert result.credited_hours == Decimal("6.50")
    assert OUTSIDE not in result.credited_minutes
    assert result.status == ON_TRACK


def test_a_broken_rule_file_fails_the_system_check(tmp_path, monkeypatch):
    from hours import checks

    (tmp_path / "broken.toml").write_text(GOOD.replace("module = 1", "module = 'all'"))
    monkeypatch.setattr(checks, "load_rules", lambda: load_rules(tmp_path))

    errors = checks.rule_files_load()

    assert [error.id for error in errors] == ["hours.E001"]
    assert errors[0].msg == "broken.toml, line 14: “module” must be a number."
    monkeypatch.undo()
    assert checks.rule_files_load() == []


def test_nobody_is_behind_in_the_first_month_of_their_period():
    rule = shipped_rules()["pennsylvania"]

    first_month = standing(rule, [], D(2026, 7, 30))
    later = standing(rule, [], D(2026, 8, 15))
    over = standing(rule, [entry(MODULE, D(2026, 7, 2), "19.75")], D(2027, 7, 1))

    assert first_month.status == ON_TRACK
    assert later.status == BEHIND
    # The next school year has begun: its own period, with nothing in it yet.
    assert over.period == (D(2027, 7, 1), D(2028, 6, 30))
    assert over.status == ON_TRACK
