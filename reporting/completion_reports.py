"""Completion reports for administrators: by person and by module.

Every number is computed in the database, as annotations on one queryset, so a
report's page and its export run the same fixed number of queries however many
rows there are, and the export streams rows from the database cursor. The rows
an administrator sees are always built from ``pairs.scoping``.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least, Length, Round, Substr
from django.forms.utils import flatatt
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, NumberColumn, StatusTagColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page

from courses.grading import Question, questions_from_quiz
from courses.models import (
    Assignment,
    Certificate,
    CoursePage,
    MissedQuestion,
    ModulePage,
    ModuleProgress,
    QuizAttempt,
)
from courses.progress import COMPLETE, IN_PROGRESS, NOT_STARTED
from pairs.models import Pair, School
from pairs.scoping import in_scope, people_for_user, schools_administered_by
from pairs.views import is_administrator

OVERDUE = "overdue"
STATUS_CHOICES = [
    (NOT_STARTED, _("Not started")),
    (IN_PROGRESS, _("In progress")),
    (COMPLETE, _("Complete")),
    (OVERDUE, _("Overdue")),
]
STATUS_LABELS = dict(STATUS_CHOICES)
MOST_MISSED_SHOWN = 3
Membership = School.members.through


class SubqueryCount(Subquery):
    """``COUNT(*)`` of a correlated subquery: a count per row inside the one query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


# Scope ------------------------------------------------------------------------


def memberships(school_ref, person_ref) -> Q:
    """Whether ``person_ref`` belongs to ``school_ref``: as a member or through a
    pair, the ways ``pairs.scoping.people_for_user`` counts someone in.

    Written as EXISTS tests, not joins: joining a school to its members and its
    pairs at once multiplies thousands of rows by thousands.
    """
    member = Membership.objects.filter(school=school_ref, user=person_ref)
    partner = Pair.objects.filter(Q(para=person_ref) | Q(teacher=person_ref), school=school_ref)
    return Q(Exists(member)) | Q(Exists(partner))


def belongs_to_school(school: School, person_ref) -> Q:
    return memberships(school.pk, person_ref)


def school_name_of(admin, person_ref: OuterRef) -> Least:
    """The first, by name, of the person's schools that ``admin`` administers: the
    schools they are a member of and those of their pairs.

    The first of each kind is looked up through the person's own rows (a few),
    not by testing every administered school, which at district scale made this
    column cost more than the rest of the report.
    """
    administered = schools_administered_by(admin)
    member = in_scope(Membership.objects.filter(user=person_ref), "school", administered)
    partner = in_scope(
        Pair.objects.filter(Q(para=person_ref) | Q(teacher=person_ref)), "school", administered
    )
    first_member, first_partner = (
        Subquery(rows.order_by("school__name").values("school__name")[:1])
        for rows in (member, partner)
    )
    # LEAST ignores NULLs on PostgreSQL but not on SQLite: coalesce both ways.
    return Least(Coalesce(first_member, first_partner), Coalesce(first_partner, first_member))


def people_in_scope(admin, school: School | None = None) -> QuerySet:
    """The people ``admin`` may report on, narrowed to one of their schools if given."""
    people = people_for_user(admin)
    if school is None:
        return people
    members = get_user_model().objects.filter(belongs_to_school(school, OuterRef("pk")))
    return in_scope(members, "pk", people)


def scoped_assignments(admin) -> QuerySet[Assignment]:
    """The assignments of the people this administrator may report on."""
    return in_scope(Assignment.objects.all(), "user", people_for_user(admin))


# Completion of each assignment -------------------------------------------------


def _under_page(model: type[ModuleProgress | QuizAttempt]) -> QuerySet:
    """On ``Assignment``: the person's ``model`` rows (progress or quiz attempts) in
    the live modules at or under the assigned page."""
    return model.objects.filter(
        user=OuterRef("user"), module__live=True, module__path__startswith=OuterRef("page__path")
    )


def _modules_under_page() -> QuerySet[ModulePage]:
    """On ``Assignment``: the live modules at or under the assigned page (a course's
    modules, or the module itself)."""
    return ModulePage.objects.filter(live=True, path__startswith=OuterRef("page__path"))


