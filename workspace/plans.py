"""The weekly collaboration plan and the planning time that goes into it.

Functions here take a pair the caller already resolved through
``pairs.scoping.readable_pair`` and read only through its related managers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from config.kept import KeptAMinute
from pairs.models import DaysWithoutSchool, Pair
from workspace.models import PLAN_FIELDS, CheckIn, WeeklyPlan

# "Joint planning time of 15 to 30 minutes a week" (Stronger Together).
PLANNING_GOAL_MINUTES = (15, 30)


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def next_school_day(day: datetime.date) -> datetime.date:
    """The first school day after ``day``: when a try-tomorrow action is tried by default.

    Weekends are skipped, and so are the district's days without school
    (holidays and breaks, kept in the admin): Monday after a Friday, the day
    after Thanksgiving break ends. At most one query, however long the breaks.
    """
    day += datetime.timedelta(days=1)
    for first_day, last_day in _closures_from(day):
        day = _skip_weekend(day)
        if first_day > day:
            break
        day = max(day, last_day + datetime.timedelta(days=1))
    return _skip_weekend(day)


# The days without school, kept in each process a minute: every module page with
# actions offers the next school day, and the district changes its calendar a few
# times a year. The day is only what a form offers first (the person picks any
# day), so another process may offer the old one for a minute after a change.
_closures = KeptAMinute()


def _closures_from(day: datetime.date) -> tuple[tuple[datetime.date, datetime.date], ...]:
    return _closures.get(
        day,
        lambda: tuple(DaysWithoutSchool.objects.from_day(day).values_list("first_day", "last_day")),
    )


def forget_closures(**kwargs) -> None:
    """Connected to the days without school's saves and deletes (``WorkspaceConfig``)."""
    _closures.forget()


