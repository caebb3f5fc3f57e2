"""A bulk re-date in a browser: tick assignments in the listing, choose the action in
Wagtail's bulk-action footer, confirm with a new date."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import Assignment
from tests.browser import scenario
from tests.browser.helpers import serious_accessibility_violations, type_date

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_school_admin_moves_two_assignments_to_a_new_date(world, signed_in):
    module = scenario.module()
    for person in (world.para, world.teacher):
        scenario.assign(module, person, by=world.school_admin)
    new_date = timezone.localdate() + datetime.timedelta(days=30)
    page = signed_in(world.school_admin).new_page()
    page.goto(reverse("assignments:index"))
    assert serious_accessibility_violations(page) == []

    rows = page.locator("table.listing tbody tr").filter(has_text=module.title)
    for person in (world.para, world.teacher):
        rows.filter(has_text=person.get_full_name()).get_by_role("checkbox").check()
    footer = page.locator("[data-bulk-action-footer]")
    expect(footer).to_be_visible()
    # "2 items selected", or "All 2 items on this screen selected" when they are all.
    expect(footer).to_contain_text(re.compile(r"\b2 items\b.*selected"))
    footer.get_by_role("link", name="Change the due date of the selected assignments").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Change due date")
    expect(page.get_by_role("main")).to_contain_text(world.para.get_full_name())
    expect(page.get_by_role("main")).to_contain_text(world.teacher.get_full_name())
    assert serious_accessibility_violations(page) == []
    due_on = page.get_by_label("New due date")
    chooser = type_date(page, due_on, new_date)
    # The chooser lies over the button: leave the field as a person would, so it closes.
    page.get_by_role("heading", level=1).click()
    expect(chooser).to_have_count(0)
    expect(due_on).to_have_value(new_date.isoformat())
    page.get_by_role("button", name="Yes, change the date").click()

    expect(page).to_have_url(f"{page.url.split('/admin/')[0]}{reverse('assignments:index')}")
    expect(page.locator(".messages")).to_contain_text(
        "2 assignments have the new due date; their people were emailed."
    )
    dates = Assignment.objects.filter(page=module).values_list("due_on", flat=True)
    assert set(dates) == {new_date}
