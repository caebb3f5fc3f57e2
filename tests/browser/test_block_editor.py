"""The module editor as an editor meets it: a new choice question opens with the two
choices it needs and no error before anything is typed, and the fields are labelled
in words."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser import scenario

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_new_single_choice_question_opens_with_two_empty_choices(world, signed_in):
    module = scenario.module()
    page = signed_in(world.editor).new_page()
    page.goto(reverse("wagtailadmin_pages:edit", args=[module.pk]))
    quiz = page.locator("[data-contentpath='quiz']").first
    # "Choice" and its required mark, not "Feedback for this choice".
    choices = quiz.get_by_role("textbox", name=re.compile(r"^Choice\b"))
    before = choices.count()

    quiz.get_by_role("button", name="Insert a block").first.click()
    page.get_by_role("option", name="Single choice").click()

    expect(choices).to_have_count(before + 2)
    expect(page.get_by_text("The minimum number of items is")).to_have_count(0)
    expect(quiz.get_by_text("Feedback for this choice").first).to_be_visible()
