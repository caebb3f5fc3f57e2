"""SQL compiled once and run for one id at a time (``config.database.CompiledQuery``)
gives what the queryset itself gives, to the right pair only, on any thread."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from config.database import ANY_ID, CompiledQuery
from tests.clock import TODAY
from tests.page_factories import make_course
from workspace.measures import measure_trends
from workspace.models import FidelityCheck, Measure, PairAction
from workspace.overview import (
    DONE_ACTIONS_SHOWN,
    OPEN_ACTIONS_SHOWN,
    checklist_actions,
    shown_actions,
)


def listed(action):
    """What the pair page reads of an action, its related rows included."""
    return (
        action.pk,
        action.pair_id,
        action.text,
        action.planned_for,
        action.latest_look_id,
        action.latest_look.pk if action.latest_look else None,
        action.module.title if action.module_id else None,
        action.measure.what if hasattr(action, "measure") else None,
        str(action.noted_by) if action.noted_by_id else None,
    )


def actions_of(pair, module, *, done: int, open_: int):
    made = []
    for n in range(done + open_):
        action = PairAction.objects.create(
            pair=pair,
            module=module if n % 2 else None,
            text=f"Pair {pair.pk}, action {n}",
            planned_for=TODAY - datetime.timedelta(days=n),
            noted_by=pair.teacher if n % 3 else None,
        )
        if n < done:
            action.para_done_at = action.teacher_done_at = datetime.datetime.now(datetime.UTC)
            action.save()
        made.append(action)
    return made


@pytest.fixture
def two_pairs(district):
    module = make_course("Compiled", modules=1).get_children().first().specific
    mine, theirs = district.pair, district.other_pair
    made = {pair: actions_of(pair, module, done=6, open_=4) for pair in (mine, theirs)}
    for pair, actions in made.items():
        Measure.objects.create(action=actions[7], kind="count", what=f"{pair.pk}", student="A.B.")
        for _ in range(2):
            FidelityCheck.objects.create(action=actions[1], observer=pair.teacher, total=1)
    return mine, theirs


@pytest.mark.django_db
def test_the_pair_pages_actions_are_what_their_queryset_gives_and_only_that_pairs(two_pairs):
    for pair in two_pairs:
        actions = checklist_actions(pair)
        expected_open = list(actions.open().order_by("planned_for", "pk")[: OPEN_ACTIONS_SHOWN + 1])
        expected_done = list(actions.done().order_by("-planned_for", "-pk")[:DONE_ACTIONS_SHOWN])
        for action in expected_open + expected_done:
            action.latest_look = FidelityCheck.objects.filter(action=action).first()

        open_actions, done_actions = shown_actions(pair)

        assert [listed(a) for a in open_actions] == [listed(a) for a in expected_open]
        assert [listed(a) for a in done_actions] == [listed(a) for a in expected_done]
        assert len(open_actions) == 4 and len(done_actions) == DONE_ACTIONS_SHOWN
        assert all(action.pair is pair for action in open_actions + done_actions)


@pytest.mark.django_db
def test_the_actions_come_with_their_related_rows(two_pairs):
    pair = two_pairs[0]
    with CaptureQueriesContext(connection) as queries:
        open_actions, done_actions = shown_actions(pair)
    assert len(queries) == 3  # each side, and the latest looks of both
    with CaptureQueriesContext(connection) as queries:
        for action in open_actions + done_actions:
            listed(action)
            action.pair.para, action.pair.teacher  # noqa: B018 - read, as the page does
    assert len(queries) == 0


@pytest.mark.django_db
def test_a_pairs_measures_are_its_own(two_pairs):
    for pair in two_pairs:
        trends = measure_trends(pair, TODAY)
        assert [trend.measure.what for trend in trends] == [str(pair.pk)]
        assert trends[0].measure.action.pair_id == pair.pk
        with CaptureQueriesContext(connection) as queries:
            trends[0].measure.action.module.title  # noqa: B018
        assert len(queries) == 0


@pytest.mark.django_db(transaction=True)
def test_sql_compiled_on_one_thread_runs_on_another(two_pairs):
    """A web server's threads share what is compiled, each with its own connection."""
    pair = two_pairs[0]
    compiled = CompiledQuery(
        PairAction.objects.filter(pair=ANY_ID).select_related("module").order_by("pk"), "default"
    )
    found = {}

    def run():
        try:
            found["actions"] = [(a.pk, a.module_id) for a in compiled.instances(pair.pk)]
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert found["actions"] == list(
        PairAction.objects.filter(pair=pair).order_by("pk").values_list("pk", "module_id")
    )


def test_a_queryset_not_built_for_any_id_is_refused():
    with pytest.raises(ValueError, match="ANY_ID"):
        CompiledQuery(PairAction.objects.filter(pair=3), "default")
