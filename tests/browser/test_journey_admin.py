"""Journeys 1 and 4: a school administrator in the Wagtail admin assigns a module
to a pair, finds it in the completion report, and downloads the report as CSV."""

import csv
import datetime

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from tests.browser import scenario
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def open_report(page, name: str) -> None:
    page.get_by_role("button", name="Reports", exact=True).click()
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def report_row(page, person: str):
    return page.locator("table.listing tbody tr").filter(has_text=person)


def test_school_admin_assigns_a_module_to_a_pair_and_sees_it_in_the_report(world, page):
    module = scenario.module()
    due = timezone.localdate() + datetime.timedelta(days=21)
    sign_in(page, world.login(world.school_admin), scenario.PASSWORD)
    page.goto("/admin/")

    page.get_by_role("button", name="District", exact=True).click()
    page.get_by_role("link", name="Assignments", exact=True).click()
    page.get_by_role("link", name="Assign a course or module").first.click()
    page.get_by_label("Course or module").select_option(label=module.title)
    page.get_by_label("Due on").fill(due.isoformat())
    page.get_by_label("Note").fill("Read it before our team meeting.")
    page.get_by_role("radio", name="Both partners of a pair").check()
    pair = world.pair
    page.get_by_label("Pair", exact=True).select_option(label=f"{pair} ({pair.school})")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(
        f"“{module.title}” was assigned to 2 people, who were emailed."
    )

    open_report(page, "Completion by person")
    for person in (world.para, world.teacher):
        row = report_row(page, person.get_full_name())
        expect(row).to_have_count(1)
        expect(row).to_contain_text(module.title)
        expect(row).to_contain_text(date_format(due))
        expect(row).to_contain_text("Not started", ignore_case=True)


def test_school_admin_downloads_the_completion_report_as_csv(world, page, tmp_path):
    module = scenario.module()
    scenario.assign(module, world.para, by=world.school_admin)
    scenario.assign(module, world.teacher, by=world.school_admin)
    scenario.complete_module(world.para, module)
    sign_in(page, world.login(world.school_admin), scenario.PASSWORD)
    page.goto("/admin/")

    open_report(page, "Completion by person")
    page.get_by_role("button", name="Actions").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)

    assert path.name == f"completion-by-person-{timezone.localdate():%Y-%m-%d}.csv"
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = {row["Person"]: row for row in csv.DictReader(file)}
    para, teacher = rows[world.para.get_full_name()], rows[world.teacher.get_full_name()]
    assert para["Assignment"] == module.title
    assert para["School"] == world.pair.school.name
    assert (para["Status"], para["Progress (percent of modules complete)"]) == ("Complete", "100")
    assert para["Last activity"] == f"{timezone.localdate():%Y-%m-%d}"
    assert (teacher["Status"], teacher["Progress (percent of modules complete)"]) == (
        "Not started",
        "0",
    )
