"""Many clients at once: checklist confirmations, module completion, quiz double
submits and weekly-plan saves. Each thread has its own test client and its own
database connection, so the row locks and constraints are really contended.

SQLite serialises writers and ignores SELECT ... FOR UPDATE, so these prove
nothing there: they run on PostgreSQL (CI's second run, or locally with
DATABASE_URL=postgres://tandem_ci:tandem_ci@127.0.0.1:5432/tandem_ci).
"""

import datetime
import itertools
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from courses.grading import questions_from_quiz
from courses.models import Certificate, ModuleProgress, QuizAttempt
from tests.clock import TODAY
from tests.page_factories import make_course, make_module
from workspace.models import PairAction, WeeklyPlan
from workspace.plans import monday_of

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite ignores row locks and runs one writer at a time; run on PostgreSQL.",
    ),
]

CLIENTS = 16
REQUESTS = 400


def hammer(users: list, request: Callable[[Client, int], object], total: int = REQUESTS):
    """``total`` requests spread over one thread per user in ``users``, all
    released at once. Returns the responses' status codes, counted."""
    start = threading.Barrier(len(users))
    numbers = itertools.count()
    lock = threading.Lock()

    def work(user) -> list[int]:
        client = Client()
        client.force_login(user)
        statuses = []
        try:
            start.wait()
            while True:
                with lock:
                    number = next(numbers)
                if number >= total:
                    return statuses
                statuses.append(request(client, number).status_code)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        results = list(pool.map(work, users))
    return Counter(status for statuses in results for status in statuses)


def no_server_errors(statuses: Counter) -> bool:
    return all(status < 500 for status in statuses)


@pytest.fixture
def pair(district):
    district.pair.started_on = TODAY - datetime.timedelta(days=70)
    district.pair.save()
    return district.pair


# The checklist ---------------------------------------------------------------------------


@pytest.mark.parametrize("run", [1, 2, 3])
def test_400_concurrent_confirmations_of_one_action_lose_none(pair, run):
    action = PairAction.objects.create(
        pair=pair, text="Meet before the bell.", who="together", planned_for=TODAY
    )
    url = reverse("pair_action_confirm", args=[pair.pk, action.pk])
    partners = [pair.para, pair.teacher] * (CLIENTS // 2)

    statuses = hammer(partners, lambda client, n: client.post(url, {"confirmed": "1"}))

    assert statuses == {HTTPStatus.FOUND: REQUESTS}
    action.refresh_from_db()
    assert action.para_done_at is not None and action.teacher_done_at is not None
    assert action.is_done
    # "Set", not "toggle": confirming again keeps the first time.
    first = action.para_done_at
    again = Client()
    again.force_login(pair.para)
    again.post(url, {"confirmed": "1"})
    action.refresh_from_db()
    assert action.para_done_at == first


def test_confirming_many_actions_at_once_sets_every_key(pair):
    actions = PairAction.objects.bulk_create(
        PairAction(pair=pair, text=f"Action {n}", who="together", planned_for=TODAY)
        for n in range(25)
    )
    partners = [pair.para, pair.teacher] * (CLIENTS // 2)

    def confirm(client, number):
        action = actions[number % len(actions)]
        return client.post(
            reverse("pair_action_confirm", args=[pair.pk, action.pk]), {"confirmed": "1"}
        )

    statuses = hammer(partners, confirm)

    assert no_server_errors(statuses)
    assert PairAction.objects.filter(pair=pair).done().count() == len(actions)


# Completing a module ------------------------------------------------------------------


@pytest.fixture
def reading_module(db):
    """A course of one module with no quiz: reading it completes it, and the course."""
    course = make_course("Working together", modules=0, audience="paras")
    return make_module(course, title="Roles", quiz=[])


def test_400_concurrent_completions_leave_exactly_one(pair, reading_module):
    url = reading_module.url + reading_module.reverse_subpage("mark_read")

    statuses = hammer([pair.para] * CLIENTS, lambda client, n: client.post(url))

    assert statuses == {HTTPStatus.FOUND: REQUESTS}
    progress = ModuleProgress.objects.get()
    assert progress.completed_at is not None
    assert Certificate.objects.filter(user=pair.para).count() == 1


@pytest.fixture
def quiz_module(db):
    course = make_course("Working together", modules=1, audience="paras")
    return course.modules().first().specific


def quiz_form(module, token: str) -> dict:
    data = {"form_token": token, "module": str(module.pk)}
    for question in questions_from_quiz(module.quiz):
        data[question.field_name] = sorted(question.correct_ids)
    return data


def test_a_double_submitted_quiz_records_one_attempt(pair, quiz_module):
    """Each form is posted 16 times at once (a frantic double click, many tabs)."""
    url = quiz_module.url + quiz_module.reverse_subpage("quiz")
    read_url = quiz_module.url + quiz_module.reverse_subpage("mark_read")
    reader = Client()
    reader.force_login(pair.para)
    reader.post(read_url)
    forms = [uuid.uuid4().hex for _ in range(REQUESTS // CLIENTS)]

    statuses = hammer(
        [pair.para] * CLIENTS,
        lambda client, n: client.post(url, quiz_form(quiz_module, forms[n // CLIENTS])),
    )

    assert statuses == {HTTPStatus.FOUND: REQUESTS}
    attempts = QuizAttempt.objects.filter(user=pair.para, module=quiz_module)
    assert sorted(attempts.values_list("form_token", flat=True)) == sorted(forms)
    progress = ModuleProgress.objects.get(user=pair.para, module=quiz_module)
    assert progress.completed_at is not None and progress.passed_at is not None
    assert Certificate.objects.filter(user=pair.para).count() == 1


# The weekly plan ----------------------------------------------------------------------


def test_concurrent_plan_saves_never_lose_an_edit_silently(pair):
    """Every save either lands (and moves the version on by one) or is refused
    with 409 and the saved plan beside the editor's text. A save that answered
    "saved" but was overwritten unseen would show as more saves than versions."""
    week = monday_of(TODAY)
    plan = WeeklyPlan.objects.create(pair=pair, week_of=week, strategies="Start.")
    url = reverse("weekly_plan_week", args=[pair.pk, week])
    saved = []

    def edit(client, number):
        version = client.get(url).context["form"]["version"].value()
        text = f"Edit number {number}."
        response = client.post(
            url,
            {
                "students": "J.M.",
                "priority_goals": "Two-step problems.",
                "strategies": text,
                "data_collection": "Tally prompts.",
                "communication": "Before the bell.",
                "version": str(version),
            },
        )
        if response.status_code == HTTPStatus.FOUND:
            saved.append(text)
        elif response.status_code == HTTPStatus.CONFLICT:
            # The editor sees what is saved now, and keeps what they typed.
            page = response.content.decode()
            assert text in page
        return response

    statuses = hammer([pair.para, pair.teacher] * (CLIENTS // 2), edit, total=160)

    assert set(statuses) <= {HTTPStatus.FOUND, HTTPStatus.CONFLICT}
    assert statuses[HTTPStatus.FOUND] == len(saved) > 0
    plan.refresh_from_db()
    assert plan.version == 1 + len(saved)
    assert plan.strategies in saved
