"""The dashboard's trends, per school over the last twelve weeks: modules completed,
and minutes of planning meetings the pairs logged.

Each trend is one query grouped by school and week, and each chart is drawn
here as plain SVG geometry (no chart library, nothing run in the browser) with
its numbers also said in words beside it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, OuterRef, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from courses.models import ModuleProgress
from pairs.scoping import in_scope, pairs_administered_by, people_for_user, school_name_of
from workspace.models import CheckIn
from workspace.plans import monday_of

WEEKS = 12
MODULES_COMPLETED = ngettext_lazy(
    "%(count)s module completed", "%(count)s modules completed", "count"
)
PLANNING_MINUTES = ngettext_lazy(
    "%(count)s minute of planning", "%(count)s minutes of planning", "count"
)
# The chart's drawing box, in SVG user units; CSS scales it to the panel's width.
WIDTH, HEIGHT, GAP = 240, 60, 4


@dataclass(frozen=True)
class Bar:
    week_of: datetime.date
    value: int
    x: float
    y: float
    width: float
    height: float

    @property
    def title(self) -> str:
        return f"{date_format(self.week_of)}: {self.value}"


@dataclass(frozen=True)
class Trend:
    """One school's weekly numbers, oldest week first, with the chart's bars."""

    school: str
    weeks: list[tuple[datetime.date, int]]
    # ngettext_lazy(..., "count"): the number picks the plural when it is filled in.
    unit: str

    @property
    def total(self) -> int:
        return sum(value for _week, value in self.weeks)

    @property
    def peak(self) -> int:
        return max((value for _week, value in self.weeks), default=0)

    @property
    def bars(self) -> list[Bar]:
        width = (WIDTH - GAP * (len(self.weeks) - 1)) / len(self.weeks)
        bars = []
        for position, (week_of, value) in enumerate(self.weeks):
            # An empty week keeps a sliver, so the week is seen to be there.
            height = max(HEIGHT * value / self.peak, 1) if self.peak else 1
            x = position * (width + GAP)
            bars.append(
                Bar(
                    week_of,
                    value,
                    round(x, 2),
                    round(HEIGHT - height, 2),
                    round(width, 2),
                    round(height, 2),
                )
            )
        return bars

    def amount(self, value: int) -> str:
        return self.unit % {"count": value}

    @property
    def in_words(self) -> str:
        """What the chart shows, said: the total, the busiest week and this week."""
        if not self.total:
            return _("None in the last %(weeks)s weeks.") % {"weeks": len(self.weeks)}
        busiest_week, busiest = max(self.weeks, key=lambda week: week[1])
        this_week = self.weeks[-1][1]
        return _(
            "%(total)s in the last %(weeks)s weeks; the most, %(busiest)s, in the week of "
            "%(busiest_week)s; %(this_week)s so far this week."
        ) % {
            "total": self.amount(self.total),
            "weeks": len(self.weeks),
            "busiest": self.amount(busiest),
            "busiest_week": date_format(busiest_week),
            "this_week": self.amount(this_week),
        }


def week_starts(today: datetime.date, weeks: int = WEEKS) -> list[datetime.date]:
    """The Mondays of the last ``weeks`` weeks, this one last."""
    this_monday = monday_of(today)
    return [this_monday - datetime.timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]


def _per_school(
    counted: QuerySet, mondays: list[datetime.date], schools: list[str], unit
) -> list[Trend]:
    """``counted`` gives (school name, day, value) rows; add them up by school and week."""
    totals: dict[tuple[str, datetime.date], int] = defaultdict(int)
    for school, day, value in counted:
        totals[school, monday_of(day)] += value or 0
    return [
        Trend(school, [(monday, totals[school, monday]) for monday in mondays], unit)
        for school in schools
    ]


def completion_trends(admin, school_names: list[str], today: datetime.date) -> list[Trend]:
    """Modules completed each week by the people ``admin`` reports on, per school
    (a person in two schools under the one the completion report shows them in)."""
    mondays = week_starts(today)
    progress = in_scope(
        ModuleProgress.objects.filter(completed_at__date__gte=mondays[0]),
        "user",
        people_for_user(admin),
    )
    counted = (
        progress.annotate(
            school=school_name_of(admin, OuterRef("user")), day=TruncDate("completed_at")
        )
        .values_list("school", "day")
        .annotate(value=Count("pk"))
        .order_by()
    )
    return _per_school(counted, mondays, school_names, MODULES_COMPLETED)


def planning_trends(admin, school_names: list[str], today: datetime.date) -> list[Trend]:
    """Minutes of planning meetings the pairs of each school logged, week by week."""
    mondays = week_starts(today)
    meetings = CheckIn.objects.filter(
        kind=CheckIn.Kind.PLANNING,
        happened_on__gte=mondays[0],
        pair__in=pairs_administered_by(admin),
    )
    counted = (
        meetings.values_list("pair__school__name", "happened_on")
        .annotate(value=Sum("minutes"))
        .order_by()
    )
    return _per_school(counted, mondays, school_names, PLANNING_MINUTES)
