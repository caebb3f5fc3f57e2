"""The PD-hours ledger: one row per credited activity, with its source.

Rows are derived, not stored: a completed module is read from its progress row
(its PD hours, as the transcript and certificates read them), verified
collaboration from check-ins the partner confirmed, and outside PD from what an
administrator entered. Each hour is therefore recorded once, where it happens,
and the ledger, the transcript and the reports cannot disagree.

``ledger_for`` reads any number of people in three queries, or one when it sums
by day (for one person, from SQL compiled once a day).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.database import ANY_ID, compiled_once
from courses.models import ModuleProgress
from hours.models import OutsidePD
from hours.rules import COLLABORATION, MODULE, OUTSIDE
from workspace.models import CheckIn

SOURCE_LABELS = {
    MODULE: _("Tandem modules"),
    COLLABORATION: _("Verified collaboration"),
    OUTSIDE: _("Outside PD"),
}
MINUTES_PER_HOUR = Decimal(60)
# A day's sum of hours or minutes, as the three sources are read together.
AMOUNT = DecimalField(max_digits=12, decimal_places=2)


@dataclass(frozen=True)
class LedgerEntry:
    person_id: int
    source: str
    on: datetime.date
    minutes: Decimal
    title: str
    detail: str = ""
    # The row it comes from: a module progress, a check-in or an outside PD entry.
    record_id: int = 0

    @property
    def hours(self) -> Decimal:
        return as_hours(self.minutes)

    @property
    def source_label(self) -> str:
        return str(SOURCE_LABELS[self.source])


def as_hours(minutes: Decimal) -> Decimal:
    return (Decimal(minutes) / MINUTES_PER_HOUR).quantize(Decimal("0.01"))


def local_day_bounds(first: datetime.date, last: datetime.date):
    """Aware datetimes from the start of ``first`` to the start of the day after
    ``last``, in the site's time zone (a module done at 9 pm counts on its own day)."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min)
    return start, end.replace(tzinfo=zone)


def verified_check_ins() -> QuerySet[CheckIn]:
    """Check-ins and planning meetings confirmed by the partner who did not log them."""
    return CheckIn.objects.filter(
        confirmation__confirmed_by__isnull=False,
    ).exclude(confirmation__confirmed_by=F("author"))


def _sources(ids, first: datetime.date | None, last: datetime.date | None):
    """The three sources' rows for ``ids`` between ``first`` and ``last``: completed
    modules, verified collaboration and outside PD."""
    completed = ModuleProgress.objects.filter(user_id__in=ids, completed_at__isnull=False)
    outside = OutsidePD.objects.filter(person_id__in=ids)
    collaboration = verified_check_ins().filter(
        Q(pair__para_id__in=ids) | Q(pair__teacher_id__in=ids)
    )
    if first is not None:
        completed = completed.filter(completed_at__gte=local_day_bounds(first, first)[0])
        outside = outside.filter(completed_on__gte=first)
        collaboration = collaboration.filter(happened_on__gte=first)
    if last is not None:
        completed = completed.filter(completed_at__lt=local_day_bounds(last, last)[1])
        outside = outside.filter(completed_on__lte=last)
        collaboration = collaboration.filter(happened_on__lte=last)
    return completed, collaboration, outside


