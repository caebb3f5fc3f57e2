"""The pair loop, in two browsers: a para on a 375 px phone and her teacher on a
laptop. The para does her part and the teacher's header count goes up; the teacher
confirms with the look-fors she saw and one line of feedback, which the para then
sees; both record the day's measure and the chart shows it; a stale plan save
merges the field only one of them changed and asks only about the one both did.
axe finds nothing serious or critical on any of the new page states, at either size."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import LAPTOP, PHONE, scrolls_sideways, serious_accessibility_violations
from tests.clock import TODAY
from workspace.models import PairAction

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LOOK_FORS = ["Show the card before the transition.", "Wait five seconds.", "Praise the try."]
TEXT = "Offer the break card before reading groups."


def no_serious_violations(page, state: str) -> None:
    found = serious_accessibility_violations(page)
    assert found == [], f"{state}: {found}"


def header_count(page):
    return page.locator("a.waiting-count")


def test_the_pair_loop_on_a_phone_and_a_laptop(district, signed_in):
    pair = district.pair
    pair.started_on = TODAY - datetime.timedelta(days=70)
    pair.save()
    action = PairAction.objects.create(pair=pair, text=TEXT, planned_for=TODAY, look_fors=LOOK_FORS)
    para = signed_in(pair.para, **PHONE).new_page()
    teacher = signed_in(pair.teacher, **LAPTOP).new_page()
    pair_url = f"/pairs/{pair.pk}/"
    para.goto(pair_url)
    teacher.goto(pair_url)
    expect(header_count(teacher)).to_have_attribute("aria-label", "Nothing waits for you")

    # On the phone the checklist comes first, before the courses.
    assert (
        para.locator("#checklist").bounding_box()["y"]
        < para.locator("#courses").bounding_box()["y"]
    )
    assert not scrolls_sideways(para)

    # The para does her part; the teacher's count goes up.
    item = para.locator(f"#action-{action.pk}")
    item.get_by_role("button", name="I did my part").click()
    expect(para.get_by_role("status")).to_contain_text("Your part is marked as done.")
    teacher.reload()
    expect(header_count(teacher)).to_have_attribute("aria-label", "1 thing waits for you")
    no_serious_violations(teacher, "pair page, laptop, a thing waiting")

    # She confirms with the look-fors she saw and a line of feedback.
    teacher.locator(f"#action-{action.pk}").get_by_role(
        "link", name="Confirm with what you saw"
    ).click()
    no_serious_violations(teacher, "coach form, laptop")
    teacher.get_by_label(LOOK_FORS[0]).check()
    teacher.get_by_label(LOOK_FORS[2]).check()
    teacher.get_by_label("One line of feedback (optional)").fill("Calm cue, and you waited.")
    teacher.get_by_role("button", name="Confirm", exact=True).click()
    expect(teacher.get_by_role("status")).to_contain_text("Your feedback is with the para.")
    expect(header_count(teacher)).to_have_attribute("aria-label", "Nothing waits for you")

    # The para sees it waiting, opens it, and reads the feedback on the action.
    para.reload()
    expect(header_count(para)).to_have_attribute("aria-label", "1 thing waits for you")
    waiting = para.get_by_role("region", name="What waits for you")
    no_serious_violations(para, "pair page, phone, feedback waiting")
    waiting.get_by_role(
        "link", name=f"{pair.teacher.get_full_name()} left you feedback on an action."
    ).click()
    feedback = para.locator(f"#feedback-{action.pk}")
    expect(feedback).to_contain_text("Calm cue, and you waited.")
    expect(feedback).to_contain_text("saw 2 of 3 look-fors")
    expect(header_count(para)).to_have_attribute("aria-label", "Nothing waits for you")

    # The para keeps a measure; both record today's; the chart's numbers show it.
    para.locator(f"#action-{action.pk}").get_by_role("link", name="Keep a measure on it").click()
    para.get_by_label("How many times, each day").check()
    para.get_by_label("What you count").fill("used the break card")
    para.get_by_label("Student (initials)").fill("J.M.")
    no_serious_violations(para, "measure form, phone")
    para.get_by_role("button", name="Keep this measure").click()
    measure = para.locator(".measure").first
    measure.get_by_role("button", name="One more today").click()
    measure = para.locator(".measure").first
    measure.get_by_role("button", name="One more today").click()
    expect(para.locator(".measure").first).to_contain_text("2 times today")
    teacher.goto(pair_url)
    teacher.locator(".measure").first.get_by_role("button", name="One more today").click()
    expect(teacher.locator(".measure").first).to_contain_text("3 times today")
    teacher.reload()  # the script updated the count in place; the chart is drawn on load
    chart = teacher.locator("#data figure.chart").first
    expect(chart.locator("svg polyline")).to_have_count(1)
    chart.get_by_text("J.M.: used the break card: the numbers").click()
    expect(chart.locator("tbody tr").last).to_contain_text("3")
    no_serious_violations(teacher, "pair page with data, laptop")
    para.reload()
    assert not scrolls_sideways(para)
    no_serious_violations(para, "pair page with data, phone")

    # A stale plan save: each changed one field of their own and one shared field.
    plan_url = f"/pairs/{pair.pk}/plan/"
    para.goto(plan_url)
    teacher.goto(plan_url)
    teacher.get_by_label("Communication method and frequency").fill("A note home on Fridays.")
    teacher.get_by_label("Strategies and accommodations").fill("Token board.")
    teacher.get_by_role("button", name="Save the plan").click()
    expect(teacher.get_by_role("status")).to_have_text("The plan for this week is saved.")
    para.get_by_label("Students supported").fill("J.M.")
    para.get_by_label("Strategies and accommodations").fill("Timer and break card.")
    para.get_by_role("button", name="Save the plan").click()
    expect(para.get_by_role("alert")).to_contain_text("Your changes were not saved yet.")
    expect(para.locator(".field--conflict")).to_have_count(1)
    expect(para.locator(".field--conflict")).to_contain_text("Token board.")
    expect(para.get_by_label("Communication method and frequency")).to_have_value(
        "A note home on Fridays."
    )
    assert not scrolls_sideways(para)
    no_serious_violations(para, "plan conflict, phone")
    para.get_by_label("My partner's, as saved").check()
    para.get_by_role("button", name="Save the plan with my choices").click()
    expect(para.get_by_role("status")).to_have_text("The plan for this week is saved.")
    expect(para.get_by_label("Strategies and accommodations")).to_have_value("Token board.")
    expect(para.get_by_label("Students supported")).to_have_value("J.M.")

    # The teacher hears of the plan change, on My pairs, on her laptop.
    teacher.goto("/pairs/")
    expect(header_count(teacher)).to_have_attribute("aria-label", "1 thing waits for you")
    no_serious_violations(teacher, "My pairs with a thing waiting, laptop")
