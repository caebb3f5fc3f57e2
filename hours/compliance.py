"""Where each person stands against the rules their district follows: hours
earned by source, hours required (prorated by hire date where the rule says so),
on track, behind or met, and the next deadline.

``standing`` is a pure function of a rule, a person's ledger rows and dates;
``standings_for`` reads any number of people in a fixed number of queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import ModuleProgress
from hours.ledger import (
    SOURCE_LABELS,
    LedgerEntry,
    as_hours,
    ledger_for,
    local_day_bounds,
    verified_check_ins,
)
from hours.models import HoursRules, OutsidePD, PersonnelRecord
from hours.rules import (
    COLLABORATION,
    FROM_HIRE,
    MODULE,
    OUTSIDE,
    Deadline,
    Rule,
    add_months,
    shipped_rules,
)

MET, ON_TRACK, BEHIND, NEEDS_DATE = "met", "on_track", "behind", "needs_date"
STATUS_LABELS = {
    MET: _("Met"),
    ON_TRACK: _("On track"),
    BEHIND: _("Behind"),
    NEEDS_DATE: _("Needs a date"),
}
STATUS_CHOICES = list(STATUS_LABELS.items())
# Rows fetched from the database at a time when a whole district is read.
CHUNK = 2000


@dataclass(frozen=True)
class DeadlineStanding:
    deadline: Deadline
    due_on: datetime.date
    credited_minutes: Decimal

    @property
    def met(self) -> bool:
        return self.credited_minutes >= self.deadline.hours * 60

    def missed(self, today: datetime.date) -> bool:
        return not self.met and self.due_on < today


@dataclass(frozen=True)
class Standing:
    rule: Rule
    status: str
    period: tuple[datetime.date, datetime.date] | None = None
    required_minutes: Decimal = Decimal(0)
    earned_minutes: dict[str, Decimal] = field(default_factory=dict)
    credited_minutes: dict[str, Decimal] = field(default_factory=dict)
    deadlines: tuple[DeadlineStanding, ...] = ()
    next_deadline: tuple[str, datetime.date] | None = None

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def required_hours(self) -> Decimal:
        return as_hours(self.required_minutes)

    @property
    def credited_hours(self) -> Decimal:
        return as_hours(sum(self.credited_minutes.values(), Decimal(0)))

    @property
    def earned_hours(self) -> Decimal:
        return as_hours(sum(self.earned_minutes.values(), Decimal(0)))

    def hours_from(self, source: str) -> Decimal:
        return as_hours(self.credited_minutes.get(source, Decimal(0)))

    @property
    def by_source(self) -> list[tuple[str, Decimal, Decimal]]:
        """(label, hours earned, hours credited) for each source the rule counts."""
        return [
            (str(SOURCE_LABELS[source]), as_hours(self.earned_minutes.get(source, 0)),
             as_hours(self.credited_minutes.get(source, 0)))
            for source in self.rule.source_shares
        ]  # fmt: skip

    @property
    def percent(self) -> int:
        if not self.required_minutes:
            return 100
        credited = sum(self.credited_minutes.values(), Decimal(0))
        return min(100, int(100 * credited / self.required_minutes))


def credited(
    entries: Iterable[LedgerEntry], rule: Rule, required_minutes: Decimal
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Minutes earned by source, and minutes credited once each source is capped at
    its share of ``required_minutes``; sources the rule does not count credit nothing."""
    earned = {source: Decimal(0) for source in rule.source_shares}
    for entry in entries:
        if entry.source in earned:
            earned[entry.source] += entry.minutes
    capped = {
        source: min(minutes, rule.source_shares[source] * required_minutes)
        for source, minutes in earned.items()
    }
    return earned, capped


