"""A district administrator imports the district's roster in the admin: the dry run,
then the import, then confirms a suggested pair."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from pairs.models import Pair
from tests.browser.helpers import serious_accessibility_violations
from tests.rosters import bundle

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_district_admin_runs_the_dry_run_then_imports_the_roster(world, signed_in, tmp_path):
    roster = tmp_path / "lakeview-roster.zip"
    roster.write_bytes(bundle("1.2"))
    district_admin = get_user_model().objects.get(username="district.admin")
    page = signed_in(district_admin).new_page()
    page.goto("/admin/")

    page.get_by_role("button", name="District", exact=True).click()
    page.get_by_role("link", name="Import the roster", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import the roster")
    assert serious_accessibility_violations(page) == []
    page.get_by_label("OneRoster bundle").set_input_files(roster)
    page.get_by_role("button", name="Dry run").click()

    expect(page.get_by_role("heading", level=2)).to_contain_text(
        "Dry run of lakeview-roster.zip (OneRoster 1.2)"
    )
    summary = page.locator(".roster-summary")
    expect(summary).to_contain_text("6 people to add")
    expect(summary).to_contain_text("3 students and guardians skipped")
    expect(page.locator(".roster-refused")).to_contain_text(
        "roles.csv, line 12: Tandem has no place for the role “counselor” (Fay Hall)."
    )
    expect(page.get_by_role("cell", name="Gabe Ortiz")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    # The dry run wrote nothing.
    assert not get_user_model().objects.filter(roster_id="a-200").exists()

    page.get_by_role("button", name="Import the roster").click()
    expect(page.locator(".messages")).to_contain_text(
        "Imported lakeview-roster.zip: 1 schools added, 6 people added"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Suggested pairs")
    # Checked without the flash message above it, which is Wagtail's own.
    page.reload()
    assert serious_accessibility_violations(page) == []

    page.get_by_label("Pair Gabe Ortiz with").select_option(label="Ana Torres")
    page.get_by_label("Pair Gabe Ortiz with").locator("xpath=..").get_by_role(
        "button", name="Confirm this pair"
    ).click()
    expect(page.locator(".messages")).to_contain_text(
        "Ana Torres & Gabe Ortiz now work together as a pair."
    )
    gabe = get_user_model().objects.get(roster_id="a-200")
    assert Pair.objects.filter(para=gabe, ended_on=None).count() == 1

    # The principal came in as a staff account, listed with how they sign in.
    page.get_by_role("button", name="District", exact=True).click()
    page.get_by_role("link", name="Staff accounts", exact=True).click()
    row = page.locator("table.listing tbody tr").filter(has_text="Dev Patel")
    expect(row).to_contain_text("School administrator (Maple Grove Elementary)")
    expect(row).to_contain_text("Code by email")
    assert serious_accessibility_violations(page) == []
