"""A module's state for one person: where they stand on its page, their attempts,
an attempt's graded result, and the module that comes next."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, Max, QuerySet

from courses.choice_order import arrange
from courses.eligibility import may_take
from courses.grading import GradeResult, grade, questions_from_quiz
from courses.models import (
    Certificate,
    CoursePage,
    ModulePage,
    ModuleProgress,
    PreCheck,
    QuizAttempt,
)
from courses.progress import ModuleStep


def own_attempts(user, module: ModulePage) -> QuerySet[QuizAttempt]:
    """This person's attempts at the module, in the order they were made (the order
    ``attempt_number`` counts in): nobody reads another's."""
    return QuizAttempt.objects.filter(user=user, module=module).order_by("pk")


def attempt_number(attempt: QuizAttempt) -> int:
    """1 for the person's first attempt at this module, 2 for the second..."""
    return QuizAttempt.objects.filter(
        user_id=attempt.user_id, module_id=attempt.module_id, pk__lte=attempt.pk
    ).count()


def attempt_result(module: ModulePage, attempt: QuizAttempt) -> GradeResult:
    """The attempt graded against the quiz as it was when it was taken, its
    choices in the order that attempt showed them.

    If that revision has since been purged, it is graded against today's quiz,
    keeping only the answers that quiz still knows.
    """
    # A translation shown has the source's block ids, not its revisions: its own
    # quiz gives the feedback in the reader's language.
    if attempt.revision is not None and not module.shows_translation:
        quiz = module.with_content_json(attempt.revision.content).quiz
        return grade(arrange(questions_from_quiz(quiz), attempt.choice_order), attempt.answers)
    questions = arrange(questions_from_quiz(module.quiz), attempt.choice_order)
    known = {q.id: q.choice_ids for q in questions}
    answers = {
        question_id: [c for c in chosen if c in known[question_id]]
        for question_id, chosen in attempt.answers.items()
        if question_id in known
    }
    return grade(questions, answers)


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
    # The module's pre-check is there to answer (not answered, module not yet read).
    precheck_open: bool = False

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
    module = None if module_id is None else ModulePage.objects.filter(pk=module_id).first()
    return module and module.shown_in_reader_language()


def next_module(module: ModulePage, course: CoursePage | None) -> ModulePage | None:
    return _module_by_id(_id_after(*_places(module, course)))


def _attempts_summary(user, module: ModulePage) -> dict:
    """The person's attempts at the module: how many, the best score, the latest id."""
    return (
        own_attempts(user, module)
        .order_by()
        .aggregate(count=Count("pk"), best=Max("score"), last=Max("pk"))
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
    takes = may_take(user, module, course)
    return ModuleState(
        course=course,
        may_take=takes,
        step=step,
        attempts=summary.get("count", 0),
        best_score=summary.get("best"),
        last_attempt_id=summary.get("last"),
        position=position,
        total=len(module_ids),
        next_module_id=_id_after(module_ids, position),
        precheck_open=(
            takes
            and module.has_precheck
            and not step.read
            and not PreCheck.objects.filter(user=user, module=module).exists()
        ),
    )
