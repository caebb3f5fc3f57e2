"""Rendered notes are cached, and no page waits long on notes written to be slow.

A note is rendered once per text and renderer (the cache key is the renderer's
version and a hash of the text); a request that meets many slow notes uncached
renders them for ``REQUEST_RENDER_BUDGET`` seconds and shows the rest as escaped
plain text until a later load has rendered them too.
"""

import html
import statistics
import time
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.slow_notes import slow_notes
from content import markdown
from content.markdown import cache_key, render_markdown
from tests.clock import TODAY
from tests.factories import signed_in
from tests.markdown_renders import forget_renders
from workspace.models import CheckIn

pytestmark = pytest.mark.usefixtures("no_rendered_notes")

PLAIN_LINE = str(markdown.UNFORMATTED)
# The product's requirement for the check-ins page, and the page's own.
PAGE_SECONDS = 0.5


# The cache ----------------------------------------------------------------------------


def test_the_same_text_is_rendered_once(renders):
    note = "We tried the **visual timer**; see [the plan](https://example.org/plan)."
    first = render_markdown(note)
    assert render_markdown(note) == first
    assert render_markdown(str(note)) == first
    assert renders == [note]
    assert "<strong>visual timer</strong>" in first


def test_a_changed_note_renders_anew(renders):
    before, after = "Met on **Tuesday**.", "Met on **Wednesday**."
    assert cache_key(before) != cache_key(after)
    assert "Tuesday" in render_markdown(before)
    assert "Wednesday" in render_markdown(after)
    assert renders == [before, after]


def test_a_new_renderer_renders_every_note_anew(renders, monkeypatch):
    note = "Check in **Friday**."
    key = cache_key(note)
    render_markdown(note)
    monkeypatch.setattr(markdown, "RENDERER_VERSION", markdown.RENDERER_VERSION + "-next")
    assert cache_key(note) != key
    render_markdown(note)
    assert renders == [note, note]


def test_hostile_notes_come_from_the_cache_as_inert_as_they_went_in():
    note = "<script>alert(1)</script> [x](javascript:alert(1)) **kept**"
    rendered = render_markdown(note)
    assert cache.get(cache_key(note)) == rendered
    assert render_markdown(note) == rendered
    assert "<script" not in rendered and "javascript:" not in rendered
    assert "<strong>kept</strong>" in rendered


def test_notes_rendered_outside_a_request_have_no_budget(renders, monkeypatch):
    """Commands and emails render everything: the budget belongs to a request."""
    monkeypatch.setattr(markdown, "REQUEST_RENDER_BUDGET", 1e-9)
    notes = [f"Note {number}: **done**" for number in range(3)]
    assert all("<strong>done</strong>" in render_markdown(note) for note in notes)
    assert renders == notes


# Pages --------------------------------------------------------------------------------


def log_check_ins(client: Client, pair, notes: list[str]) -> None:
    """Each note posted through the check-in form, as a person would."""
    for note in notes:
        response = client.post(
            reverse("check_in_new", args=[pair.pk]),
            {"kind": "check_in", "happened_on": TODAY.isoformat(), "minutes": "5", "note": note},
        )
        assert response.status_code == HTTPStatus.FOUND, note[:20]
    assert CheckIn.objects.filter(pair=pair).count() == len(notes)


def timed_get(client: Client, url: str) -> tuple[float, str]:
    started = time.perf_counter()
    response = client.get(url)
    seconds = time.perf_counter() - started
    assert response.status_code == HTTPStatus.OK
    return seconds, response.content.decode()


def median_seconds(client: Client, url: str, before=lambda: None) -> float:
    """The middle of three loads: one load slowed by another process on a shared
    machine does not decide it, two would."""
    seconds = []
    for _ in range(3):
        before()
        seconds.append(timed_get(client, url)[0])
    return statistics.median(seconds)


@pytest.mark.django_db
def test_a_page_of_slow_notes_opens_within_half_a_second_cold_and_warm(district):
    """The requirement: the check-ins page opens in under 0.5 s however its 25 notes
    were written. A wall-clock bound is acceptable here because the time is the
    product's requirement itself; the page takes about 0.1 to 0.25 s cold and a
    few hundredths warm (before the cache and the budget, 3 to 8 s), so the bound
    has a wide margin for a slow or busy machine."""
    client = signed_in(district.para)
    log_check_ins(client, district.pair, slow_notes())
    url = reverse("check_ins", args=[district.pair.pk])
    client.get(url)  # the page's templates compiled, as in a running site

    cold = median_seconds(client, url, before=forget_renders)
    assert cold < PAGE_SECONDS, f"cold: {cold:.2f} s"
    for _ in range(25):  # each load renders what the budget allows, until all are
        page = client.get(url).content.decode()
        if PLAIN_LINE not in page:
            break
    assert page.count('<div class="prose">') == 25
    assert PLAIN_LINE not in page, "a later load shows every note formatted"
    warm = median_seconds(client, url)
    assert warm < PAGE_SECONDS, f"warm: {warm:.2f} s"


