"""What a person does in their courses: reading, quiz attempts, completion, and
the overview on "My learning".

Every write runs in one transaction that first locks the person's
``ModuleProgress`` row for the module, so a double click, the back button or two
tabs never record a completion twice or lose an attempt.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from courses.certificates import issue_certificate
from courses.grading import GradeResult, InvalidAnswers, grade, questions_from_quiz
from courses.models import (
    Assignment,
    Certificate,
    CoursePage,
    MissedQuestion,
    ModulePage,
    ModuleProgress,
    QuizAttempt,
)
from courses.progress import (
    CourseProgress,
    ModuleStep,
    course_progress,
    live_modules_by_course,
    parent_path,
)
from pairs.models import Pair

# Which course audiences each learner role takes; administrators take them all.
ROLE_AUDIENCES = {"para": ("paras", "pairs"), "teacher": ("teachers", "pairs")}


def audiences_for(user) -> tuple[str, ...] | None:
    """The course audiences meant for this person, or None for every audience."""
    if user.is_school_admin or user.is_district_admin:
        return None
    return ROLE_AUDIENCES.get(user.role, ())


def is_meant_for(user, course: CoursePage) -> bool:
    audiences = audiences_for(user)
    return audiences is None or course.audience in audiences


def courses_meant_for(user):
    """Published courses written for this person's role, in catalogue order."""
    courses = CoursePage.objects.live().public().order_by("path")
    audiences = audiences_for(user)
    return courses if audiences is None else courses.filter(audience__in=audiences)


def may_take(user, module: ModulePage, course: CoursePage | None) -> bool:
    """Whether this person may record progress in ``module``: the module and its
    course are published, and the course is written for them or was assigned to them."""
    if not (user.is_authenticated and user.is_active):
        return False
    if not module.live or course is None or not course.live:
        return False
    if is_meant_for(user, course):
        return True
    return Assignment.objects.filter(user=user, page_id__in=[module.pk, course.pk]).exists()


# Recording ------------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    """What a read or a quiz attempt changed."""

    progress: ModuleProgress
    module_completed: bool = False
    certificate: Certificate | None = None  # issued by this very request


@dataclass(frozen=True)
class Submission(Recorded):
    attempt: QuizAttempt | None = None
    created: bool = False  # False: the same form was submitted before


def _locked_progress(user, module: ModulePage) -> ModuleProgress:
    progress, _created = ModuleProgress.objects.select_for_update().get_or_create(
        user=user, module=module
    )
    return progress


def _finish(user, module: ModulePage, progress: ModuleProgress, changed: list[str]) -> Recorded:
    """Save the progress row, completing the module (and the course) if it is now done."""
    completed = (
        progress.completed_at is None
        and progress.read_at is not None
        and (not module.has_quiz or progress.passed_at is not None)
    )
    if completed:
        progress.completed_at = timezone.now()
        changed.append("completed_at")
    if changed:
        progress.save(update_fields=changed)
    certificate = _certificate_if_course_done(user, module) if completed else None
    return Recorded(progress=progress, module_completed=completed, certificate=certificate)


def _certificate_if_course_done(user, module: ModulePage) -> Certificate | None:
    """Issue the course's certificate if every published module is now complete.
    Returns it only when issued now: a module added after the certificate
    completes without a second one."""
    course = module.course
    if course is None or not course.live:
        return None
    modules = live_modules_by_course([course])[course.pk]
    done = set(
        ModuleProgress.objects.filter(
            user=user, module__in=modules, completed_at__isnull=False
        ).values_list("module_id", flat=True)
    )
    if not modules or any(m.pk not in done for m in modules):
        return None
    certificate, created = issue_certificate(user, course, modules)
    return certificate if created else None


def record_read(user, module: ModulePage) -> Recorded:
    """Record that this person read the module (once; reading again changes nothing)."""
    with transaction.atomic():
        progress = _locked_progress(user, module)
        changed = []
        if progress.read_at is None:
            progress.read_at = timezone.now()
            changed.append("read_at")
        return _finish(user, module, progress, changed)


