"""The pre-check ("What do you already know?"): up to three questions a learner may
answer before reading a module, and what had changed by the quiz.

It counts toward nothing: not passing, not completion, not who may take what. It is
answered once, before the module is read (the first answer is kept), so it measures
what the person knew coming in. Each question names the quiz question on the same
idea (``quiz_question``, 1 for the first), so a quiz result compares the two idea by
idea (``what_changed``) and the module report sets the average pre-check score beside
the average final quiz score (``learning_by_module``).

Grading is the quiz's own pure function (``courses.grading.grade``); what is here
besides reads the records.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields import FloatField

from courses.grading import QUESTION_BUILDERS, GradeResult, Question, grade
from courses.models import ModulePage, ModuleProgress, PreCheck, QuizAttempt
from pairs.scoping import in_scope

# What a module's pre-check is ----------------------------------------------------------


@dataclass(frozen=True)
class PreCheckItem:
    """One pre-check question and the quiz question on the same idea."""

    question: Question
    quiz_question: int  # that quiz question's number, 1 for the first


def items_from_precheck(precheck: Iterable) -> list[PreCheckItem]:
    """Typed items from a module's ``precheck`` StreamValue (its bound blocks)."""
    return [
        PreCheckItem(QUESTION_BUILDERS[child.block_type](child), int(child.value["quiz_question"]))
        for child in precheck
    ]


def questions_of(items: Sequence[PreCheckItem]) -> list[Question]:
    return [item.question for item in items]


def seed_for(user) -> str:
    """The seed of a person's pre-check choice order: one form per person and module
    (question ids differ from module to module), the same on every showing."""
    return f"precheck:{user.pk}"


def known_answers(questions: Sequence[Question], answers: Mapping[str, Collection[str]]):
    """``answers`` less anything ``questions`` no longer has (an edited pre-check)."""
    known = {question.id: question.choice_ids for question in questions}
    return {
        question_id: [choice for choice in chosen if choice in known[question_id]]
        for question_id, chosen in answers.items()
        if question_id in known
    }


# What changed between the pre-check and a quiz attempt -------------------------------


@dataclass(frozen=True)
class IdeaChange:
    """One idea: the pre-check question on it, and the quiz question on it."""

    prompt: str  # the pre-check question, as the person answered it
    before: bool  # right in the pre-check
    number: int  # the quiz question on the same idea, as the result numbers it
    after: bool  # right in this attempt


@dataclass(frozen=True)
class WhatChanged:
    ideas: tuple[IdeaChange, ...]

    @property
    def total(self) -> int:
        return len(self.ideas)

    @property
    def before(self) -> int:
        return sum(1 for idea in self.ideas if idea.before)

    @property
    def after(self) -> int:
        return sum(1 for idea in self.ideas if idea.after)

    @property
    def gained(self) -> int:
        """How many more ideas this attempt got right than the pre-check did."""
        return self.after - self.before

    @property
    def knew_already(self) -> bool:
        return self.before == self.after == self.total


def what_changed(
    items: Sequence[PreCheckItem],
    answers: Mapping[str, Collection[str]],
    quiz_ids: Sequence[str],
    result: GradeResult,
) -> WhatChanged | None:
    """The pre-check ``answers`` against the same ideas in a graded quiz attempt.

    ``items`` and ``quiz_ids`` (the quiz's question ids, in order) come from the
    module as the pre-check was taken, so an item's ``quiz_question`` number names
    a question by id, which then is looked up in ``result`` wherever that attempt's
    quiz put it. An idea whose quiz question is gone is left out; None if none is left.
    """
    questions = questions_of(items)
    before = grade(questions, known_answers(questions, answers))
    after = {
        feedback.question.id: (number, feedback.correct)
        for number, feedback in enumerate(result.feedback, start=1)
    }
    ideas = []
    for item, graded in zip(items, before.feedback, strict=True):
        if not 1 <= item.quiz_question <= len(quiz_ids):
            continue
        found = after.get(quiz_ids[item.quiz_question - 1])
        if found is not None:
            number, correct = found
            ideas.append(IdeaChange(item.question.prompt, graded.correct, number, correct))
    return WhatChanged(tuple(ideas)) if ideas else None


def what_changed_since(precheck: PreCheck | None, result: GradeResult) -> WhatChanged | None:
    """``what_changed`` for a person's pre-check record, read against the module as
    it was when they took it (today's module if that revision has been purged)."""
    if precheck is None:
        return None
    module = precheck.module
    if precheck.revision is not None:
        module = module.with_content_json(precheck.revision.content)
    quiz_ids = [child.id for child in module.quiz]
    return what_changed(items_from_precheck(module.precheck), precheck.answers, quiz_ids, result)


# A person's pre-check ------------------------------------------------------------------


def precheck_of(user, module: ModulePage) -> PreCheck | None:
    return (
        PreCheck.objects.filter(user=user, module=module)
        .select_related("revision", "module")
        .first()
    )


def precheck_is_open(user, module: ModulePage) -> bool:
    """Whether the person may still take the module's pre-check: it has one, they
    have not answered it, and they have not yet read the module (afterwards it would
    measure the module, not what they brought to it)."""
    if not module.has_precheck:
        return False
    answered = PreCheck.objects.filter(user=user, module=module).exists()
    read = ModuleProgress.objects.filter(user=user, module=module, read_at__isnull=False)
    return not answered and not read.exists()


# The module report -------------------------------------------------------------------


@dataclass(frozen=True)
class LearningGain:
    """Among the people who took a module's pre-check and its quiz: their average
    pre-check score and their average final quiz score (best passing, else latest)."""

    took_both: int
    precheck_average: float
    final_average: float

    @property
    def precheck_percent(self) -> int:
        return round(self.precheck_average * 100)

    @property
    def final_percent(self) -> int:
        return round(self.final_average * 100)


def final_score() -> Subquery:
    """On a row with ``user`` and ``module``: the score of that person's final quiz
    attempt at the module, their best passing one, else their latest (None if none)."""
    attempts = QuizAttempt.objects.filter(user=OuterRef("user"), module=OuterRef("module"))
    best_passing_first = attempts.order_by(
        F("passed").desc(),
        Case(When(passed=True, then=F("score")), default=Value(None), output_field=FloatField())
        .desc(nulls_last=True),
        F("pk").desc(),
    )  # fmt: skip
    return Subquery(best_passing_first.values("score")[:1], output_field=FloatField())


def learning_by_module(module_ids: Collection[int], people: QuerySet) -> dict[int, LearningGain]:
    """For each module, ``LearningGain`` over those of ``people`` who took both its
    pre-check and its quiz, in one query. A module nobody took both of is left out."""
    rows = (
        in_scope(PreCheck.objects.filter(module_id__in=list(module_ids)), "user", people)
        .annotate(final=final_score())
        .filter(final__isnull=False)
        .values("module_id")
        .annotate(took_both=Count("*"), before=Avg("score"), after=Avg("final"))
        .order_by()
    )
    return {
        row["module_id"]: LearningGain(row["took_both"], row["before"], row["after"])
        for row in rows
    }
