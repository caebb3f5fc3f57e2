"""Completion reports for administrators: by person and by module.

Every number is computed in the database, for all of a page's rows at once (as
annotations on one queryset, or one query for the modules listed), so a report's
page and its export run the same fixed number of queries however many rows there
are, and the person report's export streams rows from the database cursor. The rows
an administrator sees are always built from ``pairs.scoping``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Cast, Coalesce, JSONObject, Length, NullIf, Round, Substr
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page

from config.database import ANY_IDS, OneOf, compiled_once
from config.reversing import url_of
from content.models import (
    default_content_language,
    reader_content_language,
    show_in_reader_language,
)
from content.tables import (
    Column,
    DateColumn,
    NumberColumn,
    PageTitleColumn,
    StatusTagColumn,
    TitleColumn,
)
from courses.admin_filters import (
    CompletionFilterSet,
    ReportFilterSet,
    local_date,
    status_label,
)
from courses.assignment_status import (
    OVERDUE,
    STATUS_CHOICES,
    STATUS_LABELS,
    SubqueryCount,
    percent_complete,
    with_completion,
)
from courses.grading import Question, questions_from_quiz
from courses.models import (
    Assignment,
    CoursePage,
    FirstTryMisses,
    MissedQuestion,
    ModulePage,
    ModuleProgress,
    ModuleTally,
)
from courses.models.pages import MODULE_CONTENT_FIELDS
from courses.prechecks import learning_by_module
from courses.progress import COMPLETE, IN_PROGRESS, NOT_STARTED
from pairs.scoping import (
    administered_schools,
    in_scope,
    is_everyone,
    people_in_scope,
    rows_of_people_in_scope,
    school_name_of,
)
from reporting.base import AdministratorReportView, sortable

MOST_MISSED_SHOWN = 3


def assignment_rows(admin) -> QuerySet[Assignment]:
    """One row per assignment of the people ``admin`` may see, with the school the
    report shows its person in, in the report's order: without their completion."""
    return (
        rows_of_people_in_scope(Assignment.objects.all(), admin)
        .annotate(school_name=school_name_of(admin, OuterRef("user")))
        .order_by("due_on", "user__last_name", "user__first_name", "pk")
    )


def completion_rows(admin, today: datetime.date) -> QuerySet[Assignment]:
    """One row per assignment of the people ``admin`` may see, with its completion."""
    return with_completion(assignment_rows(admin), today).select_related("user", "page")


