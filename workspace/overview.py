"""Everything on the pair's page, and the partners' courses side by side (a page
of their own, and the administrators' drill-down), each gathered in a fixed number
of queries however many courses, actions, plans or check-ins the pair has."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery

from accounts.roles import PairRole
from config.database import ANY_ID, ANY_IDS, OneOf, compiled_once
from courses.models import CoursePage, ModulePage
from courses.my_learning import courses_for_pair
from courses.progress import (
    NOT_STARTED_STATUS,
    ModuleStatus,
    live_modules_by_course,
    module_statuses,
)
from pairs.models import Pair
from workspace.access import role_in_pair, write_refusal
from workspace.actions import ActionView, action_view, show_actions_in_reader_language
from workspace.coaching import StrategySummary, strategy_summaries
from workspace.measures import Chart, MeasureTrend, measure_trends, planning_chart
from workspace.models import (
    DONE,
    MODULE_CONTENT,
    PLAN_FIELDS,
    CheckIn,
    FidelityCheck,
    PairAction,
    WeeklyPlan,
)
from workspace.plans import PlanningTime, monday_of
from workspace.waiting import WaitingItem, waiting_in_pair

# The page lists the open actions (up to this many) and the latest done ones;
# the full checklist and the full log have pages of their own.
OPEN_ACTIONS_SHOWN = 30
DONE_ACTIONS_SHOWN = 5
CHECK_INS_SHOWN = 5


@dataclass(frozen=True)
class ModuleRow:
    module: ModulePage
    para: ModuleStatus
    teacher: ModuleStatus
    actions_total: int
    actions_done: int


@dataclass(frozen=True)
class CourseRow:
    course: CoursePage
    modules: list[ModuleRow]


def pair_courses(pair: Pair) -> list[CoursePage]:
    """The partners' courses (``courses.my_learning.courses_for_pair``) and the courses
    whose actions the pair took on, in catalogue order."""
    action_modules = pair.actions.filter(module__isnull=False).values_list(
        "module__path", flat=True
    )
    return courses_for_pair(pair, module_paths=action_modules)


def course_rows(pair: Pair) -> list[CourseRow]:
    """The pair's courses, module by module: each partner's status and the pair's actions."""
    courses = pair_courses(pair)
    modules_by_course = live_modules_by_course(courses)
    module_ids = [module.pk for modules in modules_by_course.values() for module in modules]
    statuses = module_statuses([pair.para_id, pair.teacher_id], module_ids)
    counts = {
        row["module"]: row
        for row in pair.actions.filter(module__in=module_ids)
        .order_by()
        .values("module")
        .annotate(total=Count("pk"), done=Count("pk", filter=DONE))
    }
    return [
        CourseRow(
            course,
            [
                ModuleRow(
                    module,
                    para=statuses.get((pair.para_id, module.pk), NOT_STARTED_STATUS),
                    teacher=statuses.get((pair.teacher_id, module.pk), NOT_STARTED_STATUS),
                    actions_total=counts.get(module.pk, {}).get("total", 0),
                    actions_done=counts.get(module.pk, {}).get("done", 0),
                )
                for module in modules_by_course.get(course.pk, [])
            ],
        )
        for course in courses
    ]


def checklist_actions(pair: Pair):
    """The pair's actions with their modules' titles, without the modules' content,
    the measure each keeps, and the id of the teacher's latest look at each
    (``with_latest_look`` loads the looks)."""
    return _as_listed(pair.actions.all())


def _as_listed(actions):
    latest_look = (
        FidelityCheck.objects.filter(action=OuterRef("pk")).order_by("-at", "-pk").values("pk")[:1]
    )
    return (
        actions.select_related("module", "measure", "noted_by")
        .defer(*MODULE_CONTENT)
        .annotate(latest_look_id=Subquery(latest_look))
    )


def with_latest_look(actions: Iterable[PairAction]) -> list[PairAction]:
    """``actions`` (from ``checklist_actions``), each with the teacher's latest look
    as ``latest_look`` (None before the first), in one query.

    An action looked at every week for a year has 52 looks; a prefetch limited to
    one each is numbered with a window function, and putting that query together
    cost more than this one and the annotation (1.8 ms against 0.5 on PostgreSQL).
    """
    actions = list(actions)
    ids = [action.latest_look_id for action in actions if action.latest_look_id]
    looks = {look.pk: look for look in _looks_with_observers().instances(ids)} if ids else {}
    for action in actions:
        action.latest_look = looks.get(action.latest_look_id)
    return actions


