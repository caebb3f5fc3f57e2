"""Where people are in their modules, read in bulk so pages never query per row."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models.functions import Length, Substr
from django.utils.translation import gettext_lazy as _

from config.database import ANY_ID, JSONArrayLength, compiled_once
from content.models import show_in_reader_language
from courses.models import Certificate, CoursePage, ModulePage, ModuleProgress
from courses.models.pages import MODULE_CONTENT_FIELDS

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETE = "complete"
STATE_LABELS = {
    NOT_STARTED: _("Not started"),
    IN_PROGRESS: _("In progress"),
    COMPLETE: _("Complete"),
}


@dataclass(frozen=True)
class ModuleStatus:
    state: str
    started_at: datetime.datetime | None = None
    completed_at: datetime.datetime | None = None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


NOT_STARTED_STATUS = ModuleStatus(NOT_STARTED)


def module_statuses(
    user_ids: Iterable[int], module_ids: Iterable[int]
) -> dict[tuple[int, int], ModuleStatus]:
    """Status of every (user, module) asked for, in one query. Missing keys mean
    not started: look them up with ``.get(key, NOT_STARTED_STATUS)``."""
    rows = ModuleProgress.objects.filter(
        user_id__in=list(user_ids), module_id__in=list(module_ids)
    ).values_list("user_id", "module_id", "started_at", "completed_at")
    return {
        (user_id, module_id): ModuleStatus(
            COMPLETE if completed_at else IN_PROGRESS, started_at, completed_at
        )
        for user_id, module_id, started_at, completed_at in rows
    }


# Course progress --------------------------------------------------------------


@dataclass(frozen=True)
class ModuleStep:
    """One module of a course as one person stands in it."""

    module: ModulePage
    read: bool = False
    passed: bool = False
    completed_at: datetime.datetime | None = None
    started: bool = False
    # A module added after the person finished the course (and earned its certificate).
    is_new: bool = False

    @property
    def complete(self) -> bool:
        return self.completed_at is not None

    @property
    def state(self) -> str:
        if self.complete:
            return COMPLETE
        return IN_PROGRESS if self.started else NOT_STARTED

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def next_action(self) -> str | None:
        """What to do next here: "read" the module, take its "quiz", or nothing."""
        if self.complete:
            return None
        if not self.read:
            return "read"
        return "quiz" if self.module.has_quiz and not self.passed else None


@dataclass(frozen=True)
class CourseProgress:
    course: CoursePage
    steps: tuple[ModuleStep, ...]
    certificate: Certificate | None = None

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def done(self) -> int:
        return sum(1 for step in self.steps if step.complete)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def started(self) -> bool:
        return any(step.started for step in self.steps)

    @property
    def complete(self) -> bool:
        """Finished: every module done, or a certificate already issued (a module
        added since then shows as new, it does not take the course away)."""
        return self.certificate is not None or (
            self.total > 0 and all(step.complete for step in self.steps)
        )

    @property
    def new_steps(self) -> list[ModuleStep]:
        return [step for step in self.steps if step.is_new]

    @property
    def next_step(self) -> ModuleStep | None:
        """The first module, in course order, that is not complete."""
        return next((step for step in self.steps if not step.complete), None)

    @property
    def hours(self) -> Decimal:
        return sum((step.module.pd_hours for step in self.steps), Decimal(0))


def parent_path(page) -> str:
    return page.path[: -page.steplen]


@compiled_once(Certificate)
def _own_certificates():
    return Certificate.objects.filter(user=ANY_ID)


@compiled_once(ModulePage)
def _published_modules_of_locale():
    """Every published module of one locale (``ANY_ID``) that anyone may see, in
    tree order, with what a listing shows and the path of its course.

    Putting this together and compiling it took about twice as long as the
    database takes to answer it, on every page that lists modules (My learning,
    the pair's courses, the catalogue). A locale holds a curriculum's few dozen
    modules, so a listing reads them all and keeps its courses' own.
    """
    return (
        ModulePage.objects.live()
        .public()
        .filter(locale_id=ANY_ID)
        .annotate(parent_path=Substr("path", 1, Length("path") - ModulePage.steplen))
        # Listings need titles, totals and whether there is a quiz: a module's
        # text and questions are the bulk of its row.
        .defer(*MODULE_CONTENT_FIELDS)
        .annotate(quiz_length=JSONArrayLength("quiz"))
        .order_by("path")
    )


def live_modules_by_course(courses: Iterable[CoursePage]) -> dict[int, list[ModulePage]]:
    """The published modules of each course, in tree order, in one query for each
    of the courses' locales (one, nearly always)."""
    courses = list(courses)
    course_ids_by_path = {course.path: course.pk for course in courses}
    modules = [
        module
        for locale_id in sorted({course.locale_id for course in courses})
        for module in _published_modules_of_locale().instances(locale_id)
        if module.parent_path in course_ids_by_path
    ]
    by_course: dict[int, list[ModulePage]] = {pk: [] for pk in course_ids_by_path.values()}
    # Listed under their English course, titled in the reader's language.
    for module in show_in_reader_language(modules, ("title", "summary")):
        by_course[course_ids_by_path[module.parent_path]].append(module)
    return by_course


def course_progress(
    user, courses: Iterable[CoursePage], progress: Iterable[ModuleProgress] | None = None
) -> dict[int, CourseProgress]:
    """Each course's progress for one person, keyed by course id, in a fixed
    number of queries however many courses, modules or attempts there are.

    ``progress`` is all the person's progress rows, when the caller has read them."""
    courses = list(courses)
    modules_by_course = live_modules_by_course(courses)
    module_ids = [module.pk for modules in modules_by_course.values() for module in modules]
    if progress is None:
        progress = ModuleProgress.objects.filter(user=user, module_id__in=module_ids)
    rows = {row.module_id: row for row in progress}
    # All the person's certificates, one a course at most: fewer than the courses.
    certificates = {
        certificate.course_id: certificate for certificate in _own_certificates().instances(user.pk)
    }
    result = {}
    for course in courses:
        certificate = certificates.get(course.pk)
        steps = []
        for module in modules_by_course.get(course.pk, []):
            row = rows.get(module.pk)
            completed_at = row.completed_at if row else None
            steps.append(
                ModuleStep(
                    module=module,
                    read=bool(row and row.read_at),
                    passed=bool(row and row.passed_at),
                    completed_at=completed_at,
                    started=row is not None,
                    is_new=certificate is not None and completed_at is None,
                )
            )
        result[course.pk] = CourseProgress(course, tuple(steps), certificate)
    return result
