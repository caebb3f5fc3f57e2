"""Pair reports for administrators: each pair's assigned work side by side, and
pair health.

As in ``reporting.completion_reports``, every row comes from one annotated queryset scoped
through ``pairs.scoping``; how each pair is doing comes from
``workspace.health`` (one query for all the pairs on a page or in an export).
"""

from __future__ import annotations

import copy
import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice

import django_filters
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.reports import ReportView

from config.database import ANY_IDS, OneOf, compiled_once
from config.reversing import url_of
from content.tables import Column, NumberColumn, StatusTagColumn, TitleColumn
from courses.admin_filters import ReportFilterSet
from courses.assignment_status import (
    OVERDUE,
    STATUS_CHOICES,
    STATUS_LABELS,
    SubqueryCount,
    with_status,
)
from courses.models import Assignment
from pairs.models import Pair
from pairs.scoping import in_scope, pairs_administered_by, schools_administered_by
from reporting.base import EXPORT_CHUNK, AdministratorReportView, sortable
from workspace.health import with_health
from workspace.models import DONE, PairAction

QUIET_AFTER = datetime.timedelta(days=14)

ATTENTION, QUIET, NO_PLAN, WAITING, FINE = "attention", "quiet", "no_plan", "waiting", "fine"
HEALTH_CHOICES = [
    (ATTENTION, _("Needs attention")),
    (QUIET, _("No check-in for two weeks")),
    (NO_PLAN, _("No plan this week")),
    (WAITING, _("Actions waiting on a partner")),
    (FINE, _("No concerns")),
]
HEALTH_FILTERS = {
    ATTENTION: Q(needs_attention=True),
    QUIET: Q(quiet=True),
    NO_PLAN: Q(has_plan_this_week=False),
    WAITING: Q(waiting_on_para__gt=0) | Q(waiting_on_teacher__gt=0),
    FINE: Q(needs_attention=False),
}
HEALTH_LABELS = dict(HEALTH_CHOICES)
NOT_ASSIGNED = _("Not assigned")


# Pair health ----------------------------------------------------------------------


def with_attention(pairs: QuerySet[Pair], today: datetime.date) -> QuerySet[Pair]:
    """``workspace.health.with_health`` plus ``quiet`` (no check-in for two weeks,
    counting from the pair's start) and ``needs_attention`` (any of the three)."""
    quiet_since = today - QUIET_AFTER
    return (
        with_health(pairs, today)
        .annotate(
            quiet=ExpressionWrapper(
                Q(last_check_in__lte=quiet_since)
                | Q(last_check_in__isnull=True, started_on__lte=quiet_since),
                output_field=BooleanField(),
            )
        )
        .annotate(
            needs_attention=ExpressionWrapper(
                Q(quiet=True) | HEALTH_FILTERS[NO_PLAN] | HEALTH_FILTERS[WAITING],
                output_field=BooleanField(),
            )
        )
    )


def health_rows(admin, today: datetime.date) -> QuerySet[Pair]:
    """The active pairs of the schools ``admin`` administers, with their health."""
    return (
        with_attention(pairs_administered_by(admin).active(), today)
        .select_related("school", "teacher", "para")
        .order_by("school__name", "teacher__last_name", "para__last_name", "pk")
    )


def pairs_needing_attention(admin, today: datetime.date) -> QuerySet[Pair]:
    return health_rows(admin, today).filter(needs_attention=True)


def attention_reasons(pair: Pair) -> list[str]:
    """Why a pair (annotated by ``with_attention``) needs attention, in words."""
    reasons = []
    if pair.quiet:
        reasons.append(str(HEALTH_LABELS[QUIET]))
    if not pair.has_plan_this_week:
        reasons.append(str(HEALTH_LABELS[NO_PLAN]))
    if pair.waiting_on_para:
        reasons.append(str(_("%(count)s waiting on the para") % {"count": pair.waiting_on_para}))
    if pair.waiting_on_teacher:
        reasons.append(
            str(_("%(count)s waiting on the teacher") % {"count": pair.waiting_on_teacher})
        )
    return reasons