@pytest.mark.django_db
def test_past_the_budget_notes_show_escaped_and_a_later_load_formats_them(
    district, monkeypatch, renders
):
    # A budget any render exceeds: each load renders one new note, then stops.
    monkeypatch.setattr(markdown, "REQUEST_RENDER_BUDGET", 1e-9)
    notes = [
        f"**Note {n}** <script>alert({n})</script> [x](javascript:alert({n}))" for n in range(3)
    ]
    client = signed_in(district.teacher)
    log_check_ins(client, district.pair, notes)
    url = reverse("check_ins", args=[district.pair.pk])

    for load in range(1, 4):
        page = client.get(url).content.decode()
        assert page.count("<strong>Note") == load
        assert page.count(PLAIN_LINE) == 3 - load
        assert "<script>alert" not in page and 'href="javascript:' not in page
    assert len(renders) == 3
    client.get(url)
    assert len(renders) == 3


@pytest.mark.django_db
def test_a_note_past_the_budget_is_escaped_text_with_its_line_breaks(district, monkeypatch):
    monkeypatch.setattr(markdown, "REQUEST_RENDER_BUDGET", 0)
    note = "First line <b>bold?</b>\nsecond line & more"
    client = signed_in(district.para)
    log_check_ins(client, district.pair, [note])
    page = client.get(reverse("check_ins", args=[district.pair.pk])).content.decode()
    # The line saying so follows the note's block: the block holds only the note.
    assert (
        '<div class="prose"><p>First line &lt;b&gt;bold?&lt;/b&gt;<br>second line &amp; more</p>'
        f'</div><p class="muted">{html.escape(PLAIN_LINE)}</p>'
    ) in page


@pytest.mark.django_db
def test_a_pages_notes_are_rendered_once_across_loads_and_readers(district, renders):
    notes = [f"Planned **step {n}** together." for n in range(4)]
    log_check_ins(signed_in(district.para), district.pair, notes)
    url = reverse("check_ins", args=[district.pair.pk])
    for reader in (district.para, district.teacher, district.school_admin):
        assert "<strong>step 3</strong>" in signed_in(reader).get(url).content.decode()
    assert sorted(renders) == sorted(notes)


@pytest.mark.django_db
def test_the_database_cache_production_uses_keeps_rendered_notes(district, renders):
    table = "test_markdown_cache"
    database_cache = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": table}
    with override_settings(CACHES={"default": database_cache}):
        call_command("createcachetable", verbosity=0)
        notes = [f"Agreed on **routine {n}**." for n in range(3)]
        client = signed_in(district.para)
        log_check_ins(client, district.pair, notes)
        url = reverse("check_ins", args=[district.pair.pk])
        assert "<strong>routine 2</strong>" in client.get(url).content.decode()
        assert cache.get(cache_key(notes[0])) == render_markdown(notes[0])

        # Read again by this process: no query for the notes.
        with CaptureQueriesContext(connection) as queries:
            assert "<strong>routine 2</strong>" in client.get(url).content.decode()
        assert not [query for query in queries if table in query["sql"]]

        # By another process: from the database, not rendered again.
        markdown.recent.clear()
        assert "<strong>routine 2</strong>" in client.get(url).content.decode()
        assert sorted(renders) == sorted(notes)


def test_the_notes_kept_in_memory_are_bounded_and_the_least_recent_go_first():
    recent = markdown.RecentRenders(max_chars=10)
    recent.put("a", "1234")
    recent.put("b", "1234")
    assert recent.get("a") == "1234"  # now more recent than b
    recent.put("c", "1234")
    assert (recent.get("a"), recent.get("b"), recent.get("c")) == ("1234", None, "1234")
    assert recent.chars == 8
    recent.put("a", "123456")
    assert recent.chars == 10
    recent.put("d", "12345678901")  # larger than the whole: kept by nobody
    assert recent.chars == 0 and recent.get("d") is None
