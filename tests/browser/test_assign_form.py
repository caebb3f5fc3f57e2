"""The Assign form in a browser: Wagtail's date chooser opens, people are found by
typing, and only the chosen "Assign to" section shows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import Assignment
from tests.browser import scenario
from tests.browser.helpers import LAPTOP, serious_accessibility_violations, type_date

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def section(page, legend: str):
    return page.locator("fieldset").filter(has=page.locator("legend", has_text=legend))


def test_school_admin_picks_a_date_and_finds_a_person_by_typing(world, signed_in):
    module = scenario.module()
    page = signed_in(world.school_admin).new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(reverse("assignments:add"))

    # Only the chosen section shows; choosing another swaps them.
    people, pair = section(page, "The people chosen below"), section(page, "Both partners")
    expect(people).to_be_visible()
    expect(pair).to_be_hidden()
    page.get_by_role("radio", name="Both partners of a pair").check()
    expect(pair).to_be_visible()
    expect(people).to_be_hidden()
    page.get_by_role("radio", name="The people chosen below").check()
    expect(people).to_be_visible()

    # A day early in a month well ahead, so that the day after is in the same month.
    month_ahead = timezone.localdate().replace(day=1) + datetime.timedelta(days=40)
    typed, picked = month_ahead, month_ahead + datetime.timedelta(days=1)
    page.get_by_label("Course or module").select_option(label=module.title)
    due_on = page.get_by_label("Due on")
    chooser = type_date(page, due_on, typed)
    chooser.locator(
        f'td[data-date="{picked.day}"][data-month="{picked.month - 1}"][data-year="{picked.year}"]'
    ).click()
    expect(due_on).to_have_value(picked.isoformat())

    finder = page.get_by_label("Find people")
    finder.fill("price para")
    expect(page.locator("#people-filter-status")).to_contain_text("1 of")
    person = world.para
    choice = people.get_by_role("checkbox", name=person.get_full_name())
    expect(choice).to_be_visible()
    expect(people.get_by_role("checkbox", name=world.teacher.get_full_name())).to_be_hidden()
    expect(choice.locator("xpath=..")).to_contain_text("Para")
    expect(choice.locator("xpath=..")).to_contain_text(world.pair.school.name)
    choice.check()
    assert serious_accessibility_violations(page) == []

    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(
        f"“{module.title}” was assigned to 1 person, who was emailed."
    )
    assignment = Assignment.objects.get(page=module, user=person)
    assert assignment.due_on == picked
    assert errors == []


def test_without_javascript_every_section_shows_and_the_list_is_whole(world, signed_in):
    page = signed_in(world.school_admin, java_script_enabled=False, **LAPTOP).new_page()
    page.goto(reverse("assignments:add"))
    for legend in ("The people chosen below", "Both partners", "Every para"):
        expect(section(page, legend)).to_be_visible()
    expect(page.get_by_label("Find people")).to_be_hidden()
    expect(page.get_by_role("checkbox", name=world.teacher.get_full_name())).to_be_visible()
    expect(page.get_by_role("checkbox", name=world.para.get_full_name())).to_be_visible()