# Assigned work, pair by pair ---------------------------------------------------------


def _active_pairs(relation: str) -> FilteredRelation:
    return FilteredRelation(relation, condition=Q(**{f"{relation}__ended_on__isnull": True}))


def partner_statuses(today: datetime.date, **partner_refs) -> dict[str, Subquery]:
    """``{name: the status of that partner's own assignment of the row's page, if
    any}`` for each partner named. The statuses' tests are built once for all the
    partners: building them costs more than the query they make."""
    of_the_page = with_status(Assignment.objects.filter(page=OuterRef("page")), today)
    return {
        name: Subquery(of_the_page.filter(user=person_ref).values("status")[:1])
        for name, person_ref in partner_refs.items()
    }


def pair_assignment_rows(admin, today: datetime.date) -> QuerySet[Assignment]:
    """One row per active pair and page (course or module) assigned to either partner,
    in the schools ``admin`` administers.

    Each row is an assignment of one partner, joined to the pairs they are in
    (a teacher with two paras is in two pairs). A page both partners have gives
    one row, the para's. Annotated with ``pair_id``, each partner's status and
    the pair's try-tomorrow actions under the page (``actions_done`` of
    ``actions_total``).
    """
    actions = PairAction.objects.filter(
        pair=OuterRef("pair_id"), module__path__startswith=OuterRef("page__path")
    )
    rows = (
        Assignment.objects.annotate(
            as_para=_active_pairs("user__pairs_as_para"),
            as_teacher=_active_pairs("user__pairs_as_teacher"),
        )
        .annotate(
            pair_id=Coalesce("as_para__id", "as_teacher__id"),
            pair_school_id=Coalesce("as_para__school_id", "as_teacher__school_id"),
            pair_para_id=Coalesce("as_para__para_id", "as_teacher__para_id"),
            pair_teacher_id=Coalesce("as_para__teacher_id", "as_teacher__teacher_id"),
        )
        # Assignments of people in no active pair have no row here.
        .filter(pair_id__isnull=False)
    )
    return (
        in_scope(rows, "pair_school_id", schools_administered_by(admin))
        .filter(
            Q(user_id=F("pair_para_id"))
            | ~Exists(
                Assignment.objects.filter(user=OuterRef("pair_para_id"), page=OuterRef("page"))
            )
        )
        .annotate(
            school_name=Coalesce("as_para__school__name", "as_teacher__school__name"),
            **partner_statuses(
                today,
                para_status=OuterRef("pair_para_id"),
                teacher_status=OuterRef("pair_teacher_id"),
            ),
            actions_done=SubqueryCount(actions.done().values("pk")),
            actions_total=SubqueryCount(actions.values("pk")),
        )
        .select_related("page")
        .order_by("school_name", "pair_id", "page__path")
    )


