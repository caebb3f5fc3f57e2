"""A list typed straight under a line of text is a list, as people expect; code
blocks and ordinary lines are left alone, and the renderer's cache follows."""

import pytest
from django.test import Client
from django.urls import reverse

from content.markdown import RENDERER_VERSION, cache_key, render_markdown, separate_lists
from tests.clock import TODAY
from workspace.models import PairAction


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("Try these:\n- a timer\n- a first-then board", ["a timer", "a first-then board"]),
        ("Steps\n1. cue\n2. wait", ["cue", "wait"]),
        ("Plan:\r\n* visual\r\n* break card", ["visual", "break card"]),
        ("Before\n\n- already apart", ["already apart"]),
    ],
)
def test_a_list_under_a_line_renders_as_a_list(text, items):
    html = str(render_markdown(text))
    assert html.count("<li>") == len(items)
    for item in items:
        assert f"<li>{item}</li>" in html
    assert "<p>- " not in html and "<br />\n-" not in html and "<br>\n-" not in html


def test_the_line_above_stays_a_paragraph():
    html = str(render_markdown("Try these:\n- a timer"))
    assert html.startswith("<p>Try these:</p>")


@pytest.mark.parametrize(
    "text",
    [
        "A range: 3-5 prompts\nthen a break.",  # no space after the dash at a line start
        "```\nlist:\n- not a list in code\n```",
        "Minus -5 is not a list",
    ],
)
def test_what_is_not_a_list_under_a_line_is_left_as_written(text):
    if text.startswith("```"):
        assert separate_lists(text) == text
    else:
        assert "<li>" not in str(render_markdown(text))


def test_the_cache_key_names_the_renderer_that_made_it():
    assert cache_key("x").startswith(f"markdown:{RENDERER_VERSION}:")
    assert RENDERER_VERSION.startswith("3:")


# In the workspace: "formatting help", never "Markdown"; a note says who wrote it, when.


@pytest.mark.django_db
def test_note_forms_offer_formatting_help_and_never_say_markdown(district):
    pair = district.pair
    action = PairAction.objects.create(
        pair=pair, text="Tally.", planned_for=TODAY, records_data=True
    )
    client = Client()
    client.force_login(pair.para)
    for url in (
        reverse("pair_action_record", args=[pair.pk, action.pk]),
        reverse("check_in_new", args=[pair.pk]),
        reverse("weekly_plan", args=[pair.pk]),
    ):
        page = client.get(url).content.decode()
        assert "Formatting help" in page
        assert "markdown" not in page.lower().replace("markdown_tags", "")

    client.post(
        reverse("pair_action_record", args=[pair.pk, action.pk]),
        {"note": "Used it:\n- twice before lunch", "outcome": "helped"},
    )
    page = client.get(reverse("pair_detail", args=[pair.pk])).content.decode()
    assert "<li>twice before lunch</li>" in page
    assert f"Written by {pair.para.get_full_name()} on" in page
    assert "Wednesday, November 18 at 10 a.m." in page
