"""Grading: a pure function of a quiz's questions and a learner's answers.

Nothing here touches the database. ``questions_from_quiz`` turns the quiz
StreamField into typed questions; ``answers_from_form`` reads a submitted form
into ``{question id: [choice ids]}``; ``grade`` scores it and explains why.
Question ids are the StreamField block ids, choice ids the ListBlock child ids
(or the fixed ids of true/false and who-does-this questions), so a form made
from one revision can only be graded against that revision.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.utils.translation import gettext_lazy as _

from accounts.roles import WhoDoesThisAnswer

FIELD_PREFIX = "q-"

Answers = Mapping[str, Collection[str]]


class InvalidAnswers(ValueError):
    """The answers name a question or a choice the quiz does not have: a tampered form."""


@dataclass(frozen=True)
class Choice:
    id: str
    text: str
    correct: bool
    feedback: str
    # Keeps its place when the choices are shuffled ("None of the above").
    pinned: bool = False


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    explanation: str
    choices: tuple[Choice, ...]
    multiple: bool = False
    # True/false and who-does-this answers read as a fixed scale: never shuffled.
    fixed_order: bool = False

    @property
    def field_name(self) -> str:
        return f"{FIELD_PREFIX}{self.id}"

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(choice.id for choice in self.choices if choice.correct)

    @property
    def choice_ids(self) -> frozenset[str]:
        return frozenset(choice.id for choice in self.choices)


@dataclass(frozen=True)
class ChoiceFeedback:
    """A choice that mattered to a question's result: picked, or right and missed."""

    choice: Choice
    chosen: bool

    @property
    def missed(self) -> bool:
        return self.choice.correct and not self.chosen


@dataclass(frozen=True)
class QuestionFeedback:
    question: Question
    chosen: tuple[Choice, ...]
    correct: bool

    @property
    def answered(self) -> bool:
        return bool(self.chosen)

    @property
    def missed(self) -> tuple[Choice, ...]:
        """The right choices that were not picked."""
        return tuple(c for c in self.question.choices if c.correct and c not in self.chosen)

    @property
    def choices_that_mattered(self) -> tuple[ChoiceFeedback, ...]:
        """The picked choices and the missed right ones, in the question's order."""
        return tuple(
            ChoiceFeedback(choice, chosen=choice in self.chosen)
            for choice in self.question.choices
            if choice in self.chosen or choice.correct
        )


@dataclass(frozen=True)
class GradeResult:
    score: float
    feedback: list[QuestionFeedback]

    @property
    def correct_count(self) -> int:
        return sum(1 for item in self.feedback if item.correct)

    @property
    def question_count(self) -> int:
        return len(self.feedback)

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    def passes(self, pass_mark: int) -> bool:
        """Whether the score reaches ``pass_mark`` percent, compared in whole numbers
        so 4 of 5 meets an 80% mark exactly (0.8 * 100 is not 80.0 in floating point)."""
        if not self.feedback:
            return True
        return self.correct_count * 100 >= pass_mark * self.question_count


def check_answers(questions: Sequence[Question], answers: Answers) -> None:
    """Raise ``InvalidAnswers`` for an unknown question or choice, or several
    choices for a question that takes one."""
    by_id = {question.id: question for question in questions}
    for question_id, chosen in answers.items():
        question = by_id.get(question_id)
        if question is None:
            raise InvalidAnswers(f"Unknown question {question_id!r}.")
        unknown = set(chosen) - question.choice_ids
        if unknown:
            raise InvalidAnswers(f"Unknown choice for question {question_id!r}.")
        if not question.multiple and len(set(chosen)) > 1:
            raise InvalidAnswers(f"Question {question_id!r} takes one answer.")


def grade(questions: Sequence[Question], answers: Answers) -> GradeResult:
    """Score ``answers`` against ``questions``: the share of questions answered right.

    A question left out counts as wrong; a multiple-select question is right only
    when exactly its correct set is chosen. A quiz with no questions scores 1.
    """
    check_answers(questions, answers)
    feedback = []
    for question in questions:
        chosen_ids = set(answers.get(question.id, ()))
        chosen = tuple(choice for choice in question.choices if choice.id in chosen_ids)
        feedback.append(
            QuestionFeedback(
                question=question,
                chosen=chosen,
                correct=bool(chosen_ids) and chosen_ids == question.correct_ids,
            )
        )
    correct = sum(1 for item in feedback if item.correct)
    score = correct / len(feedback) if feedback else 1.0
    return GradeResult(score=score, feedback=feedback)


def missing_answers(questions: Sequence[Question], answers: Answers) -> frozenset[str]:
    """Ids of the questions with no choice made."""
    return frozenset(question.id for question in questions if not answers.get(question.id))


class FormData(Protocol):
    """What a QueryDict offers: its keys, and every value of one key."""

    def __iter__(self) -> Iterator[str]: ...
    def getlist(self, key: str) -> list[str]: ...


def answers_from_form(questions: Sequence[Question], data: FormData) -> dict[str, list[str]]:
    """Read ``q-<question id>`` fields from submitted form data.

    Raises ``InvalidAnswers`` when the form names a question or choice that is
    not in ``questions``; other fields (CSRF token, form token) are ignored.
    """
    answers: dict[str, list[str]] = {}
    for key in data:
        if key.startswith(FIELD_PREFIX):
            values = [value for value in data.getlist(key) if value]
            if values:
                answers[key.removeprefix(FIELD_PREFIX)] = list(dict.fromkeys(values))
    check_answers(questions, answers)
    return answers


# From the quiz StreamField ---------------------------------------------------

TRUE_FALSE_CHOICES = (("true", _("True")), ("false", _("False")))


def _choice_question(child, multiple: bool) -> Question:
    value = child.value
    return Question(
        id=child.id,
        prompt=value["prompt"],
        explanation=value["explanation"],
        multiple=multiple,
        choices=tuple(
            Choice(
                id=item.id,
                text=item.value["text"],
                correct=bool(item.value["correct"]),
                feedback=item.value["feedback"],
                pinned=bool(item.value.get("pinned")),
            )
            for item in value["choices"].bound_blocks
        ),
    )


def _true_false_question(child) -> Question:
    value = child.value
    answer = "true" if value["answer"] else "false"
    return Question(
        id=child.id,
        prompt=value["prompt"],
        explanation=value["explanation"],
        fixed_order=True,
        choices=tuple(
            Choice(id=key, text=str(text), correct=key == answer, feedback=value[f"feedback_{key}"])
            for key, text in TRUE_FALSE_CHOICES
        ),
    )


def _who_question(child) -> Question:
    value = child.value
    return Question(
        id=child.id,
        prompt=value["prompt"],
        explanation=value["explanation"],
        fixed_order=True,
        choices=tuple(
            Choice(
                id=key,
                text=str(text),
                correct=key == value["answer"],
                feedback=value[f"feedback_{key}"],
            )
            for key, text in WhoDoesThisAnswer.choices
        ),
    )


QUESTION_BUILDERS = {
    "single_choice": lambda child: _choice_question(child, multiple=False),
    "multiple_select": lambda child: _choice_question(child, multiple=True),
    "true_false": _true_false_question,
    "who_does_this": _who_question,
}


def questions_from_quiz(quiz: Iterable) -> list[Question]:
    """Typed questions from a module's ``quiz`` StreamValue (its bound blocks)."""
    return [QUESTION_BUILDERS[child.block_type](child) for child in quiz]