def assigned_work_of_pairs(
    pairs: Iterable[Pair], today: datetime.date, course=None, status: str | None = None
) -> list[Assignment]:
    """The rows ``pair_assignment_rows`` gives for ``pairs`` (active, with their
    school), pair by pair in the order given, each with its ``pair``, from two plain
    queries: the partners' assignments with their statuses, and the pairs'
    try-tomorrow actions.

    For a page of whole pairs: putting that query together and compiling it took
    longer than it takes to run, and each row's partner statuses and action counts
    are read here from the same two queries. ``course`` and ``status`` narrow the
    rows as the report's filters do. ``tests/test_reports.py`` holds the two to
    the same rows.
    """
    pairs = list(pairs)
    partners = sorted({person for pair in pairs for person in (pair.para_id, pair.teacher_id)})
    held: dict[int, dict[int, Assignment]] = defaultdict(dict)
    for assignment in _partners_assignments(today).instances(partners):
        if course is None or assignment.page.path.startswith(course.path):
            held[assignment.user_id][assignment.page_id] = assignment
    actions = defaultdict(list)
    for pair_id, path, done in (
        PairAction.objects.filter(pair__in=pairs, module__isnull=False)
        .annotate(done=ExpressionWrapper(DONE, output_field=BooleanField()))
        .values_list("pair_id", "module__path", "done")
    ):
        actions[pair_id].append((path, done))

    rows = []
    for pair in pairs:
        of_para, of_teacher = held[pair.para_id], held[pair.teacher_id]
        # A page both partners hold gives one row, the para's.
        pages = [of_para.get(page) or of_teacher[page] for page in {*of_para, *of_teacher}]
        for held_by in sorted(pages, key=lambda assignment: assignment.page.path):
            para, teacher = of_para.get(held_by.page_id), of_teacher.get(held_by.page_id)
            statuses = (para.status if para else None, teacher.status if teacher else None)
            if status and status not in statuses:
                continue
            row = copy.copy(held_by)
            row.pair, row.pair_id, row.school_name = pair, pair.pk, pair.school.name
            row.para_status, row.teacher_status = statuses
            under = [done for path, done in actions[pair.pk] if path.startswith(row.page.path)]
            row.actions_done, row.actions_total = sum(under), len(under)
            rows.append(row)
    return rows


@compiled_once(Assignment, keep=4)
def _partners_assignments(today: datetime.date) -> QuerySet[Assignment]:
    """The assignments of a list of people (``ANY_IDS``), with their status on
    ``today``: the statuses took longer to put together than to run."""
    assignments = Assignment.objects.filter(OneOf("user_id", ANY_IDS))
    return with_status(assignments, today).select_related("page")


def _holds_work(partner: str, today: datetime.date, course=None, status: str | None = None):
    """Whether the pair's ``partner`` holds an assignment (of a page under ``course``,
    at ``status``, when given): a row of theirs in ``pair_assignment_rows``."""
    work = Assignment.objects.filter(user=OuterRef(partner))
    if course is not None:
        work = work.filter(page__path__startswith=course.path)
    if status:
        # A row is at ``status`` when either partner's own assignment of its page is.
        work = with_status(work, today).filter(status=status)
    return Exists(work)


def pairs_with_assigned_work(
    pairs: QuerySet[Pair], today: datetime.date, course=None, status: str | None = None
) -> QuerySet[Pair]:
    """The pairs among ``pairs`` that have rows in ``pair_assignment_rows``: a
    partner holds an assignment (of a page under ``course``, at ``status``, when
    given). The pairs table and an indexed look-up per pair, never the join of
    every pair to every assignment."""
    # One look-up per partner: PostgreSQL probes the index on the assignment's person
    # for each, where one look-up for either partner reads several times as long.
    return pairs.filter(
        _holds_work("para", today, course, status) | _holds_work("teacher", today, course, status)
    )


def count_pairs_with_assigned_work(
    pairs: QuerySet[Pair], today: datetime.date, course=None, status: str | None = None
) -> int:
    """How many ``pairs_with_assigned_work`` gives, counted as ``pairs`` less those
    in which neither partner holds work, in one query.

    Counting "either partner" tests the pairs one by one; "neither" PostgreSQL
    answers with two anti-joins, each reading the assignments once: at district
    scale (9,590 pairs, 20,336 assignments) 5.0 ms in the database in place of 11.1.
    """
    without_work = pairs.exclude(_holds_work("para", today, course, status)).exclude(
        _holds_work("teacher", today, course, status)
    )
    counted = pairs.aggregate(
        with_work=Count("pk") - SubqueryCount(without_work.order_by().values("pk"))
    )
    return counted["with_work"]


def _administered_with_health(admin, today: datetime.date) -> QuerySet[Pair]:
    pairs = pairs_administered_by(admin).active()
    return with_health(pairs, today).select_related("school", "teacher", "para")


def pairs_with_health(pair_ids: Iterable[int] | QuerySet, admin, today: datetime.date) -> dict:
    """``{pair id: pair}`` with names, school and health of the pairs named (ids, or
    a query of them, which then runs inside this one), in one query."""
    pairs = _administered_with_health(admin, today).filter(pk__in=pair_ids)
    return {pair.pk: pair for pair in pairs}


