"""The measure a pair keeps on an action, recorded a tap a day, and its trend over
the weeks as a small chart drawn on the server (an SVG with a text equivalent; no
chart library reaches the browser), beside the weekly planning minutes against
the 15 to 30 minute goal.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.db import IntegrityError, transaction
from django.db.models import F, Sum, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from config.database import ANY_ID, ANY_IDS, OneOf, compiled_once
from config.html import day_text, sentence
from pairs.models import Pair
from workspace.models import MODULE_CONTENT, CheckIn, Measure, MeasureDay
from workspace.plans import PLANNING_GOAL_MINUTES, monday_of

# Weeks the charts show, the current one last.
TREND_WEEKS = 12
# The largest value one day may hold: no count or minutes in a school day exceeds it.
DAY_MAX = 1000


def record(measure: Measure, day: datetime.date, step: int | None, value: int | None, user) -> int:
    """Add ``step`` (+1 or -1) to the day's value, or set it to ``value`` (yes/no);
    never below 0. Two partners tapping at once both count: the change is one
    UPDATE of the row, created first if the day has none. Returns the new value."""
    for _attempt in range(2):
        row = MeasureDay.objects.filter(measure=measure, day=day)
        now = timezone.now()
        if value is not None:
            changed = row.update(value=value, recorded_by=user, recorded_at=now)
        else:
            changed = row.update(
                value=Greatest(F("value") + step, Value(0)), recorded_by=user, recorded_at=now
            )
        if changed:
            current = row.values_list("value", flat=True).get()
            if current > DAY_MAX:
                row.update(value=DAY_MAX)
                current = DAY_MAX
            return current
        try:
            with transaction.atomic():
                MeasureDay.objects.create(
                    measure=measure,
                    day=day,
                    value=value if value is not None else max(step, 0),
                    recorded_by=user,
                    recorded_at=now,
                )
            return value if value is not None else max(step, 0)
        except IntegrityError:
            continue  # the partner created the day first: add to theirs
    raise RuntimeError("The day's value could not be recorded.")


@dataclass(frozen=True)
class Point:
    monday: datetime.date
    value: int
    days: int  # days recorded that week


@dataclass(frozen=True)
class Chart:
    """A small trend chart: points scaled into a ``width`` × ``height`` box, drawn
    as ``figure``. ``html_id`` is unique on the page: the SVG is labelled by its title."""

    html_id: str
    title: str
    unit: str
    points: list[Point]
    goal: tuple[int, int] | None = None
    width: int = 320
    height: int = 120
    pad: int = 18

    @cached_property
    def top(self) -> int:
        values = [p.value for p in self.points] + list(self.goal or ())
        return max(values + [1])

    def x(self, index: int) -> float:
        span = max(len(self.points) - 1, 1)
        return round(self.pad + index * (self.width - 2 * self.pad) / span, 1)

    def y(self, value: float) -> float:
        return round(self.height - self.pad - value * (self.height - 2 * self.pad) / self.top, 1)

    @cached_property
    def dots(self) -> list[tuple[float, float]]:
        """Each point's place in the box, the line drawn through them."""
        return [(self.x(i), self.y(p.value)) for i, p in enumerate(self.points)]

    @property
    def polyline(self) -> str:
        return " ".join(f"{x},{y}" for x, y in self.dots)

    @property
    def goal_band(self) -> tuple[float, float] | None:
        if not self.goal:
            return None
        low, high = self.goal
        return self.y(high), self.y(low) - self.y(high)

    @property
    def baseline(self) -> float:
        return self.y(0)

    @property
    def figure(self) -> SafeString:
        """The chart as an SVG, and the same numbers in a table for anyone who does
        not see it (the SVG says the table has them).

        Built here rather than in a template: four of them took about 4 ms of the
        pair page's template on the benchmark machine, most of it in a loop of
        date filters and coordinates. Coordinates are Python's own numbers, never
        localised: "18,5" in Spanish would not draw.
        """
        title_id = f"{self.html_id}-title"
        # Numbers only, which need no escaping: written as f-strings rather than
        # through format_html, a chart takes 0.32 ms instead of 0.43.
        shapes = []
        if band := self.goal_band:
            shapes.append(
                f'<rect class="chart__goal" x="{self.pad}" y="{band[0]}"'
                f' width="{self.width - 2 * self.pad}" height="{band[1]}"></rect>'
            )
        baseline = self.baseline
        shapes.append(
            f'<line class="chart__axis" x1="{self.pad}" x2="{self.width - self.pad}"'
            f' y1="{baseline}" y2="{baseline}"></line>'
        )
        shapes.append(f'<polyline class="chart__line" points="{self.polyline}"></polyline>')
        shapes.extend(
            f'<circle class="chart__dot" cx="{x}" cy="{y}" r="3"></circle>' for x, y in self.dots
        )
        svg = format_html(
            '<svg viewBox="0 0 {} {}" width="100%" role="img" aria-labelledby="{}"'
            ' focusable="false"><title id="{}">{}</title>{}</svg>',
            self.width,
            self.height,
            title_id,
            title_id,
            sentence(
                _("%(title)s, week by week: the table below has the numbers."), title=self.title
            ),
            mark_safe("".join(shapes)),  # noqa: S308 - numbers only
        )
        rows = format_html_join(
            "",
            '<tr><th scope="row">{}</th><td>{}</td></tr>',
            (
                (day_text(point.monday, "MONTH_DAY_FORMAT"), localize(point.value))
                for point in self.points
            ),
        )
        goal = (
            format_html(
                '<p class="muted">{}</p>',
                sentence(
                    _("The shaded band is the goal: %(low)s to %(high)s minutes a week."),
                    low=self.goal[0],
                    high=self.goal[1],
                ),
            )
            if self.goal
            else ""
        )
        return format_html(
            '<figure class="chart">{}<figcaption><details><summary>{}</summary>'
            '<table class="chart__table"><thead><tr><th scope="col">{}</th><th scope="col">{}</th>'
            "</tr></thead><tbody>{}</tbody></table>{}</details></figcaption></figure>",
            svg,
            sentence(_("%(title)s: the numbers"), title=self.title),
            _("Week of"),
            capfirst(self.unit),
            rows,
            goal,
        )