def attempt_for_form(user, module: ModulePage, form_token: str) -> QuizAttempt | None:
    """The attempt this very form already made, if it was submitted before.
    Raises ``InvalidAnswers`` if the token was used on another module's quiz."""
    earlier = QuizAttempt.objects.filter(user=user, form_token=form_token).first()
    if earlier is not None and earlier.module_id != module.pk:
        raise InvalidAnswers("This form belongs to another module's quiz.")
    return earlier


def submit_quiz(
    user, module: ModulePage, answers: dict[str, list[str]], form_token: str
) -> Submission:
    """Grade and keep one attempt; the same ``form_token`` again returns the first one.

    Raises ``InvalidAnswers`` (before anything is written) for answers that do
    not fit the module's published quiz, or a token used on another module.
    """
    result = grade(questions_from_quiz(module.quiz), answers)
    passed = result.passes(module.pass_mark)
    with transaction.atomic():
        progress = _locked_progress(user, module)
        earlier = attempt_for_form(user, module, form_token)
        if earlier is None:
            try:
                with transaction.atomic():
                    attempt = QuizAttempt.objects.create(
                        user=user,
                        module=module,
                        revision_id=module.live_revision_id,
                        answers=answers,
                        score=result.score,
                        passed=passed,
                        form_token=form_token,
                    )
            except IntegrityError:
                # The unique constraint, not only the row lock, keeps one attempt per form.
                earlier = attempt_for_form(user, module, form_token)
        if earlier is not None:
            return Submission(progress=progress, attempt=earlier, created=False)
        # Counted under the progress row's lock: no other attempt of this person
        # at this module can land in between.
        tries = QuizAttempt.objects.filter(user=user, module=module).count()
        MissedQuestion.objects.bulk_create(
            MissedQuestion(
                attempt=attempt,
                module=module,
                question_id=item.question.id,
                first_attempt=tries == 1,
            )
            for item in result.feedback
            if not item.correct
        )
        changed = []
        if passed and progress.passed_at is None:
            progress.passed_at = attempt.created_at
            progress.attempts_to_pass = tries
            changed += ["passed_at", "attempts_to_pass"]
        recorded = _finish(user, module, progress, changed)
    return Submission(
        progress=recorded.progress,
        module_completed=recorded.module_completed,
        certificate=recorded.certificate,
        attempt=attempt,
        created=True,
    )


def new_form_token() -> str:
    """The token printed in a quiz form: submitting that form again is the same attempt."""
    return uuid.uuid4().hex


def attempt_number(attempt: QuizAttempt) -> int:
    """1 for the person's first attempt at this module, 2 for the second..."""
    return QuizAttempt.objects.filter(
        user_id=attempt.user_id, module_id=attempt.module_id, pk__lte=attempt.pk
    ).count()


def attempt_result(module: ModulePage, attempt: QuizAttempt) -> GradeResult:
    """The attempt graded against the quiz as it was when it was taken.

    If that revision has since been purged, it is graded against today's quiz,
    keeping only the answers that quiz still knows.
    """
    if attempt.revision is not None:
        return grade(
            questions_from_quiz(module.with_content_json(attempt.revision.content).quiz),
            attempt.answers,
        )
    questions = questions_from_quiz(module.quiz)
    known = {q.id: q.choice_ids for q in questions}
    answers = {
        question_id: [c for c in chosen if c in known[question_id]]
        for question_id, chosen in attempt.answers.items()
        if question_id in known
    }
    return grade(questions, answers)


# The module page ------------------------------------------------------------------


@dataclass(frozen=True)
class ModuleState:
    """Where one person stands in one module, for its page."""

    course: CoursePage | None
    may_take: bool
    step: ModuleStep
    attempts: int
    best_score: float | None
    last_attempt_id: int | None
    position: int
    total: int
    next_module_id: int | None

    @property
    def best_percent(self) -> int | None:
        return None if self.best_score is None else round(self.best_score * 100)

    @cached_property
    def next_module(self) -> ModulePage | None:
        """Loaded when first asked for: a page links to it only once the module is
        complete."""
        return _module_by_id(self.next_module_id)


def _places(module: ModulePage, course: CoursePage | None) -> tuple[list[int], int]:
    """The ids of the course's published modules, in order, and this module's place
    among them (1-based; 0 when it is not listed)."""
    if course is None:
        return [], 0
    ids = list(course.modules().values_list("pk", flat=True))
    return ids, ids.index(module.pk) + 1 if module.pk in ids else 0