def pairs_in_report_order(admin, today: datetime.date) -> Iterator[Pair]:
    """Every active pair ``admin`` administers, with its health, streamed in the
    order of ``pair_assignment_rows`` (school name, then pair)."""
    pairs = _administered_with_health(admin, today).order_by("school__name", "pk")
    return pairs.iterator(chunk_size=2000)


# Admin report views ---------------------------------------------------------------


def partner_status_label(status: str | None) -> str:
    return str(STATUS_LABELS[status]) if status else str(NOT_ASSIGNED)


def yes_no(value: bool) -> str:
    return str(_("Yes")) if value else str(_("No"))


class PairAssignmentFilterSet(ReportFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Either partner is"),
        choices=STATUS_CHOICES,
        empty_label=_("Any status"),
        method="filter_status",
    )

    class Meta:
        model = Assignment
        fields: list[str] = []

    def filter_school(self, queryset, name, school):
        return queryset.filter(pair_school_id=school.pk)

    def filter_course(self, queryset, name, course):
        return queryset.filter(page__path__startswith=course.path)

    def filter_status(self, queryset, name, status):
        return queryset.filter(Q(para_status=status) | Q(teacher_status=status))


def status_tag(accessor: str, label) -> StatusTagColumn:
    return StatusTagColumn(
        accessor,
        label=label,
        accessor=lambda row: partner_status_label(getattr(row, accessor)),
        primary=lambda row: getattr(row, accessor) == OVERDUE,
    )


