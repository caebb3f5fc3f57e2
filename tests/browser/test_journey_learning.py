"""Journey 2: a para on a phone finds an assigned module, reads it, fails the quiz
once, passes it, and sees the module complete."""

import pytest
from playwright.sync_api import expect

from tests.browser import scenario
from tests.browser.helpers import answer_quiz, scrolls_sideways, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_para_takes_an_assigned_module_on_a_phone(world, phone_page):
    page = phone_page
    module = scenario.module()
    scenario.assign(module, world.para, by=world.school_admin)

    page.goto("/")
    page.get_by_role("link", name="Sign in").first.click()
    sign_in(page, world.login(world.para), scenario.PASSWORD)
    item = page.get_by_role("region", name="Assigned to me").get_by_role("listitem")
    expect(item).to_contain_text(module.title)
    expect(item).to_contain_text("Not started")
    item.get_by_role("link", name=f"Start: {module.title}").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(module.title)
    assert not scrolls_sideways(page)
    page.get_by_role("button", name="I've read this — continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Quiz: {module.title}")
    assert not scrolls_sideways(page)
    answer_quiz(page, scenario.quiz_answers(module, right=False))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result: 0%")
    expect(page.get_by_text("Not passed yet")).to_be_visible()
    assert not scrolls_sideways(page)

    page.get_by_role("link", name="Try again").click()
    answer_quiz(page, scenario.quiz_answers(module, right=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result: 100%")
    expect(page.get_by_role("status")).to_have_text("You completed this module.")
    expect(page.locator("main")).to_contain_text("right on attempt 2")

    page.get_by_role("link", name=module.title, exact=True).click()
    next_step = page.get_by_role("region", name="Check your understanding")
    expect(next_step).to_contain_text("Complete")
    expect(next_step).to_contain_text("You completed this module on")

    page.get_by_role("link", name="My learning").first.click()
    expect(page.get_by_role("region", name="Assigned to me")).to_contain_text(
        "Nothing is assigned to you right now."
    )
    expect(page.get_by_role("region", name="In progress")).to_contain_text(
        "1 of 9 modules complete"
    )