def with_status(assignments: QuerySet[Assignment], today: datetime.date) -> QuerySet:
    """Annotate ``status``, one of ``STATUS_CHOICES``: where each person stands in
    what they were assigned. A course with a certificate stays complete when a
    module is added later, as on the learner's own pages.

    Each test stops at the first row it finds, so a filter on the status over a
    whole district stays cheap.
    """
    modules = _modules_under_page()
    completed_by_person = ModuleProgress.objects.filter(
        user=OuterRef(OuterRef("user")), module=OuterRef("pk"), completed_at__isnull=False
    )
    return assignments.alias(
        started=Exists(_under_page(ModuleProgress)),
        certified=Exists(
            Certificate.objects.filter(user=OuterRef("user"), course=OuterRef("page"))
        ),
        has_modules=Exists(modules),
        all_completed=~Exists(modules.filter(~Exists(completed_by_person))),
    ).annotate(
        status=Case(
            When(Q(certified=True) | Q(has_modules=True, all_completed=True), then=Value(COMPLETE)),
            When(due_on__lt=today, then=Value(OVERDUE)),
            When(started=True, then=Value(IN_PROGRESS)),
            default=Value(NOT_STARTED),
        ),
    )


def with_completion(assignments: QuerySet[Assignment], today: datetime.date) -> QuerySet:
    """``with_status``, and how far each person got: ``module_count`` and
    ``completed_count`` count the live modules at or under the assigned page,
    ``percent`` is their ratio, ``last_activity_at`` the latest progress or quiz
    attempt."""
    progress, attempts = _under_page(ModuleProgress), _under_page(QuizAttempt)
    return (
        with_status(assignments, today)
        .alias(
            last_progress_at=Subquery(
                progress.annotate(at=Coalesce("completed_at", "read_at", "started_at"))
                .order_by("-at")
                .values("at")[:1]
            ),
            last_attempt_at=Subquery(attempts.order_by("-created_at").values("created_at")[:1]),
        )
        .annotate(
            module_count=SubqueryCount(_modules_under_page().values("pk")),
            completed_count=SubqueryCount(progress.filter(completed_at__isnull=False).values("pk")),
            # GREATEST ignores NULLs on PostgreSQL but not on SQLite: coalesce both ways.
            last_activity_at=Greatest(
                Coalesce("last_progress_at", "last_attempt_at"),
                Coalesce("last_attempt_at", "last_progress_at"),
            ),
            percent=Case(
                When(module_count=0, then=Value(0)),
                default=Cast(
                    Round(Cast("completed_count", FloatField()) * 100 / F("module_count")),
                    IntegerField(),
                ),
            ),
        )
    )


def completion_rows(admin, today: datetime.date) -> QuerySet[Assignment]:
    """One row per assignment of the people ``admin`` may see, with its completion."""
    return (
        with_completion(scoped_assignments(admin), today)
        .select_related("user", "page")
        .annotate(school_name=school_name_of(admin, OuterRef("user")))
        .order_by("due_on", "user__last_name", "user__first_name", "pk")
    )


def overdue_count(admin, today: datetime.date) -> int:
    return completion_rows(admin, today).filter(status=OVERDUE).count()


@dataclass(frozen=True)
class SchoolCompletion:
    name: str
    complete: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.complete / self.total) if self.total else 0


def completion_by_school(admin, today: datetime.date) -> list[SchoolCompletion]:
    """Assignments complete out of assigned, for each school ``admin`` administers,
    in one query. A person in two schools counts under the one the completion
    report shows them in, so the dashboard and the report agree."""
    rows = completion_rows(admin, today).order_by().filter(school_name=OuterRef("name"))
    schools = School.objects.for_user(admin).annotate(
        total=SubqueryCount(rows.values("pk")),
        complete=SubqueryCount(rows.filter(status=COMPLETE).values("pk")),
    )
    return [SchoolCompletion(school.name, school.complete, school.total) for school in schools]


# Quiz statistics per module -----------------------------------------------------


@dataclass(frozen=True)
class MissedCount:
    question: Question
    count: int

    def __str__(self) -> str:
        return _("%(prompt)s (missed by %(count)s on a first try)") % {
            "prompt": self.question.prompt,
            "count": self.count,
        }


