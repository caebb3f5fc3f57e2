"""A school administrator finds a person on the Personal data page, reads what is
held about them in words, and erases them by choosing them from the page."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.browser.helpers import serious_accessibility_violations
from workspace.access_log import Action, Part, record_access_by

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_erasure_is_confirmed_by_choosing_the_person_shown_by_name_and_email(world, signed_in):
    para = world.para
    page = signed_in(world.school_admin).new_page()
    page.goto("/admin/privacy/")
    page.get_by_label("Name, email address or username").fill(para.last_name)
    page.locator("#main").get_by_role("button", name="Search").click()
    page.get_by_role("link", name=str(para), exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Data held about {para}")
    expect(page.get_by_role("heading", name="Account", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Pairs", exact=True)).to_be_visible()
    assert serious_accessibility_violations(page) == []

    page.get_by_role("link", name="Erase this person").click()
    expect(page.locator("main dl")).to_contain_text(para.email)
    assert serious_accessibility_violations(page) == []
    # Not choosing is refused, with the reason, and erases nothing.
    page.get_by_role("button", name="Erase this person").click()
    expect(page.get_by_text("Choose the person to erase.")).to_be_visible()
    assert get_user_model().objects.filter(pk=para.pk).exists()

    page.get_by_role("radio", name=f"{para} ({para.email})").check()
    page.get_by_role("button", name="Erase this person").click()
    expect(page.locator(".messages")).to_contain_text("The person is erased.")
    assert not get_user_model().objects.filter(pk=para.pk).exists()


def test_the_record_of_access_filtered_by_pair_passes_axe(world, signed_in):
    district_admin = get_user_model().objects.get(username="district.admin")
    record_access_by(world.school_admin, world.pair, Part.PLAN, Action.VIEWED)
    page = signed_in(district_admin).new_page()
    page.goto(f"/admin/privacy/pairs/?pair={world.pair.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record of access")
    rows = page.locator("table.listing tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(str(world.school_admin))
    assert serious_accessibility_violations(page) == []