@compiled_once(Measure)
def _measures_of_a_pair():
    """A pair's measures with their actions, compiled once for any pair: putting
    the query together took 1.2 ms, the database 0.3 to answer it."""
    return (
        Measure.objects.filter(action__pair=ANY_ID)
        .select_related("action__module")
        .defer(*(f"action__{field}" for field in MODULE_CONTENT))
        .order_by("pk")
    )


@dataclass(frozen=True)
class MeasureTrend:
    measure: Measure
    today_value: int | None
    chart: Chart


def _mondays(today: datetime.date) -> list[datetime.date]:
    last = monday_of(today)
    return [last - datetime.timedelta(weeks=n) for n in range(TREND_WEEKS - 1, -1, -1)]


def measure_trends(pair: Pair, today: datetime.date) -> list[MeasureTrend]:
    """Each measure of the pair with its weekly totals (a yes/no counts its yes days)
    and today's value. Two queries, however many measures and days."""
    measures = _measures_of_a_pair().instances(pair.pk)
    if not measures:
        return []
    mondays = _mondays(today)
    weekly: dict[tuple[int, datetime.date], list[int]] = defaultdict(lambda: [0, 0])
    today_values: dict[int, int] = {}
    days = _days_of_measures(mondays[0], today).rows([measure.pk for measure in measures])
    for measure_id, day, value in days:
        bucket = weekly[(measure_id, monday_of(day))]
        bucket[0] += value
        bucket[1] += 1
        if day == today:
            today_values[measure_id] = value
    return [
        MeasureTrend(
            measure=measure,
            today_value=today_values.get(measure.pk),
            chart=Chart(
                html_id=f"measure-chart-{measure.pk}",
                title=f"{measure.student}: {measure.what}",
                unit=_unit(measure),
                points=[
                    Point(monday, *weekly.get((measure.pk, monday), (0, 0))) for monday in mondays
                ],
            ),
        )
        for measure in measures
    ]


@compiled_once(MeasureDay, keep=4)
def _days_of_measures(first: datetime.date, last: datetime.date):
    """The days some measures recorded from ``first`` to ``last``, compiled once a
    day for any measures."""
    return MeasureDay.objects.filter(
        OneOf("measure_id", ANY_IDS), day__range=(first, last)
    ).values_list("measure_id", "day", "value")


@compiled_once(CheckIn, keep=4)
def _planning_minutes(first: datetime.date, last: datetime.date):
    """A pair's minutes of planning meetings each day from ``first`` to ``last``."""
    return (
        CheckIn.objects.filter(
            pair=ANY_ID, kind=CheckIn.Kind.PLANNING, happened_on__range=(first, last)
        )
        .order_by()
        .values("happened_on")
        .annotate(total=Sum("minutes"))
        .values_list("happened_on", "total")
    )


def _unit(measure: Measure) -> str:
    return {
        Measure.Kind.COUNT: _("times"),
        Measure.Kind.MINUTES: _("minutes"),
        Measure.Kind.YES_NO: _("days with a yes"),
    }[measure.kind]


def planning_chart(pair: Pair, today: datetime.date) -> Chart:
    """Minutes of planning meetings each week, against the 15 to 30 minute goal. One query.

    The last week is the whole of this one, as ``workspace.plans.planning_time``
    counts it, so the pair page reads this week's minutes from the chart."""
    mondays = _mondays(today)
    week_ends = mondays[-1] + datetime.timedelta(days=6)
    minutes: dict[datetime.date, int] = defaultdict(int)
    days: dict[datetime.date, int] = defaultdict(int)
    for day, total in _planning_minutes(mondays[0], week_ends).rows(pair.pk):
        minutes[monday_of(day)] += total
        days[monday_of(day)] += 1
    return Chart(
        html_id="planning-chart",
        title=_("Weekly planning minutes"),
        unit=_("minutes"),
        points=[Point(monday, minutes[monday], days[monday]) for monday in mondays],
        goal=PLANNING_GOAL_MINUTES,
    )
