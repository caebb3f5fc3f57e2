"""Nobody passes a shipped quiz without reading: a learner who answers by position
and habit, never by the question, fails every module, however often they retry.

The curriculum is loaded from its files when the test runs, so the test holds
whatever curriculum ships, and the answers are picked from the order each
attempt's form actually shows.
"""

import itertools
import random
import re
import uuid
from collections import Counter

import pytest
from django.core.management import call_command

from courses.grading import Question, questions_from_quiz
from courses.models import Assignment, CoursePage, ModulePage, QuizAttempt
from tests.clock import TODAY
from tests.page_factories import home_page

pytestmark = pytest.mark.django_db

ATTEMPTS = 30  # per module
FIELD = re.compile(r'name="q-(?P<question>[^"]+)" id="[^"]*" value="(?P<choice>[^"]*)"')
TOKEN = re.compile(r'name="form_token" value="(?P<token>[0-9a-f]+)"')


def blind_answer(question: Question, shown: list[str]) -> list[str]:
    """What someone answers without reading the question: the first choice shown,
    "False", "Both", or the first three boxes."""
    if question.multiple:
        return shown[:3]
    if {choice.id for choice in question.choices} == {"true", "false"}:
        return ["false"]
    if {choice.id for choice in question.choices} == {"teacher", "para", "both"}:
        return ["both"]
    return shown[:1]


def take_blindly(client, module: ModulePage) -> QuizAttempt:
    """Open the quiz form, answer it blindly in the order it shows, and submit it."""
    url = module.url + module.reverse_subpage("quiz")
    html = client.get(url).text
    shown: dict[str, list[str]] = {}
    for match in FIELD.finditer(html):
        shown.setdefault(match["question"], []).append(match["choice"])
    data = {"module": str(module.pk), "form_token": TOKEN.search(html)["token"]}
    for question in questions_from_quiz(module.quiz):
        data[question.field_name] = blind_answer(question, shown[question.id])
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:500]
    attempt = QuizAttempt.objects.latest("pk")
    assert attempt.choice_order == shown
    return attempt


@pytest.fixture
def numbered_forms(monkeypatch):
    """Form tokens 1, 2, 3…: the same attempts in the same orders on every run, so a
    failure can be replayed. They seed the shuffle through sha256 like any token."""
    numbers = itertools.count(1)
    monkeypatch.setattr("courses.recording.new_form_token", lambda: f"{next(numbers):032x}")


@pytest.fixture
def numbered_block_ids(monkeypatch):
    """Block ids (which the shuffle hashes with the token) from a seeded stream while
    the curriculum loads: Wagtail draws them from uuid4, so without this every run
    would shuffle differently and a failure could not be replayed."""
    stream = random.Random("blind-guessing")
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=stream.getrandbits(128), version=4))


def test_answering_blindly_passes_no_shipped_quiz(
    client, district, numbered_forms, numbered_block_ids
):
    home_page()
    call_command("load_curriculum", verbosity=0)
    para = district.para
    for course in CoursePage.objects.live().sources():
        Assignment.objects.create(user=para, page=course, due_on=TODAY)
    client.force_login(para)
    # The English pages: their translations share their block ids, so grade alike.
    modules = [m for m in ModulePage.objects.live().sources().order_by("path") if m.has_quiz]
    assert len(modules) >= 12

    passes, best, always_right = Counter(), {}, {}
    for module in modules:
        right = Counter()
        for _ in range(ATTEMPTS):
            attempt = take_blindly(client, module)
            passes[module.slug] += attempt.passed
            best[module.slug] = max(best.get(module.slug, 0.0), attempt.score)
            missed = set(attempt.missed_questions.values_list("question_id", flat=True))
            right.update(q.id for q in questions_from_quiz(module.quiz) if q.id not in missed)
        always_right[module.slug] = [
            q.prompt[:50] for q in questions_from_quiz(module.quiz) if right[q.id] == ATTEMPTS
        ]

    passed = {slug: n for slug, n in passes.items() if n}
    assert not passed, (
        f"Blind answers passed {sum(passed.values())} of {ATTEMPTS * len(modules)} attempts "
        f"(attempts passed, by module): {passed}. Best blind scores: {best}. "
        "Questions blind answers get right every time: "
        f"{ {slug: always_right[slug] for slug in passed} }"
    )
