"""Drill-downs from the reports: everything about one person, and one pair.

Both are found through ``pairs.scoping`` as the reports' rows are (another
school's person or pair answers 404), and each page runs a fixed number of
queries however much work the person or pair has done.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from courses.assignment_status import STATUS_LABELS
from courses.models import ModuleProgress, QuizAttempt
from courses.transcript import by_school_year, transcript_entries
from pairs.models import Pair
from pairs.scoping import (
    is_administrator,
    may_manage_account,
    pairs_administered_by,
    pairs_of_person_for,
    people_for_user,
)
from reporting.base import ReadsFromReplica
from reporting.completion_reports import completion_rows
from reporting.pair_reports import attention_reasons, with_attention
from workspace.models import DONE, CheckIn, PairAction, WeeklyPlan
from workspace.overview import course_rows


class DrillDownView(ReadsFromReplica, WagtailAdminTemplateMixin, TemplateView):
    """An administrator's page about one thing in their schools."""

    def dispatch(self, request, *args, **kwargs):
        if not is_administrator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def today(self) -> datetime.date:
        return timezone.localdate()

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, *self.trail()]

    def trail(self) -> list[dict]:
        return []


# One person ------------------------------------------------------------------------


@dataclass(frozen=True)
class ModuleLine:
    """One module the person has opened, with their attempts at its quiz."""

    progress: ModuleProgress
    attempts: int
    best_score: float | None


def module_lines(person) -> list[ModuleLine]:
    attempts = QuizAttempt.objects.filter(user=person)
    counted = {
        row["module"]: row
        for row in attempts.order_by()
        .values("module")
        .annotate(count=Count("pk"), best=Max("score"))
    }
    progress = (
        ModuleProgress.objects.filter(user=person)
        .select_related("module")
        .only("started_at", "read_at", "passed_at", "completed_at", "module__title", "module__path")
        .order_by("module__path")
    )
    return [
        ModuleLine(
            row,
            counted.get(row.module_id, {}).get("count", 0),
            counted.get(row.module_id, {}).get("best"),
        )
        for row in progress
    ]


class PersonDrillDown(DrillDownView):
    template_name = "reporting/admin/person_drilldown.html"
    header_icon = "user"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.person = None

    def get(self, request, *args, **kwargs):
        self.person = get_object_or_404(people_for_user(request.user), pk=kwargs["pk"])
        return super().get(request, *args, **kwargs)

    def get_page_title(self):
        return str(self.person)

    def trail(self):
        return [
            {"url": reverse("course_reports:completion"), "label": _("Completion by person")},
            {"url": "", "label": str(self.person)},
        ]

    def get_context_data(self, **kwargs):
        admin, person = self.request.user, self.person
        assignments = list(completion_rows(admin, self.today).filter(user=person))
        for row in assignments:
            row.status_label = STATUS_LABELS[row.status]
        attempts = list(
            QuizAttempt.objects.filter(user=person)
            .select_related("module")
            .only("score", "passed", "created_at", "module__title")
            .order_by("-created_at", "-pk")
        )
        years = by_school_year(transcript_entries(person))
        return super().get_context_data(
            person=person,
            assignments=assignments,
            modules=module_lines(person),
            attempts=attempts,
            years=years,
            pairs=list(pairs_of_person_for(admin, person).select_related("teacher", "para")),
            edit_url=(
                reverse("people:edit", args=[person.pk])
                if may_manage_account(admin, person)
                else None
            ),
            **kwargs,
        )


# One pair --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistState:
    total: int
    done: int
    waiting_on_para: int
    waiting_on_teacher: int

    @property
    def open(self) -> int:
        return self.total - self.done


@dataclass(frozen=True)
class PairCounts:
    plans: int
    check_ins: int
    check_in_minutes: int
    planning_meetings: int


def pair_counts(pair: Pair) -> PairCounts:
    check_ins = CheckIn.objects.filter(pair=pair).aggregate(
        count=Count("pk"),
        minutes=Sum("minutes"),
        planning=Count("pk", filter=Q(kind=CheckIn.Kind.PLANNING)),
    )
    return PairCounts(
        plans=WeeklyPlan.objects.filter(pair=pair).count(),
        check_ins=check_ins["count"],
        check_in_minutes=check_ins["minutes"] or 0,
        planning_meetings=check_ins["planning"],
    )


def administered_pairs_with_health(admin, today: datetime.date) -> QuerySet[Pair]:
    return with_attention(pairs_administered_by(admin), today).select_related(
        "school", "teacher", "para"
    )


class PairDrillDown(DrillDownView):
    """How a pair is doing, in counts and statuses: no plan, note or action text is
    shown, so opening it is not an access to the pair's records (those views write
    an access record; see ``workspace.access_log``)."""

    template_name = "reporting/admin/pair_drilldown.html"
    header_icon = "group"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.pair = None

    def get(self, request, *args, **kwargs):
        self.pair = get_object_or_404(
            administered_pairs_with_health(request.user, self.today), pk=kwargs["pk"]
        )
        return super().get(request, *args, **kwargs)

    def get_page_title(self):
        return str(self.pair)

    def trail(self):
        return [
            {"url": reverse("pair_reports:health"), "label": _("Pair health")},
            {"url": "", "label": str(self.pair)},
        ]

    def get_context_data(self, **kwargs):
        pair = self.pair
        actions = PairAction.objects.filter(pair=pair).aggregate(
            total=Count("pk"), done=Count("pk", filter=DONE)
        )
        return super().get_context_data(
            pair=pair,
            reasons=attention_reasons(pair),
            courses=course_rows(pair),
            checklist=ChecklistState(
                actions["total"], actions["done"], pair.waiting_on_para, pair.waiting_on_teacher
            ),
            counts=pair_counts(pair),
            edit_url=reverse("pairs:edit", args=[pair.pk]),
            **kwargs,
        )


drilldown_urls = [
    path("people/<int:pk>/", PersonDrillDown.as_view(), name="person"),
    path("pairs/<int:pk>/", PairDrillDown.as_view(), name="pair"),
]
