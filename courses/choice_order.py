"""The order a quiz shows its choices in: shuffled for each attempt, on the server.

A form's token seeds its order, so the same form shows the same order however it
comes back (a reload, a missing answer, a double submit) and another form shows
another. The attempt keeps the order it showed (``QuizAttempt.choice_order``), so
its result shows that order again even if this shuffle is ever changed.

Grading never reads an order: answers name choice ids, not positions. Pinned
choices ("None of the above") keep their place, and questions whose answers are
a fixed scale (true/false, who does this) are never shuffled.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
from collections.abc import Mapping, Sequence

from courses.grading import Question

# {question id: [choice ids in the order shown]}
ChoiceOrder = dict[str, list[str]]


def _random_for(seed: str, question_id: str) -> random.Random:
    # sha256, not hash(): the same seed must give the same order in every process.
    digest = hashlib.sha256(f"{seed}:{question_id}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def shuffled_choice_ids(question: Question, seed: str) -> list[str]:
    """The question's choice ids in the order ``seed`` gives, pinned ones in place."""
    if question.fixed_order:
        return [choice.id for choice in question.choices]
    free = [choice.id for choice in question.choices if not choice.pinned]
    _random_for(seed, question.id).shuffle(free)
    shuffled = iter(free)
    return [choice.id if choice.pinned else next(shuffled) for choice in question.choices]


def choice_order(questions: Sequence[Question], seed: str) -> ChoiceOrder:
    """The order of every question's choices for the form ``seed`` identifies."""
    return {question.id: shuffled_choice_ids(question, seed) for question in questions}


def arrange(questions: Sequence[Question], order: Mapping[str, Sequence[str]]) -> list[Question]:
    """``questions`` with their choices in ``order``.

    A choice the order does not name (added to the quiz since) follows the named
    ones in the quiz's own order; a question the order does not name keeps its order.
    """
    arranged = []
    for question in questions:
        place = {choice_id: n for n, choice_id in enumerate(order.get(question.id, ()))}
        choices = sorted(question.choices, key=lambda c: place.get(c.id, len(place)))
        arranged.append(dataclasses.replace(question, choices=tuple(choices)))
    return arranged
