"""Where each person stands in what they were assigned: the status of an
assignment (not started, in progress, complete, overdue) and how far they got,
as annotations on an ``Assignment`` queryset, so a list of any length costs one
query. Reports, reminders and the assignments screen all read it from here.
"""

from __future__ import annotations

import datetime

from django.db.models import (
    Case,
    Exists,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, NullIf, Round
from django.utils.translation import gettext_lazy as _

from courses.models import Assignment, Certificate, ModulePage, ModuleProgress, QuizAttempt
from courses.progress import COMPLETE, IN_PROGRESS, NOT_STARTED

OVERDUE = "overdue"
STATUS_CHOICES = [
    (NOT_STARTED, _("Not started")),
    (IN_PROGRESS, _("In progress")),
    (COMPLETE, _("Complete")),
    (OVERDUE, _("Overdue")),
]
STATUS_LABELS = dict(STATUS_CHOICES)


class LaterOf(Greatest):
    """The later of two times, either of which may be missing.

    PostgreSQL's ``GREATEST`` passes over a NULL; SQLite's ``MAX()`` returns NULL
    if any argument is, so there each is coalesced with the other. Written once
    on PostgreSQL, where each argument is a correlated subquery run per row:
    https://docs.djangoproject.com/en/5.2/ref/models/database-functions/#greatest
    """

    def as_sqlite(self, compiler, connection, **extra_context):
        first, second = self.get_source_expressions()
        coalesced = Greatest(Coalesce(first, second), Coalesce(second, first))
        return compiler.compile(coalesced)


class SubqueryCount(Subquery):
    """``COUNT(*)`` of a correlated subquery: a count per row inside the one query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


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
    ``completed_count`` count the live modules at or under the assigned page (their
    ratio is ``Assignment.percent``), ``last_activity_at`` is the latest progress or
    quiz attempt."""
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
            last_activity_at=LaterOf("last_progress_at", "last_attempt_at"),
        )
    )


def percent_complete() -> Coalesce:
    """``Assignment.percent`` in SQL, on ``with_completion``'s rows, to sort by it.

    Only a listing sorted by it asks for it: each count it names is its subquery
    written out again, run once more per row (dividing by NULLIF instead of testing
    for zero first spares a third). Shown and exported, the percent is worked out
    from the counts already read.
    """
    return Coalesce(
        Cast(
            Round(Cast("completed_count", FloatField()) * 100 / NullIf("module_count", 0)),
            IntegerField(),
        ),
        0,
    )
