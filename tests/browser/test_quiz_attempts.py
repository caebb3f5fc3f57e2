"""A para on a phone takes a quiz twice: each attempt shows the choices in its own
order, each result shows, and My attempts lists both."""

import pytest
from playwright.sync_api import expect

from tests.browser import scenario
from tests.browser.helpers import (
    PHONE,
    answer_quiz,
    scrolls_sideways,
    serious_accessibility_violations,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def shown_order(page) -> list[list[str]]:
    """Every question's choices, in the order this attempt's form shows them."""
    return page.locator("fieldset.quiz-question").evaluate_all(
        "sets => sets.map(set => [...set.querySelectorAll('label')].map(l => l.textContent.trim()))"
    )


def problems_on(page) -> list[str]:
    problems = serious_accessibility_violations(page)
    if scrolls_sideways(page):
        problems.append("scrolls sideways at 375px")
    return problems


def test_each_attempt_has_its_own_order_and_my_attempts_lists_both(world, signed_in):
    module = scenario.module()
    scenario.assign(module, world.para, by=world.school_admin)
    page = signed_in(world.para, **PHONE).new_page()
    found = {}

    page.goto(module.url)
    page.get_by_role("button", name="I've read this — continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Quiz: {module.title}")
    first_order = shown_order(page)
    page.reload()
    assert shown_order(page) == first_order  # a reload is the same form
    found["quiz"] = problems_on(page)
    answer_quiz(page, scenario.quiz_answers(module, right=False))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result: 0%")
    expect(page.get_by_text("You missed this").first).to_be_visible()
    found["result, not passed"] = problems_on(page)

    page.get_by_role("link", name="Try again").click()
    # Read the new form only once it has loaded: read at once, the page may still be
    # the result, which has no choices.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Quiz: {module.title}")
    expect(page.locator("fieldset.quiz-question")).to_have_count(len(first_order))
    second_order = shown_order(page)
    assert sorted(map(sorted, second_order)) == sorted(map(sorted, first_order))
    assert second_order != first_order  # the same choices, in another order
    answer_quiz(page, scenario.quiz_answers(module, right=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result: 100%")
    found["result, passed"] = problems_on(page)

    page.get_by_role("link", name="My attempts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"My attempts: {module.title}")
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("100%")
    expect(rows.nth(0)).to_contain_text("Passed")
    expect(rows.nth(1)).to_contain_text("0%")
    expect(rows.nth(1)).to_contain_text("Not passed")
    found["my attempts"] = problems_on(page)

    page.get_by_role("link", name="See result of attempt 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result: 0%")

    page.goto(module.url)
    page.get_by_role("link", name="My attempts at the quiz (2)").click()
    expect(rows).to_have_count(2)

    assert {name: problems for name, problems in found.items() if problems} == {}