def _skip_weekend(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:  # Saturday, Sunday
        day += datetime.timedelta(days=1)
    return day


def week_overlaps_pair(pair: Pair, monday: datetime.date) -> bool:
    """Whether the pair worked together on any day of the week starting ``monday``."""
    sunday = monday + datetime.timedelta(days=6)
    return pair.started_on <= sunday and (pair.ended_on is None or monday <= pair.ended_on)


def prefill_from(pair: Pair, monday: datetime.date) -> WeeklyPlan | None:
    """The latest plan before this week: a new week starts from it."""
    return pair.plans.filter(week_of__lt=monday).order_by("-week_of").first()


def _same(a: str, b: str) -> bool:
    # A textarea posts CRLF; a hidden input's value comes back with LF.
    return a.replace("\r\n", "\n") == b.replace("\r\n", "\n")


@dataclass(frozen=True)
class PlanMerge:
    """Three versions of a plan folded into one, field by field."""

    values: dict[str, str]
    # Fields the partner changed and the editor did not: theirs, kept.
    from_partner: tuple[str, ...]
    # Fields both changed, each their own way: the editor has to choose.
    conflicts: tuple[str, ...]


def merge_plan(
    base: dict[str, str] | None, mine: dict[str, str], theirs: dict[str, str]
) -> PlanMerge:
    """Merge an editor's plan (``mine``, edited from ``base``) with the one saved
    meanwhile (``theirs``). Without a base (an editor that did not say what it
    started from) every field that differs is a conflict: nothing is guessed."""
    values, from_partner, conflicts = {}, [], []
    for name in PLAN_FIELDS:
        if _same(mine[name], theirs[name]):
            values[name] = mine[name]
        elif base is not None and _same(mine[name], base[name]):
            values[name] = theirs[name]
            from_partner.append(name)
        elif base is not None and _same(theirs[name], base[name]):
            values[name] = mine[name]
        else:
            values[name] = mine[name]
            conflicts.append(name)
    return PlanMerge(values, tuple(from_partner), tuple(conflicts))


@dataclass(frozen=True)
class PlanSave:
    """The saved plan; or, when both partners changed the same field, the plan as
    the partner left it, with the fields to choose between and the merge so far."""

    plan: WeeklyPlan
    conflicts: tuple[str, ...] = ()
    from_partner: tuple[str, ...] = ()
    values: dict[str, str] | None = None

    @property
    def conflict(self) -> bool:
        return bool(self.conflicts)


def plan_values(plan: WeeklyPlan | None) -> dict[str, str]:
    return {name: getattr(plan, name) if plan else "" for name in PLAN_FIELDS}


# A save races a partner's at most this many times in a row before giving up and
# asking; each round means someone else saved in between.
MERGE_ATTEMPTS = 5


def save_plan(
    pair: Pair,
    monday: datetime.date,
    fields: dict[str, str],
    based_on: int,
    user,
    base: dict[str, str] | None = None,
) -> PlanSave:
    """Save the week's plan that the editor read at version ``based_on`` (with the
    values ``base``) and changed to ``fields``.

    The version check and the increment are one UPDATE ... WHERE version = N, so
    of two saves based on the same version exactly one lands as it is. The other
    is merged with the winner field by field (``merge_plan``): what only one of
    them changed is kept from each, and is saved against the winner's version;
    if both changed the same field, nothing is saved and the fields are named.
    ``based_on`` 0 means the editor saw no plan for the week: creating it races
    on the unique constraint.
    """
    values = {name: fields[name] for name in PLAN_FIELDS}
    week = pair.plans.filter(week_of=monday)
    from_partner: set[str] = set()
    for _attempt in range(MERGE_ATTEMPTS):
        now = timezone.now()
        if based_on > 0:
            updated = week.filter(version=based_on).update(
                **values, version=F("version") + 1, updated_by=user, updated_at=now
            )
            if updated:
                return PlanSave(week.get(), from_partner=_in_order(from_partner))
        else:
            try:
                with transaction.atomic():
                    plan = WeeklyPlan.objects.create(
                        pair=pair, week_of=monday, updated_by=user, updated_at=now, **values
                    )
                return PlanSave(plan, from_partner=_in_order(from_partner))
            except IntegrityError:
                # A partner created the week first; the editor started from an
                # empty plan, or from the one the form was filled in from.
                base = base if base is not None else plan_values(None)
        current = week.select_related("updated_by").first()
        if current is None:
            # Based on a version of a plan that no longer exists: start it afresh.
            based_on, base = 0, plan_values(None)
            continue
        merged = merge_plan(base, values, plan_values(current))
        from_partner.update(merged.from_partner)
        if merged.conflicts:
            return PlanSave(
                current,
                conflicts=merged.conflicts,
                from_partner=_in_order(from_partner),
                values=merged.values,
            )
        values, based_on, base = merged.values, current.version, plan_values(current)
    return PlanSave(
        current, conflicts=PLAN_FIELDS, from_partner=_in_order(from_partner), values=values
    )


def _in_order(names: set[str]) -> tuple[str, ...]:
    return tuple(name for name in PLAN_FIELDS if name in names)


@dataclass(frozen=True)
class PlanningTime:
    minutes: int
    goal_low: int = PLANNING_GOAL_MINUTES[0]
    goal_high: int = PLANNING_GOAL_MINUTES[1]

    @property
    def to_go(self) -> int:
        return max(self.goal_low - self.minutes, 0)

    @property
    def met(self) -> bool:
        return self.minutes >= self.goal_low

    @property
    def over(self) -> bool:
        return self.minutes > self.goal_high


def planning_time(pair: Pair, monday: datetime.date) -> PlanningTime:
    """Minutes of planning meetings logged in the week starting ``monday``."""
    total = pair.check_ins.filter(
        kind=CheckIn.Kind.PLANNING,
        happened_on__range=(monday, monday + datetime.timedelta(days=6)),
    ).aggregate(total=Sum("minutes"))["total"]
    return PlanningTime(total or 0)