def standing(
    rule: Rule,
    entries: Sequence[LedgerEntry],
    today: datetime.date,
    hired_on: datetime.date | None = None,
    registration_starts_on: datetime.date | None = None,
) -> Standing:
    """Where one person stands against ``rule`` on ``today``."""
    anchor = hired_on if rule.period_kind == FROM_HIRE else registration_starts_on
    period = rule.period_containing(today, anchor)
    if period is None:
        return Standing(rule, NEEDS_DATE)
    first, last = period
    required = rule.required_hours(period, hired_on) * 60
    in_period = [entry for entry in entries if first <= entry.on <= last]
    earned, capped = credited(in_period, rule, required)

    deadlines = []
    if hired_on is not None and first <= hired_on <= last:
        for deadline in rule.deadlines:
            due_on = deadline.due_on(hired_on)
            by_then = [entry for entry in in_period if hired_on <= entry.on <= due_on]
            _earned, deadline_credit = credited(by_then, rule, deadline.hours * 60)
            deadlines.append(DeadlineStanding(deadline, due_on, sum(deadline_credit.values())))

    total = sum(capped.values(), Decimal(0))
    missed = any(item.missed(today) for item in deadlines)
    if total >= required and not missed:
        status = MET
    elif missed or total < expected_by(
        today, first if hired_on is None else max(first, hired_on), last, required
    ):
        status = BEHIND
    else:
        status = ON_TRACK

    upcoming = sorted(
        (item.due_on, item.deadline.label)
        for item in deadlines
        if not item.met and item.due_on >= today
    )
    if upcoming:
        next_deadline = (upcoming[0][1], upcoming[0][0])
    elif status != MET:
        next_deadline = (str(_("End of the period")), last)
    else:
        next_deadline = None
    return Standing(rule, status, period, required, earned, capped, tuple(deadlines), next_deadline)


# Days of slack before an even pace counts against someone: nobody is behind in
# the first month of their period, and a quiet month does not flag them at once.
GRACE_DAYS = 30


def expected_by(
    today: datetime.date, start: datetime.date, last: datetime.date, required: Decimal
) -> Decimal:
    """The minutes someone keeping an even pace would have a month before ``today``
    (all of them once the period is over)."""
    if today > last:
        return required
    paced_to = today - datetime.timedelta(days=GRACE_DAYS)
    if paced_to < start:
        return Decimal(0)
    days = (last - start).days + 1
    return required * ((paced_to - start).days + 1) / days


# Reading people in bulk --------------------------------------------------------------


def rules_followed() -> list[Rule]:
    """The district's rules (Settings → PD-hours rules), read without creating the row."""
    setting = HoursRules.objects.first()
    rules = shipped_rules()
    return [rules[slug] for slug in (setting.rules if setting else []) if slug in rules]


def rules_for(person, rules: Iterable[Rule]) -> list[Rule]:
    """Of ``rules``, those the person's role puts them under."""
    return [rule for rule in rules if person.role in rule.roles]


@dataclass(frozen=True)
class PersonCompliance:
    person: object
    hired_on: datetime.date | None
    standings: tuple[Standing, ...]

    @property
    def status(self) -> str:
        """The worst of the person's standings: behind before needs a date before on
        track before met."""
        order = (BEHIND, NEEDS_DATE, ON_TRACK, MET)
        found = [item.status for item in self.standings]
        return next((status for status in order if status in found), MET)


def lookback_start(today: datetime.date, rules: Iterable[Rule]) -> datetime.date:
    """The earliest day any current period of ``rules`` can start."""
    years = max((rule.period_years for rule in rules), default=1)
    return add_months(today, -12 * years - 12)


def compliance_for(
    people: Sequence, today: datetime.date, rules: list[Rule] | None = None
) -> list[PersonCompliance]:
    """Each of ``people`` with their standing under every rule that applies to
    them, in a fixed number of queries however many people there are."""
    rules = rules_followed() if rules is None else rules
    ids = [person.pk for person in people]
    records = {
        record.person_id: record for record in PersonnelRecord.objects.filter(person_id__in=ids)
    }
    entries = ledger_for(ids, lookback_start(today, rules), today, by_day=True) if rules else {}
    result = []
    for person in people:
        record = records.get(person.pk)
        hired_on = record.hired_on if record else None
        registration = record.registration_starts_on if record else None
        standings = tuple(
            standing(rule, entries.get(person.pk, []), today, hired_on, registration)
            for rule in rules_for(person, rules)
        )
        result.append(PersonCompliance(person, hired_on, standings))
    return result


def standings_of(person, today: datetime.date) -> PersonCompliance:
    return compliance_for([person], today)[0]