def most_missed(
    modules: Iterable[ModulePage], people: QuerySet, limit: int = MOST_MISSED_SHOWN
) -> dict[int, list[MissedCount]]:
    """The questions of each module that most of ``people`` got wrong on their
    first attempt, in one query.

    Misses are recorded when an attempt is graded (``MissedQuestion``), so this
    counts rows in the database instead of re-grading every attempt. First
    attempts show what the module left unclear, each person counted once; a
    question today's quiz no longer has is left out.
    """
    quizzes = {module.pk: questions_from_quiz(module.quiz) for module in modules}
    # ``first_attempt__in=[True]``, not ``=True``: Django writes the latter as the bare
    # column, which SQLite cannot match to the index, and counting then takes 5 times longer.
    # COUNT(*), not COUNT(id): PostgreSQL can then count from the index alone.
    misses = MissedQuestion.objects.filter(module_id__in=list(quizzes), first_attempt__in=[True])
    counted = (
        in_scope(misses, "attempt__user", people)
        .values_list("module_id", "question_id")
        .annotate(count=Count("*"))
        .order_by()
    )
    counts = {(module_id, question_id): count for module_id, question_id, count in counted}
    found = {}
    for module_id, questions in quizzes.items():
        missed = [
            MissedCount(question, counts[module_id, question.id])
            for question in questions
            if (module_id, question.id) in counts
        ]
        # Most missed first; a tie keeps the quiz's order (the sort is stable).
        found[module_id] = sorted(missed, key=lambda item: -item.count)[:limit]
    return found


def covers_module() -> Q:
    """On ``Assignment``: assignments of the outer module, or of its course."""
    return Q(page=OuterRef("pk")) | Q(page__path=OuterRef("parent_path"))


def module_status_exists(status: str, people: QuerySet, today: datetime.date) -> Exists:
    """On ``ModulePage`` (annotated with ``parent_path``): whether any of ``people``
    stands at ``status`` in the module."""
    progress = in_scope(ModuleProgress.objects.filter(module=OuterRef("pk")), "user", people)
    own_progress = ModuleProgress.objects.filter(
        user=OuterRef("user"), module=OuterRef(OuterRef("pk"))
    )
    assigned = in_scope(Assignment.objects.filter(covers_module()), "user", people)
    if status == COMPLETE:
        return Exists(progress.filter(completed_at__isnull=False))
    if status == IN_PROGRESS:
        return Exists(progress.filter(completed_at__isnull=True))
    if status == NOT_STARTED:
        return Exists(assigned.filter(~Exists(own_progress)))
    return Exists(
        assigned.filter(~Exists(own_progress.filter(completed_at__isnull=False)), due_on__lt=today)
    )


def module_rows(people: QuerySet) -> QuerySet[ModulePage]:
    """Live modules, each with how many of ``people`` started and completed it and
    the average number of attempts their first passes took."""
    progress = in_scope(ModuleProgress.objects.filter(module=OuterRef("pk")), "user", people)
    return (
        ModulePage.objects.live()
        .defer("body", "actions", "objectives")
        .annotate(
            parent_path=Substr("path", 1, Length("path") - ModulePage.steplen),
            course_title=Subquery(
                Page.objects.filter(path=OuterRef("parent_path")).values("title")[:1]
            ),
            started_count=SubqueryCount(progress.values("pk")),
            completed_count=SubqueryCount(progress.filter(completed_at__isnull=False).values("pk")),
            average_attempts_to_pass=Subquery(
                progress.order_by()
                .values("module")
                .annotate(average=Round(Avg("attempts_to_pass"), 1))
                .values("average")
            ),
        )
        .order_by("path")
    )


# Admin report views ---------------------------------------------------------------


