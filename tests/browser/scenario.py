"""The world the journeys happen in: the shipped curriculum and the demo district,
and what the test knows that a learner has to work out (which answers are right).

Everything here writes through the ORM and the app's own functions; the
journeys themselves only click and type.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from courses import assigning, recording
from courses.grading import Question, questions_from_quiz
from courses.models import ModulePage
from devdata.demo import DEMO_PASSWORD, create_demo_district
from pairs.models import Pair

PASSWORD = DEMO_PASSWORD
# A para with one pair (Gabe, in the demo, has two teachers): Hannah Price works
# with Ana Torres at Maple Grove Elementary, whose administrator is Marcus Lee.
PARA, TEACHER, SCHOOL_ADMIN, EDITOR = "hannah.price", "ana.torres", "maple.admin", "pdlead"
# Stronger Together's second module: a six-question quiz and a "together" action.
MODULE = "clarifying-roles"


@dataclass(frozen=True)
class Demo:
    para: object
    teacher: object
    school_admin: object
    editor: object
    pair: Pair

    @staticmethod
    def login(user) -> str:
        """What each person types as their login: the email, or the username without one."""
        return user.email or user.username


def school_year_start(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return datetime.date(today.year if today.month >= 8 else today.year - 1, 8, 1)


def load_world() -> Demo:
    """The shipped curriculum and the demo district, as ``make run`` loads them."""
    call_command("load_curriculum", stdout=io.StringIO())
    create_demo_district(start_of_year=school_year_start())
    people = get_user_model().objects.in_bulk(
        [PARA, TEACHER, SCHOOL_ADMIN, EDITOR], field_name="username"
    )
    para, teacher = people[PARA], people[TEACHER]
    return Demo(
        para=para,
        teacher=teacher,
        school_admin=people[SCHOOL_ADMIN],
        editor=people[EDITOR],
        pair=Pair.objects.get(para=para, teacher=teacher, ended_on=None),
    )


def module(slug: str = MODULE) -> ModulePage:
    """The English module: its Spanish translation has the same slug, and every
    record (progress, attempts, actions) belongs to the English page."""
    return ModulePage.objects.sources().get(slug=slug)


def together_action_text(page: ModulePage) -> str:
    """The text of the module's first try-tomorrow action for both partners."""
    return next(b.value["text"] for b in page.actions if b.value["who"] == "together")


def assign(page, user, by, days: int = 14) -> None:
    """Assign ``page`` to ``user`` as an administrator does (emailed and logged)."""
    due_on = timezone.localdate() + datetime.timedelta(days=days)
    assigning.assign(page, [user], due_on, note="", by=by)


# What the test knows about a quiz ------------------------------------------------------


@dataclass(frozen=True)
class QuizAnswer:
    """One question as the learner sees it (its legend) and the choices to tick."""

    number: int
    question: Question
    choices: tuple[str, ...]

    @property
    def legend(self) -> str:
        return f"{self.number}. {self.question.prompt}"


def quiz_answers(page: ModulePage, *, right: bool) -> list[QuizAnswer]:
    """Every question of the module's quiz with its right choices, or with a wrong
    one (the first choice that is not right) when ``right`` is false."""
    answers = []
    for number, question in enumerate(questions_from_quiz(page.quiz), start=1):
        if right:
            chosen = tuple(c.text for c in question.choices if c.correct)
        else:
            chosen = (next(c.text for c in question.choices if not c.correct),)
        answers.append(QuizAnswer(number, question, chosen))
    return answers


def answers_by_id(page: ModulePage, *, right: bool) -> dict[str, list[str]]:
    """The same answers as the grader reads them: {question id: [choice ids]}."""
    by_id = {}
    for answer in quiz_answers(page, right=right):
        texts = set(answer.choices)
        by_id[answer.question.id] = [c.id for c in answer.question.choices if c.text in texts]
    return by_id


def complete_module(user, page: ModulePage) -> recording.Recorded:
    recording.record_read(user, page)
    return recording.submit_quiz(
        user, page, answers_by_id(page, right=True), recording.new_form_token()
    )


def fail_quiz(user, page: ModulePage):
    recording.record_read(user, page)
    return recording.submit_quiz(
        user, page, answers_by_id(page, right=False), recording.new_form_token()
    )
