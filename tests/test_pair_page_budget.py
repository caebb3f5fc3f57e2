"""A page of 25 hostile notes: each note rendered at most once, none on a warm load,
and the same queries whatever the notes are and however many; the pair page's
queries the same for a week of work as for a school year's.

Counted, not timed: renders of the Markdown renderer itself and database queries.
The notes are the benchmark's slow ones (``bench.slow_notes``: runs of what the
renderer finds most expensive) and the start of the hostile corpus
(``tests/hostile_inputs``: scripts, handlers, URLs, raw HTML).
"""

from __future__ import annotations

import datetime
import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.slow_notes import slow_notes
from content import markdown
from tests.clock import TODAY
from tests.markdown_renders import forget_renders
from workspace.models import (
    CheckIn,
    FidelityCheck,
    Measure,
    MeasureDay,
    PairAction,
    WeeklyPlan,
)
from workspace.plans import monday_of
from workspace.views.common import PER_PAGE

pytestmark = pytest.mark.usefixtures("no_rendered_notes")

CORPUS = Path(__file__).resolve().parent / "hostile_inputs"
UNFORMATTED = str(markdown.UNFORMATTED)


def corpus_notes(count: int) -> list[str]:
    """The first ``count`` inputs of the hostile corpus that a note can hold."""
    notes = []
    for path in sorted(CORPUS.glob("*.txt")):
        # Each file's first chunk describes it; the inputs follow, split by %%%.
        chunks = re.split(r"^%%%$", path.read_text(encoding="utf-8"), flags=re.MULTILINE)[1:]
        notes += [chunk.strip("\n") for chunk in chunks if chunk.strip() and "\x00" not in chunk]
    assert len(set(notes[:count])) == count
    return notes[:count]


NOTES = {"slow": slow_notes(), "corpus": corpus_notes(PER_PAGE)}


@pytest.fixture
def no_budget(monkeypatch):
    """Every note rendered on its first load, however slow the machine."""
    monkeypatch.setattr(markdown, "REQUEST_RENDER_BUDGET", float("inf"))


def log_notes(pair, notes: list[str]) -> None:
    CheckIn.objects.bulk_create(
        CheckIn(pair=pair, author=pair.para, happened_on=TODAY, minutes=5, note=note)
        for note in notes
    )