def local_date(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(value).date() if value else None


def status_label(row) -> str:
    return str(STATUS_LABELS[row.status])


def school_choices(request) -> QuerySet[School]:
    return School.objects.for_user(request.user).order_by("name")


def course_choices(request) -> QuerySet[CoursePage]:
    return CoursePage.objects.live().order_by("path")


class AdministratorReportView(ReportView):
    """A report for school and district administrators, over their own schools.

    A filter value outside what the filter offers (another school's id typed
    into the URL) answers 404 rather than quietly showing everything. An export
    holds exactly the rows the screen would, streamed from the database cursor:
    Wagtail's own export streams the CSV but first counts the rows by loading
    them all, which is what ``get`` sidesteps here.
    """

    paginate_by = 50
    export_filename = "report"
    # For rows whose columns cost more than sorting them: the fields that name a
    # row. The page's rows are then chosen by these alone, and their columns
    # computed for those rows only (SQLite computes them for every row it sorts).
    page_keys: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not is_administrator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def today(self) -> datetime.date:
        return timezone.localdate()

    def filter_value(self, name: str):
        return self.filters.form.cleaned_data.get(name) if self.filters else None

    def get_filtered_queryset(self):
        if self.filters is not None and not self.filters.is_valid():
            raise Http404("A filter names something outside this administrator's schools.")
        return super().get_filtered_queryset()

    def get(self, request, *args, **kwargs):
        if self.is_export:
            rows = self.export_rows(self.get_filtered_queryset())
            return self.as_spreadsheet(rows, request.GET.get("export"))
        return super().get(request, *args, **kwargs)

    def export_rows(self, queryset: QuerySet) -> Iterator:
        return queryset.iterator(chunk_size=2000)

    def paginate_queryset(self, queryset, page_size):
        # Wagtail builds the table from the page's rows before its
        # ``decorate_paginated_queryset`` hook runs, so rows are completed here.
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = self.page_rows(rows)
        return paginator, page, page.object_list, is_paginated

    def page_rows(self, rows: QuerySet) -> Sequence:
        """The rows of one page, as the table shows them: a hook to add what is
        computed for a page's rows only."""
        if not self.page_keys:
            return rows
        keys = list(rows.values_list(*self.page_keys))
        wanted = {
            f"{field}__in": {key[position] for key in keys}
            for position, field in enumerate(self.page_keys)
        }
        computed = {
            tuple(getattr(row, field) for field in self.page_keys): row
            # The listing's own queryset, already built: building it again costs more
            # than the query.
            for row in self.object_list.filter(**wanted)
        }
        return [computed[key] for key in keys]

    def write_xlsx_response(self, rows):
        # Wagtail builds the workbook in memory; a temporary file keeps memory flat
        # (openpyxl's write-only mode already spools each sheet to disk). The
        # response closes the file once it is sent.
        output = tempfile.TemporaryFile()  # noqa: SIM115
        self.write_xlsx(rows, output)
        output.seek(0)
        return FileResponse(
            output,
            as_attachment=True,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            filename=f"{self.get_filename()}.xlsx",
        )

    def get_filename(self) -> str:
        return f"{self.export_filename}-{self.today:%Y-%m-%d}"


class LongSelect(forms.Select):
    """A ``<select>`` written in Python, not one template include per option: a
    district's 250 schools took 8 ms to render, on every report page."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        selected = mark_safe(" selected")
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], selected if option["selected"] else "", option["label"])
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        attributes = flatatt(widget["attrs"])
        return format_html('<select name="{}"{}>{}</select>', name, attributes, options)


class ReportFilterSet(WagtailFilterSet):
    """The school and course filters every report offers. Each report's filter set
    says what they mean for its rows in ``filter_school`` and ``filter_course``;
    the choices are limited to the administrator's schools (a value outside them
    answers 404, see ``AdministratorReportView``)."""

    school = django_filters.ModelChoiceFilter(
        label=_("School"),
        queryset=school_choices,
        empty_label=_("All my schools"),
        method="filter_school",
        widget=LongSelect,
    )
    course = django_filters.ModelChoiceFilter(
        label=_("Course"),
        queryset=course_choices,
        empty_label=_("All courses"),
        method="filter_course",
    )

    def filter_school(self, queryset, name, school):
        raise NotImplementedError

    def filter_course(self, queryset, name, course):
        raise NotImplementedError


class CompletionFilterSet(ReportFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, empty_label=_("Any status")
    )

    class Meta:
        model = Assignment
        fields: list[str] = []

    def filter_school(self, queryset, name, school):
        return queryset.filter(belongs_to_school(school, OuterRef("user")))

    def filter_course(self, queryset, name, course):
        return queryset.filter(page__path__startswith=course.path)


class CompletionByPersonReport(AdministratorReportView):
    page_title = _("Completion by person")
    header_icon = "user"
    index_url_name = "course_reports:completion"
    index_results_url_name = "course_reports:completion_results"
    filterset_class = CompletionFilterSet
    export_filename = "completion-by-person"
    page_keys = ("pk",)
    columns = [
        Column("user", label=_("Person")),
        Column("school_name", label=_("School")),
        Column("assignment", label=_("Assignment"), accessor="page.title"),
        Column("due_on", label=_("Due")),
        StatusTagColumn(
            "status",
            label=_("Status"),
            accessor=status_label,
            primary=lambda row: row.status == OVERDUE,
        ),
        Column("percent", label=_("Progress"), accessor=lambda row: f"{row.percent}%"),
        DateColumn("last_activity_at", label=_("Last activity")),
    ]
    list_export = [
        "user",
        "school_name",
        "page.title",
        "due_on",
        "status",
        "percent",
        "last_activity_at",
    ]
    export_headings = {
        "user": _("Person"),
        "school_name": _("School"),
        "page.title": _("Assignment"),
        "due_on": _("Due"),
        "status": _("Status"),
        "percent": _("Progress (% of modules complete)"),
        "last_activity_at": _("Last activity"),
    }
    custom_field_preprocess = {
        "status": {fmt: lambda value: str(STATUS_LABELS[value]) for fmt in ReportView.FORMATS},
        "last_activity_at": {fmt: local_date for fmt in ReportView.FORMATS},
    }

    def get_base_queryset(self):
        return completion_rows(self.request.user, self.today)


class ModuleFilterSet(ReportFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Someone is"),
        choices=STATUS_CHOICES,
        empty_label=_("Any status"),
        method="filter_status",
    )

    class Meta:
        model = ModulePage
        fields: list[str] = []

    def filter_school(self, queryset, name, school):
        # The school narrows whose numbers are counted, not which modules are
        # listed: ``ModuleReport.get_base_queryset`` reads it.
        return queryset

    def filter_course(self, queryset, name, course):
        return queryset.filter(path__startswith=course.path)

    def filter_status(self, queryset, name, status):
        people = people_in_scope(self.request.user, self.form.cleaned_data.get("school"))
        return queryset.filter(module_status_exists(status, people, timezone.localdate()))


class ModuleReport(AdministratorReportView):
    page_title = _("Completion by module")
    header_icon = "doc-full"
    index_url_name = "course_reports:modules"
    index_results_url_name = "course_reports:modules_results"
    filterset_class = ModuleFilterSet
    export_filename = "completion-by-module"
    columns = [
        Column("title", label=_("Module")),
        Column("course_title", label=_("Course")),
        NumberColumn("started_count", label=_("Started")),
        NumberColumn("completed_count", label=_("Completed")),
        Column("average_attempts_to_pass", label=_("Average attempts to pass")),
        Column("most_missed_text", label=_("Most missed on a first try")),
    ]
    list_export = [
        "title",
        "course_title",
        "started_count",
        "completed_count",
        "average_attempts_to_pass",
        "most_missed_text",
    ]
    export_headings = {
        "title": _("Module"),
        "course_title": _("Course"),
        "started_count": _("Started"),
        "completed_count": _("Completed"),
        "average_attempts_to_pass": _("Average attempts to pass"),
        "most_missed_text": _("Most missed on a first try"),
    }

    @cached_property
    def people(self) -> QuerySet:
        return people_in_scope(self.request.user, self.filter_value("school"))

    def get_base_queryset(self):
        return module_rows(self.people)

    def page_rows(self, modules):
        modules = list(modules)
        missed = most_missed(modules, self.people)
        for module in modules:
            module.most_missed_text = "; ".join(str(count) for count in missed[module.pk])
        return modules

    def export_rows(self, queryset):
        # Modules are few (the curriculum's size), so the export is one page of them.
        return self.page_rows(queryset)
