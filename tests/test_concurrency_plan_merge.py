"""Two partners save the same week's plan at the same moment, from two connections:
edits to different fields both land, and an edit to the same field is asked about,
never lost. Runs on PostgreSQL (see ``tests/test_concurrency.py``)."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from tests.clock import TODAY
from workspace.models import PLAN_FIELDS, WeeklyPlan
from workspace.plans import monday_of

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite runs one writer at a time; the race is real only on PostgreSQL.",
    ),
]

MONDAY = monday_of(TODAY)
ROUNDS = 20


@pytest.fixture
def pair(district):
    district.pair.started_on = TODAY - datetime.timedelta(days=70)
    district.pair.save()
    return district.pair


def form_data(response, **edits) -> dict[str, str]:
    form = response.context["form"]
    data = {name: str(form[name].value() or "") for name in form.fields}
    return {**data, **edits}


def both_at_once(pair, para_edits: dict, teacher_edits: dict):
    """Both partners open the plan, then both save, released by one barrier."""
    url = reverse("weekly_plan_week", args=[pair.pk, MONDAY])
    start = threading.Barrier(2)

    def save(user, edits):
        client = Client()
        client.force_login(user)
        try:
            data = form_data(client.get(url), **edits)
            start.wait()
            return client.post(url, data)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        para = pool.submit(save, pair.para, para_edits)
        teacher = pool.submit(save, pair.teacher, teacher_edits)
        return para.result(), teacher.result()


def test_partners_saving_different_fields_at_once_both_land(pair):
    plan = WeeklyPlan.objects.create(pair=pair, week_of=MONDAY, strategies="Start.")
    for n in range(ROUNDS):
        para, teacher = both_at_once(
            pair, {"strategies": f"Para {n}."}, {"communication": f"Teacher {n}."}
        )
        assert (para.status_code, teacher.status_code) == (HTTPStatus.FOUND, HTTPStatus.FOUND)
        plan.refresh_from_db()
        assert (plan.strategies, plan.communication) == (f"Para {n}.", f"Teacher {n}.")
    assert plan.version == 1 + 2 * ROUNDS


def test_partners_saving_the_same_field_at_once_are_asked_never_overwritten(pair):
    plan = WeeklyPlan.objects.create(pair=pair, week_of=MONDAY, strategies="Start.")
    for n in range(ROUNDS):
        para, teacher = both_at_once(
            pair,
            {"strategies": f"Para {n}.", "students": "AB"},
            {"strategies": f"Teacher {n}.", "data_collection": f"Tally {n}."},
        )
        statuses = sorted([para.status_code, teacher.status_code])
        assert statuses == [HTTPStatus.FOUND, HTTPStatus.CONFLICT]
        winner, loser = (para, teacher) if para.status_code == HTTPStatus.FOUND else (teacher, para)
        plan.refresh_from_db()
        saved = {name: getattr(plan, name) for name in PLAN_FIELDS}
        # The loser is asked about strategies only, with the winner's other change merged in.
        form = loser.context["form"]
        assert form.conflicts == ("strategies",)
        if winner is para:
            assert saved["students"] == "AB" and form["students"].value() == "AB"
            assert form["data_collection"].value() == f"Tally {n}."
        else:
            assert saved["data_collection"] == f"Tally {n}."
            assert form["data_collection"].value() == f"Tally {n}."
            assert form["students"].value() == "AB"
        assert saved["strategies"] in (f"Para {n}.", f"Teacher {n}.")
        # Reset for the next round.
        WeeklyPlan.objects.filter(pk=plan.pk).update(
            strategies="Start.", students="", data_collection=""
        )