def ledger_for(
    people: Iterable[int] | QuerySet,
    first: datetime.date | None = None,
    last: datetime.date | None = None,
    *,
    by_day: bool = False,
) -> dict[int, list[LedgerEntry]]:
    """Each person's ledger rows between ``first`` and ``last`` (both included, either
    open), oldest first. ``people`` is ids or a queryset of people (read as a subquery).

    ``by_day`` sums each source's minutes per person and day in the database, without
    titles: all that standings need, and far fewer rows to read for a district."""
    ids = people.values("pk") if isinstance(people, QuerySet) else list(people)
    if by_day:
        if isinstance(ids, list) and len(ids) == 1:
            # One person (My learning, My hours): the same SQL, compiled once a day.
            compiled = _one_persons_by_day(first, last, timezone.get_current_timezone_name())
            return _entries_by_day(compiled.rows(ids[0]))
        return _entries_by_day(_summed_by_day(*_sources(ids, first, last)))
    completed, collaboration, outside = _sources(ids, first, last)
    entries: dict[int, list[LedgerEntry]] = defaultdict(list)
    for pk, user_id, completed_at, title, pd_hours in completed.values_list(
        "pk", "user_id", "completed_at", "module__title", "module__pd_hours"
    ):
        entries[user_id].append(
            LedgerEntry(
                user_id, MODULE, timezone.localdate(completed_at), pd_hours * 60, title, "", pk
            )
        )
    kinds = dict(CheckIn.Kind.choices)
    for pk, para_id, teacher_id, happened_on, minutes, kind in collaboration.values_list(
        "pk", "pair__para_id", "pair__teacher_id", "happened_on", "minutes", "kind"
    ):
        # Time the two spent together counts for both of them.
        for person_id in (para_id, teacher_id):
            entries[person_id].append(
                LedgerEntry(
                    person_id,
                    COLLABORATION,
                    happened_on,
                    Decimal(minutes),
                    str(kinds[kind]),
                    "",
                    pk,
                )
            )
    for pk, person_id, completed_on, hours, title, provider in outside.values_list(
        "pk", "person_id", "completed_on", "hours", "title", "provider"
    ):
        entries[person_id].append(
            LedgerEntry(person_id, OUTSIDE, completed_on, hours * 60, title, provider, pk)
        )
    for rows in entries.values():
        rows.sort(key=lambda row: (row.on, row.source, row.title))
    return dict(entries)


def _summed_by_day(completed, collaboration, outside) -> QuerySet:
    """Each source's sum per person and day, the three sums read in one query.

    Every part gives the same columns: the source, the person (for collaboration,
    the para and the teacher, whose time together counts for both), the day, and
    the amount (hours for modules and outside PD, minutes for collaboration).
    """
    nobody = Value(None, output_field=IntegerField())

    def summed(rows, source, person, partner, day, amount):
        return (
            # Named apart from the models' own fields (an outside PD entry has a person).
            rows.annotate(
                ledger_source=Value(source),
                ledger_person=person,
                ledger_partner=partner,
                ledger_day=day,
            )
            .values_list("ledger_source", "ledger_person", "ledger_partner", "ledger_day")
            .annotate(ledger_amount=Sum(amount, output_field=AMOUNT))
            .order_by()
        )

    modules = summed(
        completed,
        MODULE,
        F("user_id"),
        nobody,
        TruncDate("completed_at", tzinfo=timezone.get_current_timezone()),
        "module__pd_hours",
    )
    together = summed(
        collaboration,
        COLLABORATION,
        F("pair__para_id"),
        F("pair__teacher_id"),
        F("happened_on"),
        Cast("minutes", AMOUNT),
    )
    elsewhere = summed(outside, OUTSIDE, F("person_id"), nobody, F("completed_on"), "hours")
    return modules.union(together, elsewhere, all=True)


@compiled_once(CheckIn)
def _one_persons_by_day(first: datetime.date | None, last: datetime.date | None, zone: str):
    """One person's sums by day between ``first`` and ``last``.

    ``zone`` is the current time zone's name: the query is built in it (a day's
    bounds, a module's local day), so each zone has its own. Putting the
    three-part query together took four times what the database takes to
    answer it for one person (1.6 ms against 0.4 ms on PostgreSQL).
    """
    return _summed_by_day(*_sources([ANY_ID], first, last))


def _entries_by_day(rows: Iterable[tuple]) -> dict[int, list[LedgerEntry]]:
    entries: dict[int, list[LedgerEntry]] = defaultdict(list)
    for source, person_id, partner_id, on, amount in rows:
        minutes = Decimal(amount) if source == COLLABORATION else amount * MINUTES_PER_HOUR
        for someone in (person_id, partner_id):
            if someone is not None:
                entries[someone].append(LedgerEntry(someone, source, on, minutes, ""))
    for rows_of_one in entries.values():
        rows_of_one.sort(key=lambda row: (row.on, row.source))
    return dict(entries)


def minutes_by_source(entries: Iterable[LedgerEntry]) -> dict[str, Decimal]:
    totals = {source: Decimal(0) for source in SOURCE_LABELS}
    for entry in entries:
        totals[entry.source] += entry.minutes
    return totals