class PairAssignmentReport(AdministratorReportView):
    page_title = _("Assigned work by pair")
    header_icon = "group"
    index_url_name = "pair_reports:by_pair"
    index_results_url_name = "pair_reports:by_pair_results"
    filterset_class = PairAssignmentFilterSet
    export_filename = "assigned-work-by-pair"
    # An assignment shows once for each pair its person is in.
    page_keys = ("pk", "pair_id")
    row_page = "page"
    columns = [
        TitleColumn(
            "pair",
            label=_("Pair"),
            get_url=lambda row: url_of("drilldowns:pair", row.pair_id),
        ),
        sortable(Column("school_name", label=_("School"), sort_key="school_name")),
        sortable(
            Column(
                "assignment", label=_("Assignment"), accessor="page.title", sort_key="assignment"
            ),
            "page__title",
        ),
        status_tag("para_status", _("Para")),
        status_tag("teacher_status", _("Teacher")),
        Column(
            "actions",
            label=_("Try-tomorrow actions done"),
            accessor=lambda row: (
                _("%(done)s of %(total)s") % {"done": row.actions_done, "total": row.actions_total}
            ),
        ),
        Column("last_check_in", label=_("Last check-in"), accessor="pair.last_check_in"),
        Column(
            "plan",
            label=_("Plan this week"),
            accessor=lambda row: yes_no(row.pair.has_plan_this_week),
        ),
    ]
    list_export = [
        "pair.teacher",
        "pair.para",
        "school_name",
        "page.title",
        "para_status",
        "teacher_status",
        "actions_done",
        "actions_total",
        "pair.last_check_in",
        "pair.has_plan_this_week",
    ]
    export_headings = {
        "pair.teacher": _("Teacher"),
        "pair.para": _("Para"),
        "school_name": _("School"),
        "page.title": _("Assignment"),
        "para_status": _("Para's status"),
        "teacher_status": _("Teacher's status"),
        "actions_done": _("Actions done"),
        "actions_total": _("Actions"),
        "pair.last_check_in": _("Last check-in"),
        "pair.has_plan_this_week": _("Plan this week"),
    }
    custom_field_preprocess = {
        "para_status": {fmt: partner_status_label for fmt in ReportView.FORMATS},
        "teacher_status": {fmt: partner_status_label for fmt in ReportView.FORMATS},
        "pair.has_plan_this_week": {fmt: yes_no for fmt in ReportView.FORMATS},
    }

    # In the pairs' order a page is a run of whole pairs, chosen from the pairs table
    # (``paginate_queryset``): this many, about 50 rows at two or three assignments a pair.
    pairs_per_page = 20
    # Orderings that keep each pair's rows together: the report's own, and by school.
    PAIRS_ORDER_FIELDS = {None: (), "school_name": ("school__name",)}

    def get_base_queryset(self):
        return pair_assignment_rows(self.request.user, self.today)

    @cached_property
    def pages_by_pair(self) -> bool:
        """Whether the screen's rows keep their pairs together, so that a page is a
        run of whole pairs (``paginate_queryset``). An export reads the rows' query."""
        return not self.is_export and self.sorted_by in self.PAIRS_ORDER_FIELDS

    def get_filtered_queryset(self):
        if self.pages_by_pair:
            # The page's rows are read for its pairs (``assigned_work_of_pairs``), and
            # the rows' own query, the costliest to put together, is never run.
            self.check_filters()
            return Assignment.objects.none()
        return super().get_filtered_queryset()

    def paginate_queryset(self, queryset, page_size):
        """A page of whole pairs when the rows keep their pairs together.

        Choosing a page's rows from the rows themselves joins every pair to every
        assignment, twice (the count and the page's keys). In the pairs' order the
        page's pairs are chosen, and counted, from the pairs table alone, and their
        rows read for them (``assigned_work_of_pairs``). Sorted by assignment, the
        rows of different pairs interleave and the page is chosen from the rows.
        """
        if not self.pages_by_pair:
            return super().paginate_queryset(queryset, page_size)
        chosen = self.in_chosen_direction(self.PAIRS_ORDER_FIELDS[self.sorted_by])
        scoped = pairs_administered_by(self.request.user).active()
        if (school := self.filter_value("school")) is not None:
            scoped = scoped.filter(school=school)
        work = (self.today, self.filter_value("course"), self.filter_value("status"))
        pair_ids = (
            pairs_with_assigned_work(scoped, *work)
            .order_by(*chosen, "school__name", "pk")
            .values_list("pk", flat=True)
        )
        paginator = self.get_paginator(
            pair_ids,
            self.pairs_per_page,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        # Counted its own way (Paginator.count is a cached property: this is its value).
        paginator.count = count_pairs_with_assigned_work(scoped, *work)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        # The page's ids as a subquery: the pairs and their health in one round trip,
        # in the page's order.
        on_page = list(
            _administered_with_health(*self.scope)
            .filter(pk__in=page.object_list)
            .order_by(*chosen, "school__name", "pk")
        )
        page.object_list = assigned_work_of_pairs(
            on_page, self.today, self.filter_value("course"), self.filter_value("status")
        )
        self.title_pages(page.object_list)
        return paginator, page, page.object_list, page.has_other_pages()

    def page_rows(self, rows):
        rows = super().page_rows(rows)
        return list(
            self.with_pairs(rows, pairs_with_health({r.pair_id for r in rows}, *self.scope))
        )

    def export_rows(self, queryset) -> Iterator:
        rows = super().export_rows(queryset)
        if self.ordering:
            # Sorted by a column, the rows leave the pairs' order: their pairs are
            # looked up a chunk of rows at a time (one query a chunk, memory flat).
            return self.with_pairs_by_chunk(rows)
        # In the report's own order the rows and the pairs stream side by side, so
        # memory stays flat and the export runs two queries however large the district.
        return self.beside_pairs(rows, pairs_in_report_order(*self.scope))

    def with_pairs_by_chunk(self, rows: Iterator[Assignment]) -> Iterator[Assignment]:
        while chunk := list(islice(rows, EXPORT_CHUNK)):
            yield from self.with_pairs(
                chunk, pairs_with_health({row.pair_id for row in chunk}, *self.scope)
            )

    @cached_property
    def scope(self) -> tuple:
        return self.request.user, self.today

    @staticmethod
    def with_pairs(rows: Iterable[Assignment], pairs: dict) -> Iterator[Assignment]:
        for row in rows:
            row.pair = pairs[row.pair_id]
            yield row

    @staticmethod
    def beside_pairs(rows: Iterable[Assignment], pairs: Iterator[Pair]) -> Iterator[Assignment]:
        """Give each row its pair from ``pairs``, which holds every row's pair in
        the rows' order (and pairs without rows, which are passed over)."""
        pair = None
        for row in rows:
            while pair is None or pair.pk != row.pair_id:
                pair = next(pairs, None)
                if pair is None:
                    raise LookupError(f"Pair {row.pair_id} is not in the report's order.")
            row.pair = pair
            yield row


class PairHealthFilterSet(ReportFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=HEALTH_CHOICES,
        empty_label=_("Any status"),
        method="filter_status",
    )

    class Meta:
        model = Pair
        fields: list[str] = []

    def filter_school(self, queryset, name, school):
        return queryset.filter(school=school)

    def filter_course(self, queryset, name, course):
        """Pairs where either partner was assigned the course or one of its modules."""
        assigned = Assignment.objects.filter(
            Q(user=OuterRef("para")) | Q(user=OuterRef("teacher")),
            page__path__startswith=course.path,
        )
        return queryset.filter(Exists(assigned))

    def filter_status(self, queryset, name, status):
        return queryset.filter(HEALTH_FILTERS[status])


class PairHealthReport(AdministratorReportView):
    page_title = _("Pair health")
    header_icon = "pick"
    index_url_name = "pair_reports:health"
    index_results_url_name = "pair_reports:health_results"
    filterset_class = PairHealthFilterSet
    export_filename = "pair-health"
    page_keys = ("pk",)
    columns = [
        sortable(
            TitleColumn(
                "pair",
                label=_("Pair"),
                accessor=str,
                get_url=lambda pair: url_of("drilldowns:pair", pair.pk),
                sort_key="pair",
            ),
            "teacher__last_name",
            "teacher__first_name",
            "para__last_name",
        ),
        sortable(Column("school", label=_("School"), sort_key="school"), "school__name"),
        sortable(Column("last_check_in", label=_("Last check-in"), sort_key="last_check_in")),
        Column("plan", label=_("Plan this week"), accessor=lambda p: yes_no(p.has_plan_this_week)),
        sortable(
            NumberColumn(
                "waiting_on_para",
                label=_("Actions waiting on the para"),
                sort_key="waiting_on_para",
            )
        ),
        sortable(
            NumberColumn(
                "waiting_on_teacher",
                label=_("Actions waiting on the teacher"),
                sort_key="waiting_on_teacher",
            )
        ),
        StatusTagColumn(
            "needs_attention",
            label=_("Needs attention"),
            accessor=lambda p: "; ".join(attention_reasons(p)) or str(HEALTH_LABELS[FINE]),
            primary=lambda p: p.needs_attention,
        ),
    ]
    list_export = [
        "teacher",
        "para",
        "school",
        "last_check_in",
        "has_plan_this_week",
        "waiting_on_para",
        "waiting_on_teacher",
        "reasons",
    ]
    export_headings = {
        "teacher": _("Teacher"),
        "para": _("Para"),
        "school": _("School"),
        "last_check_in": _("Last check-in"),
        "has_plan_this_week": _("Plan this week"),
        "waiting_on_para": _("Actions waiting on the para"),
        "waiting_on_teacher": _("Actions waiting on the teacher"),
        "reasons": _("Needs attention"),
    }
    custom_field_preprocess = {
        "has_plan_this_week": {fmt: yes_no for fmt in ReportView.FORMATS},
    }

    def get_base_queryset(self):
        return health_rows(self.request.user, self.today)

    def export_rows(self, queryset) -> Iterator[Pair]:
        for pair in super().export_rows(queryset):
            pair.reasons = "; ".join(attention_reasons(pair))
            yield pair
