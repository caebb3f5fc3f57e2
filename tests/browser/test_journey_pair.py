"""Journey 3: the teacher and the para, each in their own browser, put a module's
try-tomorrow actions on their checklist, each confirm their part, and both see
the action done; the para writes this week's plan and the teacher reads it."""

import pytest
from playwright.sync_api import expect

from tests.browser import scenario
from tests.browser.helpers import checklist_item, scrolls_sideways, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ADD = "Add these actions to our checklist"
PLAN = {
    "Students supported": "J.M., K.T.",
    "Priority goals this week": "Reading fluency: read a short passage aloud with fewer prompts.",
    "Strategies and accommodations": "Visual schedule at each transition; first-then cards.",
    "Data collection plan": "Tally break-card use during reading, every day.",
    "Communication method and frequency": "A five-minute check-in before the first bell.",
}


def test_partners_confirm_an_action_together_and_share_the_weekly_plan(
    world, phone_page, new_context
):
    module = scenario.module()
    together = scenario.together_action_text(module)
    para = phone_page
    teacher = new_context().new_page()
    sign_in(para, world.login(world.para), scenario.PASSWORD)
    sign_in(teacher, world.login(world.teacher), scenario.PASSWORD)

    # Each adds the module's actions from the module page; the second adds nothing twice.
    # Ana Torres works with two paras, so her page offers one button for each pair.
    para.goto(module.url)
    para.get_by_role("button", name=ADD).click()
    expect(para.get_by_role("status")).to_contain_text(
        f"Added {len(module.actions)} actions from “{module.title}” to your checklist"
    )
    assert not scrolls_sideways(para)
    teacher.goto(module.url)
    para_name = world.para.get_full_name()
    expect(teacher.get_by_text(f"Already on the checklist with {para_name}")).to_be_visible()
    teacher.get_by_role("button", name=f"Add to the checklist with {para_name}").click()
    expect(teacher.get_by_role("status")).to_have_text(
        "This module's actions are already on your checklist."
    )

    # The para confirms first, from the pair page reached through My learning.
    para.get_by_role("link", name="My learning").first.click()
    para.get_by_role("region", name="My pairs").get_by_role("link").click()
    expect(para.get_by_role("heading", level=1)).to_contain_text(world.teacher.get_full_name())
    assert not scrolls_sideways(para)
    action = checklist_item(para, together)
    action.get_by_role("button", name="I did my part").click()
    expect(para.get_by_role("status")).to_have_text("Thank you. Your part is marked as done.")
    expect(checklist_item(para, together)).to_contain_text("Planned")

    # The teacher sees the para's key turned, turns theirs, and the action is done.
    teacher.get_by_role("link", name="see it").click()
    action = checklist_item(teacher, together)
    expect(action).to_contain_text(f"Para ({para_name}): did their part")
    action.get_by_role("button", name="I did my part").click()
    expect(teacher.get_by_role("status")).to_have_text(
        "Thank you. This action is done for the pair."
    )
    checklist = teacher.get_by_role("region", name="Try-tomorrow checklist")
    expect(checklist.get_by_role("heading", name="Done lately")).to_be_visible()
    expect(checklist_item(teacher, together).get_by_text("Done", exact=True)).to_be_visible()

    para.reload()
    expect(checklist_item(para, together).get_by_text("Done", exact=True)).to_be_visible()

    # The para writes this week's plan; the teacher reads it on the pair page.
    para.get_by_role("link", name="Write this week's plan").click()
    for label, text in PLAN.items():
        para.get_by_label(label).fill(text)
    assert not scrolls_sideways(para)
    para.get_by_role("button", name="Save the plan").click()
    expect(para.get_by_role("status")).to_have_text("The plan for this week is saved.")

    teacher.reload()
    plan = teacher.get_by_role("region", name="This week's plan")
    for label, text in PLAN.items():
        expect(plan).to_contain_text(label)
        expect(plan).to_contain_text(text)
    expect(plan.get_by_role("link", name="Change this week's plan")).to_be_visible()