@compiled_once(FidelityCheck)
def _looks_with_observers():
    """The looks of a list of ids (``ANY_IDS``), with the teacher who looked."""
    return FidelityCheck.objects.filter(OneOf("id", ANY_IDS)).select_related("observer")


def shown_actions(pair: Pair) -> tuple[list[PairAction], list[PairAction]]:
    """The open actions the page shows, in the order they are planned, with one
    more when there are more; and the latest done ones, newest first. Three
    queries: each side, and the latest looks of both.

    Each side is its own plain query: numbering both sides in one query with a
    window function took longer to put together than two (4.5 ms against 2.5).
    Both are compiled once for any pair (``config.database.CompiledQuery``):
    putting each together took 1.5 ms, the database 0.5 to answer it.
    """
    open_actions = _open_actions_shown().instances(pair.pk)
    done_actions = _done_actions_shown().instances(pair.pk)
    for action in (*open_actions, *done_actions):
        # As ``pair.actions`` gives them: the partners come with the pair.
        action.pair = pair
    with_latest_look(open_actions + done_actions)
    return open_actions, done_actions


@compiled_once(PairAction)
def _open_actions_shown():
    actions = _as_listed(PairAction.objects.filter(pair=ANY_ID)).open()
    return actions.order_by("planned_for", "pk")[: OPEN_ACTIONS_SHOWN + 1]


@compiled_once(PairAction)
def _done_actions_shown():
    actions = _as_listed(PairAction.objects.filter(pair=ANY_ID)).done()
    return actions.order_by("-planned_for", "-pk")[:DONE_ACTIONS_SHOWN]


@compiled_once(CheckIn)
def _latest_check_ins():
    return CheckIn.objects.filter(pair=ANY_ID).select_related("author")[:CHECK_INS_SHOWN]


def _plan_for(pair: Pair, monday: datetime.date) -> WeeklyPlan | None:
    plans = _plan_of_the_week(monday).instances(pair.pk)
    return plans[0] if plans else None


@compiled_once(WeeklyPlan, keep=4)
def _plan_of_the_week(monday: datetime.date):
    """A pair's plan for the week of ``monday``, compiled once a week for any pair."""
    return WeeklyPlan.objects.filter(pair=ANY_ID, week_of=monday).select_related("updated_by")[:1]


@dataclass(frozen=True)
class PairOverview:
    pair: Pair
    role: PairRole | None
    partner: object | None
    can_write: bool
    today: datetime.date
    monday: datetime.date
    open_actions: list[ActionView]
    more_open_actions: bool
    done_actions: list[ActionView]
    plan: WeeklyPlan | None
    planning: PlanningTime
    check_ins: list[CheckIn]
    waiting: list[WaitingItem]
    measures: list[MeasureTrend]
    planning_chart: Chart
    strategies: list[StrategySummary]

    def notes(self) -> list[str]:
        """What people wrote that the page shows through the Markdown renderer."""
        actions = [item.action for item in (*self.open_actions, *self.done_actions)]
        plan_texts = [getattr(self.plan, name) for name in PLAN_FIELDS] if self.plan else []
        return [
            *(action.note for action in actions if action.records_data),
            *plan_texts,
            *(check_in.note for check_in in self.check_ins),
        ]


def pair_overview(pair: Pair, user) -> PairOverview:
    role = role_in_pair(pair, user)
    today = pair.today()
    monday = monday_of(today)
    measures, strategies = measure_trends(pair, today), strategy_summaries(pair, today)
    open_actions, done_actions = shown_actions(pair)
    # Every action the page quotes, in the reader's language in one query.
    show_actions_in_reader_language(
        [trend.measure.action for trend in measures]
        + [row.action for row in strategies]
        + open_actions[:OPEN_ACTIONS_SHOWN]
        + done_actions
    )
    weekly_planning = planning_chart(pair, today)
    return PairOverview(
        pair=pair,
        role=role,
        partner=pair.partner_of(user) if role else None,
        can_write=write_refusal(pair, user) is None,
        today=today,
        monday=monday,
        open_actions=[action_view(a, role, today) for a in open_actions[:OPEN_ACTIONS_SHOWN]],
        more_open_actions=len(open_actions) > OPEN_ACTIONS_SHOWN,
        done_actions=[action_view(a, role, today) for a in done_actions],
        plan=_plan_for(pair, monday),
        # This week's planning minutes are the chart's last week.
        planning=PlanningTime(weekly_planning.points[-1].value),
        check_ins=_latest_check_ins().instances(pair.pk),
        waiting=waiting_in_pair(user, pair) if role else [],
        measures=measures,
        planning_chart=weekly_planning,
        strategies=strategies,
    )
