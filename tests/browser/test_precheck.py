"""A para on a phone answers a module's pre-check, reads the module, takes the quiz
and sees what changed; axe finds nothing serious on the way."""

import pytest
from playwright.sync_api import expect

from courses.prechecks import items_from_precheck
from tests.browser import scenario
from tests.browser.helpers import (
    PHONE,
    answer_quiz,
    scrolls_sideways,
    serious_accessibility_violations,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def problems_on(page) -> list[str]:
    problems = serious_accessibility_violations(page)
    if scrolls_sideways(page):
        problems.append("scrolls sideways at 375px")
    return problems


def answer_precheck(page, module, right: set[int]) -> None:
    """Pick the right choice of the pre-check questions at the ``right`` indexes and a
    wrong one elsewhere, by the labels a learner reads, then save."""
    for index, item in enumerate(items_from_precheck(module.precheck)):
        question = item.question
        group = page.get_by_role("group", name=f"{index + 1}. {question.prompt}", exact=True)
        wanted = [c for c in question.choices if c.correct == (index in right)]
        for choice in wanted if question.multiple and index in right else wanted[:1]:
            group.get_by_label(choice.text, exact=True).check()
    page.get_by_role("button", name="Save my answers").click()


def test_a_para_answers_the_pre_check_takes_the_quiz_and_sees_what_changed(world, signed_in):
    module = scenario.module()
    scenario.assign(module, world.para, by=world.school_admin)
    page = signed_in(world.para, **PHONE).new_page()
    found = {}

    page.goto(module.url)
    invitation = page.get_by_role("region", name="What do you already know?")
    expect(invitation).to_be_visible()
    found["module, with the invitation"] = problems_on(page)
    invitation.get_by_role("link", name="Answer the pre-check").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("What do you already know?")
    expect(page.get_by_role("group")).to_have_count(3)
    found["pre-check"] = problems_on(page)
    answer_precheck(page, module, right={0})

    # Back on the module, which says what comes next; the invitation is gone.
    expect(page.get_by_text("after the quiz you will see what changed")).to_be_visible()
    expect(page.get_by_role("region", name="What do you already know?")).to_have_count(0)
    page.get_by_role("button", name="I've read this — continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Quiz: {module.title}")
    answer_quiz(page, scenario.quiz_answers(module, right=True))

    expect(page.get_by_role("heading", level=1)).to_have_text("Your result: 100%")
    changed = page.get_by_role("region", name="What changed since the pre-check")
    expect(changed).to_be_visible()
    expect(changed).to_contain_text("you got 1 of 3 pre-check questions right")
    expect(changed).to_contain_text("you got 3 of 3 right on the same ideas")
    expect(changed).to_contain_text("You now know 2 more of these ideas")
    found["result, what changed"] = problems_on(page)

    # Each idea links to its question's feedback on the same page.
    first_idea = changed.get_by_role("link").first
    target = first_idea.get_attribute("href")
    first_idea.click()
    expect(page.locator(target)).to_be_in_viewport()

    assert {name: problems for name, problems in found.items() if problems} == {}