def people_behind(people, today: datetime.date, chunk: int = 2000) -> list[PersonCompliance]:
    """Of ``people`` (a queryset), those behind under a rule the district follows, by
    name; read ``chunk`` people at a time, so the number of queries grows only
    with the district's size in thousands."""
    rules = rules_followed()
    if not rules:
        return []
    roles = {role for rule in rules for role in rule.roles}
    listed = people.filter(is_active=True, role__in=roles).order_by("last_name", "first_name", "pk")
    behind, batch = [], []
    for person in listed.iterator(chunk_size=chunk):
        batch.append(person)
        if len(batch) == chunk:
            behind += [
                found for found in compliance_for(batch, today, rules) if found.status == BEHIND
            ]
            batch = []
    behind += [found for found in compliance_for(batch, today, rules) if found.status == BEHIND]
    return behind


def _by_person(rows: Iterator[tuple]) -> Iterator[tuple[int, list[tuple]]]:
    """Consecutive rows grouped by their first value (a person's id)."""
    for person_id, group in groupby(rows, key=lambda row: row[0]):
        yield person_id, list(group)


class _Stream:
    """One ordered stream of per-person rows, read as far as the person asked for."""

    def __init__(self, rows: Iterator[tuple]):
        self.groups = _by_person(rows)
        self.pending: tuple[int, list[tuple]] | None = next(self.groups, None)

    def take(self, person_id: int) -> list[tuple]:
        if self.pending is None or self.pending[0] != person_id:
            return []
        rows = self.pending[1]
        self.pending = next(self.groups, None)
        return rows


def stream_compliance(
    people: QuerySet, today: datetime.date, rules: list[Rule] | None = None
) -> Iterator[PersonCompliance]:
    """Everyone in ``people`` with their standings, by name, in a fixed number of
    queries and flat memory: the people, their hire dates and each source of the
    ledger (summed by day) are read as streams in the same order and merged."""
    rules = rules_followed() if rules is None else rules
    people = people.order_by("last_name", "first_name", "pk")
    ids = people.values("pk")
    first = lookback_start(today, rules)

    def ordered(rows: QuerySet, person: str) -> Iterator[tuple]:
        order = (f"{person}__last_name", f"{person}__first_name", f"{person}_id")
        return rows.order_by(*order).iterator(chunk_size=CHUNK)

    start, _end = local_day_bounds(first, today)
    day = TruncDate("completed_at", tzinfo=timezone.get_current_timezone())
    modules = _Stream(
        ordered(
            ModuleProgress.objects.filter(user__in=ids, completed_at__gte=start)
            .annotate(day=day)
            .values_list("user_id", "day")
            .annotate(hours=Sum("module__pd_hours")),
            "user",
        )
    )
    together = [
        _Stream(
            ordered(
                verified_check_ins()
                .filter(**{f"pair__{role}__in": ids}, happened_on__gte=first)
                .values_list(f"pair__{role}_id", "happened_on")
                .annotate(minutes=Sum("minutes")),
                f"pair__{role}",
            )
        )
        for role in ("para", "teacher")
    ]
    outside = _Stream(
        ordered(
            OutsidePD.objects.filter(person__in=ids, completed_on__gte=first)
            .values_list("person_id", "completed_on")
            .annotate(hours=Sum("hours")),
            "person",
        )
    )
    records = _Stream(
        ordered(
            PersonnelRecord.objects.filter(person__in=ids).values_list(
                "person_id", "hired_on", "registration_starts_on"
            ),
            "person",
        )
    )
    for person in people.iterator(chunk_size=CHUNK):
        entries = [
            LedgerEntry(person.pk, MODULE, on, hours * 60, "")
            for _id, on, hours in modules.take(person.pk)
        ]
        for stream in together:
            entries += [
                LedgerEntry(person.pk, COLLABORATION, on, Decimal(minutes), "")
                for _id, on, minutes in stream.take(person.pk)
            ]
        entries += [
            LedgerEntry(person.pk, OUTSIDE, on, hours * 60, "")
            for _id, on, hours in outside.take(person.pk)
        ]
        record = records.take(person.pk)
        hired_on, registration = record[0][1:] if record else (None, None)
        standings = tuple(
            standing(rule, entries, today, hired_on, registration)
            for rule in rules_for(person, rules)
        )
        yield PersonCompliance(person, hired_on, standings)
