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
    after Thanksgiving break ends. One query, however long the breaks.
    """
    day += datetime.timedelta(days=1)
    for closure in DaysWithoutSchool.objects.from_day(day):
        day = _skip_weekend(day)
        if closure.first_day > day:
            break
        day = max(day, closure.last_day + datetime.timedelta(days=1))
    return _skip_weekend(day)


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


@dataclass(frozen=True)
class PlanSave:
    """The saved plan, or (when someone saved first) the plan as they left it."""

    plan: WeeklyPlan
    conflict: bool


def save_plan(
    pair: Pair, monday: datetime.date, fields: dict[str, str], based_on: int, user
) -> PlanSave:
    """Save the week's plan if nobody changed it since version ``based_on`` was read.

    The version check and the increment are one UPDATE ... WHERE version = N,
    so of two saves based on the same version exactly one wins; the other gets
    the winner back to show beside its own text. ``based_on`` 0 means the
    editor saw no plan for the week: creating it races on the unique constraint.
    """
    values = {name: fields[name] for name in PLAN_FIELDS}
    now = timezone.now()
    week = pair.plans.filter(week_of=monday)
    if based_on > 0:
        updated = week.filter(version=based_on).update(
            **values, version=F("version") + 1, updated_by=user, updated_at=now
        )
        if updated:
            return PlanSave(week.get(), conflict=False)
    else:
        try:
            with transaction.atomic():
                plan = WeeklyPlan.objects.create(
                    pair=pair, week_of=monday, updated_by=user, updated_at=now, **values
                )
            return PlanSave(plan, conflict=False)
        except IntegrityError:
            pass
    current = week.select_related("updated_by").first()
    if current is None:
        # Based on a version of a plan that no longer exists: start it afresh.
        return save_plan(pair, monday, fields, 0, user)
    return PlanSave(current, conflict=True)


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
