"""What a person's learning adds up to: "My learning" (assigned work, courses in
progress, finished and still to take) and the partners' courses on the pair page."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import F, QuerySet
from django.utils import timezone

from config.database import ANY_ID, compiled_once
from content.models import default_content_language, show_in_reader_language
from courses.eligibility import is_meant_for
from courses.models import Assignment, CoursePage, ModuleProgress
from courses.progress import CourseProgress, ModuleStep, course_progress, parent_path
from pairs.models import Pair
from pairs.scoping import pairs_of


@dataclass(frozen=True)
class AssignedItem:
    assignment: Assignment
    progress: CourseProgress  # of the course, or of the course the module is in
    step: ModuleStep | None  # set when a single module was assigned
    today: datetime.date

    @property
    def page(self):
        return self.step.module if self.step else self.progress.course

    @property
    def title(self) -> str:
        return self.page.title

    @property
    def complete(self) -> bool:
        return self.step.complete if self.step else self.progress.complete

    @property
    def overdue(self) -> bool:
        return not self.complete and self.assignment.due_on < self.today

    @property
    def next_step(self) -> ModuleStep | None:
        if self.step:
            return None if self.step.complete else self.step
        return self.progress.next_step


@dataclass(frozen=True)
class MyLearning:
    assigned: list[AssignedItem]
    in_progress: list[CourseProgress]
    finished: list[CourseProgress]
    catalogue: list[CourseProgress]
    pairs: list[Pair]


def _course_paths_around(paths: Iterable[str], steplen: int) -> set[str]:
    """Each path and its parent's: a course is one or the other of a course or module."""
    return {candidate for path in paths for candidate in (path, path[:-steplen])}


def my_learning(user, today: datetime.date | None = None) -> MyLearning:
    """Everything on "My learning", in a fixed number of queries."""
    today = today or timezone.localdate()
    # The assigned page is found again among the courses' progress, by path.
    assignments = _own_assignments().instances(user.pk)
    # Every module the person started: its course is theirs, and its row is its step.
    progress = _own_progress().instances(user.pk)
    steplen = CoursePage.steplen
    own_paths = _course_paths_around([a.page_path for a in assignments], steplen) | {
        row.module_path[:-steplen] for row in progress
    }
    courses = [
        course
        for course in _published_courses(default_content_language()).instances()
        if course.path in own_paths or is_meant_for(user, course)
    ]
    progress_by_course = course_progress(user, show_in_reader_language(courses), progress)
    by_path = {p.course.path: p for p in progress_by_course.values()}
    steps_by_module = {
        step.module.pk: step for p in progress_by_course.values() for step in p.steps
    }

    assigned, assigned_course_ids = [], set()
    for assignment in assignments:
        if assignment.page_path in by_path:
            item = AssignedItem(assignment, by_path[assignment.page_path], None, today)
        elif assignment.page_id in steps_by_module:
            step = steps_by_module[assignment.page_id]
            course = by_path[parent_path(step.module)]
            item = AssignedItem(assignment, course, step, today)
        else:
            continue  # not published (any more): nothing to take
        if not item.complete:
            assigned.append(item)
            assigned_course_ids.add(item.progress.course.pk)
    assigned.sort(key=lambda item: (not item.overdue, item.assignment.due_on, item.title))

    in_progress, finished, catalogue = [], [], []
    for progress in sorted(progress_by_course.values(), key=lambda p: p.course.path):
        if progress.complete:
            finished.append(progress)
        elif progress.course.pk in assigned_course_ids:
            continue
        elif progress.started:
            in_progress.append(progress)
        elif is_meant_for(user, progress.course):
            catalogue.append(progress)

    pairs = _own_active_pairs().instances(user.pk)
    return MyLearning(assigned, in_progress, finished, catalogue, pairs)


# A person's rows, each compiled once for anyone (``config.database.compiled_once``).


@compiled_once(Assignment)
def _own_assignments():
    return Assignment.objects.filter(user=ANY_ID).annotate(page_path=F("page__path"))


@compiled_once(ModuleProgress)
def _own_progress():
    return ModuleProgress.objects.filter(user=ANY_ID).annotate(module_path=F("module__path"))


@compiled_once(CoursePage, keep=4, for_ids=False)
def _published_courses(language: str):
    """Every course anyone may see, in catalogue order: a district's handful, each
    person's chosen among them by audience (``courses.eligibility``)."""
    return (
        CoursePage.objects.live().public().filter(locale__language_code=language).order_by("path")
    )


@compiled_once(Pair)
def _own_active_pairs():
    """With their names: putting the query together took 0.8 ms, the database
    0.25 to answer it."""
    return pairs_of(ANY_ID).active().named()


# The pair page --------------------------------------------------------------------


def courses_for_pair(pair: Pair, module_paths: QuerySet | None = None) -> list[CoursePage]:
    """Published courses assigned to either partner (directly or through one of its
    modules), that either has started, or that hold one of ``module_paths`` (the
    paths of modules, as a ``values_list`` queryset), in catalogue order. Two
    queries: every path in one, the courses in the other."""
    members = [pair.teacher_id, pair.para_id]
    paths = (
        Assignment.objects.filter(user_id__in=members)
        .order_by()
        .values_list("page__path", flat=True)
        .union(
            ModuleProgress.objects.filter(user_id__in=members)
            .order_by()
            .values_list("module__path", flat=True),
            *([module_paths.order_by()] if module_paths is not None else []),
        )
    )
    # A path is a course's or a module's: the course is the one or its parent.
    course_paths = _course_paths_around(paths, CoursePage.steplen)
    return show_in_reader_language(
        CoursePage.objects.live().filter(path__in=course_paths).order_by("path")
    )


def pair_course_progress(
    pair: Pair, courses: Sequence[CoursePage]
) -> dict[int, dict[int, CourseProgress]]:
    """``{user id: {course id: CourseProgress}}`` for both partners, side by side."""
    return {user.pk: course_progress(user, courses) for user in pair.members()}
