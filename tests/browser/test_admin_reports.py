"""A school administrator opens a person's drill-down from a report's name, and reads
the dashboard's trend charts, drawn on the server with their numbers in words."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import scenario
from tests.browser.helpers import serious_accessibility_violations
from workspace.models import CheckIn

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_name_in_the_completion_report_opens_the_persons_drill_down(world, signed_in):
    module = scenario.module()
    scenario.assign(module, world.para, by=world.school_admin)
    scenario.fail_quiz(world.para, module)
    scenario.complete_module(world.para, module)
    page = signed_in(world.school_admin).new_page()
    page.goto("/admin/reports/courses/completion/")

    page.get_by_role("link", name="Person", exact=True).click()  # sorted by name
    expect(page.locator('th[aria-sort="ascending"]')).to_have_text("Person")
    page.get_by_role("link", name=str(world.para), exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(str(world.para))
    attempts = page.locator("section", has=page.get_by_role("heading", name="Quiz attempts"))
    expect(attempts.locator("tbody tr")).to_have_count(2)
    expect(attempts).to_contain_text("Not passed")
    expect(page.get_by_role("row", name=module.title).first).to_contain_text("Complete")
    assert serious_accessibility_violations(page) == []


def test_the_dashboard_draws_each_schools_trends_with_their_words(world, signed_in):
    scenario.complete_module(world.para, scenario.module())
    CheckIn.objects.create(
        pair=world.pair,
        author=world.para,
        kind=CheckIn.Kind.PLANNING,
        happened_on=timezone.localdate() - datetime.timedelta(weeks=1),
        minutes=40,
    )
    page = signed_in(world.school_admin).new_page()
    page.goto("/admin/")

    trends = page.locator("#tandem-trends-section")
    expect(trends.get_by_role("heading", name=world.pair.school.name)).to_be_visible()
    completed = trends.locator("figure").nth(0)
    expect(completed).to_contain_text("Modules completed each week.")
    expect(completed).to_contain_text("1 module completed in the last 12 weeks")
    expect(completed.locator("svg rect")).to_have_count(12)
    planning = trends.locator("figure").nth(1)
    expect(planning).to_contain_text("40 minutes of planning in the last 12 weeks")
    planning.get_by_text("Week by week").click()
    expect(planning.get_by_role("table")).to_be_visible()
    assert serious_accessibility_violations(page) == []


def test_a_pair_in_pair_health_opens_its_drill_down(world, signed_in):
    page = signed_in(world.school_admin).new_page()
    page.goto("/admin/reports/pairs/health/")
    page.get_by_role("link", name=str(world.pair), exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(str(world.pair))
    for section in ("Health", "Try-tomorrow checklist", "Plans and check-ins", "Side by side"):
        expect(page.get_by_role("heading", name=section, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=str(world.para), exact=True)).to_be_visible()
    assert serious_accessibility_violations(page) == []