def _id_after(ids: list[int], position: int) -> int | None:
    return ids[position] if 0 < position < len(ids) else None


def _module_by_id(module_id: int | None) -> ModulePage | None:
    return None if module_id is None else ModulePage.objects.filter(pk=module_id).first()


def next_module(module: ModulePage, course: CoursePage | None) -> ModulePage | None:
    return _module_by_id(_id_after(*_places(module, course)))


def _attempts_summary(user, module: ModulePage) -> dict:
    """The person's attempts at the module: how many, the best score, the latest id."""
    return QuizAttempt.objects.filter(user=user, module=module).aggregate(
        count=Count("pk"), best=Max("score"), last=Max("pk")
    )


def module_state(user, module: ModulePage) -> ModuleState:
    """In a fixed number of queries, however many attempts or sibling modules."""
    course = module.course
    module_ids, position = _places(module, course)
    row = ModuleProgress.objects.filter(user=user, module=module).first()
    summary = _attempts_summary(user, module) if module.has_quiz else {}
    completed = bool(row and row.completed_at)
    # New to someone whose course certificate came before this module was added.
    is_new = (
        not completed
        and course is not None
        and Certificate.objects.filter(user=user, course=course).exists()
    )
    step = ModuleStep(
        module=module,
        read=bool(row and row.read_at),
        passed=bool(row and row.passed_at),
        completed_at=row.completed_at if row else None,
        started=row is not None,
        is_new=is_new,
    )
    return ModuleState(
        course=course,
        may_take=may_take(user, module, course),
        step=step,
        attempts=summary.get("count", 0),
        best_score=summary.get("best"),
        last_attempt_id=summary.get("last"),
        position=position,
        total=len(module_ids),
        next_module_id=_id_after(module_ids, position),
    )


# My learning ----------------------------------------------------------------------


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
    assignments = list(Assignment.objects.filter(user=user).select_related("page"))
    started_paths = ModuleProgress.objects.filter(user=user).values_list("module__path", flat=True)
    steplen = CoursePage.steplen
    own_paths = _course_paths_around([a.page.path for a in assignments], steplen) | {
        path[:-steplen] for path in started_paths
    }
    audiences = audiences_for(user)
    courses = CoursePage.objects.live().public().order_by("path")
    if audiences is not None:
        courses = courses.filter(Q(audience__in=audiences) | Q(path__in=own_paths))
    progress_by_course = course_progress(user, courses)
    by_path = {p.course.path: p for p in progress_by_course.values()}
    steps_by_module = {
        step.module.pk: step for p in progress_by_course.values() for step in p.steps
    }

    assigned, assigned_course_ids = [], set()
    for assignment in assignments:
        page = assignment.page
        if page.path in by_path:
            item = AssignedItem(assignment, by_path[page.path], None, today)
        elif page.pk in steps_by_module:
            course = by_path[parent_path(page)]
            item = AssignedItem(assignment, course, steps_by_module[page.pk], today)
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

    pairs = list(
        Pair.objects.for_user(user)
        .of_member(user)
        .active()
        .select_related("teacher", "para", "school")
    )
    return MyLearning(assigned, in_progress, finished, catalogue, pairs)


# The pair page --------------------------------------------------------------------


def courses_for_pair(pair: Pair) -> list[CoursePage]:
    """Published courses assigned to either partner (directly or through one of its
    modules) or that either has started, in catalogue order. Three queries."""
    members = [pair.teacher_id, pair.para_id]
    steplen = CoursePage.steplen
    assigned = Assignment.objects.filter(user_id__in=members).values_list("page__path", flat=True)
    started = ModuleProgress.objects.filter(user_id__in=members).values_list(
        "module__path", flat=True
    )
    paths = _course_paths_around(assigned, steplen) | {path[:-steplen] for path in started}
    return list(CoursePage.objects.live().filter(path__in=paths).order_by("path"))


def pair_course_progress(
    pair: Pair, courses: Sequence[CoursePage]
) -> dict[int, dict[int, CourseProgress]]:
    """``{user id: {course id: CourseProgress}}`` for both partners, side by side."""
    return {user.pk: course_progress(user, courses) for user in pair.members()}