@compiled_once(Assignment)
def _completion_rows_named(admin, scope: tuple[bool, bool], today: datetime.date):
    """``completion_rows`` of a list of assignments (``ANY_IDS``): a page's rows.

    Putting the rows' query together, and compiling it, took longer than the
    database takes to answer it. Its SQL holds the day, and the administrator's
    id when they administer schools rather than the district (the schools are
    read when it runs); ``scope`` is their two flags, so that a change of role
    compiles it afresh.
    """
    return completion_rows(admin, today).filter(OneOf("pk", ANY_IDS)).order_by()


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
    schools = administered_schools(admin).annotate(
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
    counts rows in the database instead of re-grading every attempt; everyone's
    are tallied as they are recorded (``FirstTryMisses``). First
    attempts show what the module left unclear, each person counted once; a
    question today's quiz no longer has is left out.
    """
    quizzes = {module.pk: questions_from_quiz(module.quiz) for module in modules}
    if is_everyone(people):
        # The running tally: a row per question, however many attempts were recorded.
        counted = FirstTryMisses.objects.filter(
            module_id__in=list(quizzes), people__gt=0
        ).values_list("module_id", "question_id", "people")
    else:
        # ``first_attempt__in=[True]``, not ``=True``: Django writes the latter as the bare
        # column, which SQLite cannot match to the index, and counting then takes 5 times
        # longer. COUNT(*), not COUNT(id): PostgreSQL can then count from the index alone.
        misses = MissedQuestion.objects.filter(
            module_id__in=list(quizzes), first_attempt__in=[True]
        )
        counted = (
            in_scope(misses, "user", people)
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
    """Live modules, each once (records belong to the English page, whatever the
    language it was read in), with their course's title. How many of ``people``
    started and completed each is ``progress_by_module``'s (or, to sort by it,
    ``with_progress_numbers``'s)."""
    return (
        ModulePage.objects.live()
        .sources()
        # What a row shows of its module: the title, the link and the quiz (for its
        # most missed questions).
        .defer(*(field for field in MODULE_CONTENT_FIELDS if field != "quiz"))
        .annotate(
            parent_path=Substr("path", 1, Length("path") - ModulePage.steplen),
            course_title=Subquery(
                Page.objects.filter(path=OuterRef("parent_path")).values("title")[:1]
            ),
        )
        .order_by("path")
    )


# How many of the people started and completed each module, and the average number
# of attempts their first passes took: aggregates of their progress in the module.
PROGRESS_NUMBERS = {
    "started_count": Count("*"),
    "completed_count": Count("completed_at"),
    "average_attempts_to_pass": Round(Avg("attempts_to_pass"), 1),
}
NO_PROGRESS = {"started_count": 0, "completed_count": 0, "average_attempts_to_pass": None}


def progress_by_module(module_ids: Iterable[int], people: QuerySet) -> dict[int, dict]:
    """``{module id: PROGRESS_NUMBERS}`` for the modules named, in one query. A
    module nobody started is left out (``NO_PROGRESS``).

    Everyone's numbers are the modules' running tallies (``ModuleTally``), a row
    a module. Some people's are counted from their progress: a module's numbers
    read together, as one object from one subquery, so its entries in the index
    of progress by module are read once rather than once a number."""
    if is_everyone(people):
        tallies = ModuleTally.objects.filter(module_id__in=list(module_ids), started__gt=0)
        return {
            tally.module_id: {
                "started_count": tally.started,
                "completed_count": tally.completed,
                "average_attempts_to_pass": tally.average_attempts_to_pass,
            }
            for tally in tallies
        }
    progress = in_scope(ModuleProgress.objects.filter(module=OuterRef("pk")), "user", people)
    numbers = progress.order_by().values("module").annotate(numbers=JSONObject(**PROGRESS_NUMBERS))
    modules = ModulePage.objects.filter(pk__in=module_ids).annotate(
        numbers=Subquery(numbers.values("numbers"))
    )
    found = {}
    for module_id, found_numbers in modules.values_list("pk", "numbers"):
        if found_numbers is None:
            continue
        average = found_numbers["average_attempts_to_pass"]
        # Read back from JSON as a float: the decimal the database rounded, as the
        # subquery a sorted listing orders by gives it.
        found_numbers["average_attempts_to_pass"] = (
            None if average is None else Decimal(str(average))
        )
        found[module_id] = found_numbers
    return found


# The same numbers, read from a module's running tally (``ModuleTally``).
TALLIED_NUMBERS = {
    "started_count": F("started"),
    "completed_count": F("completed"),
    # A float, not a decimal: SQLite stores 1.0 as a NUMERIC 1 and divides integers.
    "average_attempts_to_pass": Round(
        Cast("attempts_to_pass", FloatField()) / NullIf(F("passed"), 0), 1
    ),
}


def with_progress_numbers(modules: QuerySet[ModulePage], people: QuerySet) -> QuerySet:
    """``modules`` annotated with ``PROGRESS_NUMBERS``, to sort them by one: each
    number a subquery per module, so only a listing sorted by one pays for it.
    Everyone's are read from the tallies, as ``progress_by_module`` shows them."""
    if is_everyone(people):
        numbers = {
            name: ModuleTally.objects.filter(module=OuterRef("pk")).values(number=expression)
            for name, expression in TALLIED_NUMBERS.items()
        }
    else:
        progress = (
            in_scope(ModuleProgress.objects.filter(module=OuterRef("pk")), "user", people)
            .order_by()
            .values("module")
        )
        numbers = {
            name: progress.annotate(number=aggregate).values("number")
            for name, aggregate in PROGRESS_NUMBERS.items()
        }
    annotations = {}
    for name, rows in numbers.items():
        number = Subquery(rows)
        # No progress gives no row: a count of nobody is 0.
        no_progress = NO_PROGRESS[name]
        annotations[name] = number if no_progress is None else Coalesce(number, no_progress)
    return modules.annotate(**annotations)


class CompletionByPersonReport(AdministratorReportView):
    page_title = _("Completion by person")
    header_icon = "user"
    index_url_name = "course_reports:completion"
    index_results_url_name = "course_reports:completion_results"
    filterset_class = CompletionFilterSet
    export_filename = "completion-by-person"
    row_page = "page"
    page_keys = ("pk",)
    columns = [
        sortable(
            TitleColumn(
                "user",
                label=_("Person"),
                get_url=lambda row: url_of("drilldowns:person", row.user_id),
                sort_key="person",
            ),
            "user__last_name",
            "user__first_name",
        ),
        sortable(Column("school_name", label=_("School"), sort_key="school_name")),
        sortable(
            Column(
                "assignment", label=_("Assignment"), accessor="page.title", sort_key="assignment"
            ),
            "page__title",
        ),
        sortable(Column("due_on", label=_("Due"), sort_key="due_on")),
        StatusTagColumn(
            "status",
            label=_("Status"),
            accessor=status_label,
            primary=lambda row: row.status == OVERDUE,
        ),
        sortable(
            Column(
                "percent",
                label=_("Progress"),
                accessor=lambda row: f"{row.percent}%",
                sort_key="percent",
            ),
            "percent_complete",
        ),
        sortable(
            DateColumn("last_activity_at", label=_("Last activity"), sort_key="last_activity_at")
        ),
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
        "percent": _("Progress (percent of modules complete)"),
        "last_activity_at": _("Last activity"),
    }
    custom_field_preprocess = {
        "status": {fmt: lambda value: str(STATUS_LABELS[value]) for fmt in ReportView.FORMATS},
        "last_activity_at": {fmt: local_date for fmt in ReportView.FORMATS},
    }

    # What the listing needs each row's completion for, beyond the rows it shows
    # (``rows_of_keys`` reads theirs): to filter by status, or to sort by a column
    # of it.
    SORTED_BY_COMPLETION = frozenset({"percent", "last_activity_at"})

    def get_base_queryset(self):
        """The rows to count and page through. Their completion is left out unless
        the listing filters or sorts by it: its subqueries join each assignment's
        page, which counting the district's 20,000 assignments then paid for too
        (4.1 ms at scale 5 on PostgreSQL, 2.7 without)."""
        admin = self.request.user
        if (
            self.is_export
            or self.filter_value("status")
            or self.sorted_by in self.SORTED_BY_COMPLETION
        ):
            return completion_rows(admin, self.today)
        return assignment_rows(admin)

    def rows_of_keys(self, keys: list[tuple]) -> list[Assignment]:
        admin = self.request.user
        scope = (admin.is_district_admin, admin.is_school_admin)
        named = _completion_rows_named(admin, scope, self.today)
        return named.instances([pk for (pk,) in keys])

    def order_queryset(self, queryset):
        if self.sorted_by == "percent":
            queryset = queryset.alias(percent_complete=percent_complete())
        return super().order_queryset(queryset)


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
        sortable(PageTitleColumn("title", label=_("Module"), sort_key="title")),
        sortable(Column("course_title", label=_("Course"), sort_key="course_title")),
        sortable(NumberColumn("started_count", label=_("Started"), sort_key="started_count")),
        sortable(NumberColumn("completed_count", label=_("Completed"), sort_key="completed_count")),
        sortable(
            Column(
                "average_attempts_to_pass",
                label=_("Average attempts to pass"),
                sort_key="average_attempts_to_pass",
            )
        ),
        Column("most_missed_text", label=_("Most missed on a first try")),
        # Where learning happened: the pre-check against the final quiz score, both
        # averaged over the people who took both (courses.prechecks).
        NumberColumn("took_both", label=_("Took pre-check and quiz")),
        Column("precheck_percent", label=_("Pre-check (average %)")),
        Column("final_percent", label=_("Final quiz score (average %)")),
    ]
    list_export = [
        "title",
        "course_title",
        "started_count",
        "completed_count",
        "average_attempts_to_pass",
        "most_missed_text",
        "took_both",
        "precheck_percent",
        "final_percent",
    ]
    export_headings = {
        "title": _("Module"),
        "course_title": _("Course"),
        "started_count": _("Started"),
        "completed_count": _("Completed"),
        "average_attempts_to_pass": _("Average attempts to pass"),
        "most_missed_text": _("Most missed on a first try"),
        "took_both": _("Took pre-check and quiz"),
        "precheck_percent": _("Pre-check (average %)"),
        "final_percent": _("Final quiz score (average %)"),
    }

    @cached_property
    def people(self) -> QuerySet:
        return people_in_scope(self.request.user, self.filter_value("school"))

    @cached_property
    def people_listed(self) -> QuerySet:
        """``people``, read as ids first when they are some schools' rather than
        everyone. The planner cannot estimate the three ``IN`` tests of a school's
        people (it expects thousands where a school has fifty), so it hashed every
        module's progress and read every quiz attempt for them: 0.9 s for a school
        administrator's page at scale 5 on PostgreSQL. Given the ids, it reads
        theirs by index."""
        if is_everyone(self.people):
            return self.people
        ids = list(self.people.values_list("pk", flat=True))
        return get_user_model().objects.filter(pk__in=ids)

    def get_base_queryset(self):
        return module_rows(self.people_listed)

    def order_queryset(self, queryset):
        if self.sorted_by in PROGRESS_NUMBERS:
            queryset = with_progress_numbers(queryset, self.people_listed)
        return super().order_queryset(queryset)

    def page_rows(self, modules):
        # Titled in the administrator's language: one query for the modules' titles
        # and one for their courses', in a language other than English.
        modules = show_in_reader_language(modules)
        course_titles = {}
        if reader_content_language() != default_content_language():
            course_titles = {
                course.path: course.title
                for course in show_in_reader_language(
                    CoursePage.objects.filter(path__in={module.parent_path for module in modules})
                )
            }
        module_ids = [module.pk for module in modules]
        progress = progress_by_module(module_ids, self.people_listed)
        missed = most_missed(modules, self.people_listed)
        gains = learning_by_module(module_ids, self.people_listed)
        for module in modules:
            for name, number in progress.get(module.pk, NO_PROGRESS).items():
                setattr(module, name, number)
            module.course_title = course_titles.get(module.parent_path, module.course_title)
            module.most_missed_text = "; ".join(str(count) for count in missed[module.pk])
            gain = gains.get(module.pk)
            module.took_both = gain.took_both if gain else 0
            module.precheck_percent = gain.precheck_percent if gain else ""
            module.final_percent = gain.final_percent if gain else ""
        return modules

    def export_rows(self, queryset):
        # Modules are few (the curriculum's size), so the export is one page of them.
        return self.page_rows(queryset)