def load(client: Client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode(), len(queries)


def prose_blocks(page: str) -> list[str]:
    return re.findall(r'<div class="prose">.*?</div>', page, re.S)


@pytest.fixture
def para_client(district) -> Client:
    client = Client()
    client.force_login(district.para)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("source", NOTES)
def test_a_page_of_hostile_notes_renders_each_once_cold_and_none_warm(
    district, para_client, renders, no_budget, source
):
    url = reverse("check_ins", args=[district.pair.pk])
    log_notes(district.pair, NOTES[source][:1])
    para_client.get(url)
    _, one_note_queries = load(para_client, url)

    log_notes(district.pair, NOTES[source][1:])
    forget_renders()
    renders.clear()
    cold_page, cold_queries = load(para_client, url)
    assert sorted(renders) == sorted(NOTES[source])
    assert cold_page.count('<div class="prose">') == PER_PAGE

    renders.clear()
    warm_page, warm_queries = load(para_client, url)
    assert renders == []
    assert prose_blocks(warm_page) == prose_blocks(cold_page)
    assert one_note_queries == cold_queries == warm_queries


@pytest.mark.django_db
def test_past_the_budget_each_render_is_shown_and_the_rest_wait_outside_the_prose(
    district, para_client, renders, monkeypatch
):
    """Cold, a page renders what its budget allows (never more than its 25 notes)
    and shows each of those formatted; the others are escaped text, each followed,
    outside its ``.prose`` block, by the line saying so."""
    monkeypatch.setattr(markdown, "REQUEST_RENDER_BUDGET", 0.01)
    log_notes(district.pair, NOTES["slow"])
    url = reverse("check_ins", args=[district.pair.pk])

    page, _ = load(para_client, url)
    assert 1 <= len(renders) <= PER_PAGE
    assert len(set(renders)) == len(renders)
    blocks = re.findall(r'<div class="prose">.*?</div>(<p class="muted">[^<]*</p>)?', page, re.S)
    assert len(blocks) == PER_PAGE
    assert sum(1 for notice in blocks if notice) == PER_PAGE - len(renders)
    for block in re.findall(r'<div class="prose">(.*?)</div>', page, re.S):
        assert UNFORMATTED not in block


@pytest.mark.django_db
def test_notes_another_process_rendered_cost_one_query_for_the_page(
    district, para_client, renders, no_budget
):
    """With the database cache production uses, a page whose notes another process
    rendered reads them in one query, not one a note; read again, in none."""
    table = "test_pair_page_budget_cache"
    database_cache = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": table}
    with override_settings(CACHES={"default": database_cache}):
        call_command("createcachetable", verbosity=0)
        log_notes(district.pair, NOTES["slow"])
        url = reverse("check_ins", args=[district.pair.pk])
        para_client.get(url)
        assert len(renders) == PER_PAGE

        markdown.recent.clear()  # as another process finds them
        with CaptureQueriesContext(connection) as queries:
            assert para_client.get(url).status_code == HTTPStatus.OK
        cache_reads = [query for query in queries if table in query["sql"]]
        assert len(cache_reads) == 1
        with CaptureQueriesContext(connection) as queries:
            para_client.get(url)
        assert not [query for query in queries if table in query["sql"]]
        assert len(renders) == PER_PAGE


@pytest.mark.django_db
def test_the_pair_page_renders_its_notes_once_and_none_warm(
    district, para_client, renders, no_budget
):
    pair = district.pair
    notes = NOTES["corpus"]
    PairAction.objects.bulk_create(
        PairAction(pair=pair, text=f"Action {n}", planned_for=TODAY, records_data=True, note=note)
        for n, note in enumerate(notes[:5])
    )
    WeeklyPlan.objects.create(
        pair=pair,
        week_of=monday_of(TODAY),
        priority_goals=notes[5],
        strategies=notes[6],
        data_collection=notes[7],
        communication=notes[8],
    )
    log_notes(pair, notes[9:14])
    url = reverse("pair_detail", args=[pair.pk])

    cold_page, cold_queries = load(para_client, url)
    assert sorted(renders) == sorted(notes[:14])
    renders.clear()
    warm_page, warm_queries = load(para_client, url)
    assert renders == []
    assert warm_queries == cold_queries
    assert len(prose_blocks(cold_page)) >= 14
    assert prose_blocks(warm_page) == prose_blocks(cold_page)


def weeks_of_work(pair, weeks: int, weeks_ago: int = 0) -> None:
    """What a pair does in ``weeks`` school weeks, ending ``weeks_ago``: three actions,
    each with a measure kept every school day and the teacher's look every week,
    two check-ins and a plan a week, and feedback-worthy notes on the actions."""
    end = TODAY - datetime.timedelta(weeks=weeks_ago)
    days = [end - datetime.timedelta(days=n) for n in range(weeks * 7)]
    school_days = [day for day in days if day.weekday() < 5]
    actions = PairAction.objects.bulk_create(
        PairAction(
            pair=pair,
            text=f"Strategy {n}: offer the break card before the transition.",
            planned_for=end - datetime.timedelta(days=n),
            records_data=True,
            note=f"Went **well** on day {n}.",
            look_fors=["Cue first.", "Wait five seconds.", "Praise the try."],
        )
        for n in range(3)
    )
    measures = Measure.objects.bulk_create(
        Measure(action=action, kind=Measure.Kind.COUNT, what="used the break card", student="J.M.")
        for action in actions
    )
    MeasureDay.objects.bulk_create(
        MeasureDay(measure=measure, day=day, value=n % 6, recorded_by=pair.para)
        for n, measure in enumerate(measures)
        for day in school_days
    )
    FidelityCheck.objects.bulk_create(
        FidelityCheck(
            action=action,
            observer=pair.teacher,
            seen=[0, 2],
            total=3,
            feedback="Calm cue.",
            at=timezone.now() - datetime.timedelta(weeks=weeks_ago + week),
        )
        for action in actions
        for week in range(weeks)
    )
    CheckIn.objects.bulk_create(
        CheckIn(
            pair=pair,
            author=pair.para,
            kind=CheckIn.Kind.PLANNING if day.weekday() == 0 else CheckIn.Kind.CHECK_IN,
            happened_on=day,
            minutes=20 if day.weekday() == 0 else 5,
            note=f"Agreed on the cue ({day:%b %d}).",
        )
        for day in school_days
        if day.weekday() in (0, 3)
    )
    WeeklyPlan.objects.bulk_create(
        WeeklyPlan(
            pair=pair,
            week_of=monday_of(end) - datetime.timedelta(weeks=week),
            priority_goals="J.M. asks for a break.",
            strategies="Break card.",
        )
        for week in range(weeks)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["para", "teacher", "school_admin"])
def test_the_pair_page_costs_the_same_queries_for_a_week_as_for_a_year(district, reader, no_budget):
    """Counted for the pair's page with one week of work, then with a school year's."""
    pair = district.pair
    client = Client()
    client.force_login(getattr(district, reader))
    url = reverse("pair_detail", args=[pair.pk])

    counts = []
    for weeks, weeks_ago in ((1, 0), (39, 1)):
        weeks_of_work(pair, weeks=weeks, weeks_ago=weeks_ago)
        client.get(url)  # notes rendered and cached, as in a running site
        page, queries = load(client, url)
        assert "Strategy 2" in page and "Calm cue." in page
        counts.append(queries)
    assert counts[0] == counts[1]
