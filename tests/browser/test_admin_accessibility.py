"""axe-core on the admin screens a school administrator works in: the dashboard,
the district's listings with their bulk actions, an edit screen and a history."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pairs.change_log import change, log_changes
from tests.browser import scenario
from tests.browser.helpers import serious_accessibility_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def bulk(app_label: str, model_name: str, action: str, record) -> str:
    url = reverse("wagtail_bulk_action", args=[app_label, model_name, action])
    return f"{url}?id={record.pk}"


def test_a_school_administrators_admin_screens_have_no_serious_violations(world, signed_in):
    module = scenario.module()
    scenario.assign(module, world.para, by=world.school_admin)
    assignment = world.para.assignments.get(page=module)
    today = timezone.localdate()
    log_changes(
        assignment,
        [change("due_on", "Due on", today, today + datetime.timedelta(days=7))],
        world.school_admin,
    )
    page = signed_in(world.school_admin).new_page()
    screens = [
        reverse("wagtailadmin_home"),
        reverse("people:index"),
        reverse("pairs:index"),
        reverse("assignments:index"),
        reverse("assignments:add"),
        reverse("assignments:history", args=[assignment.pk]),
        reverse("people:edit", args=[world.para.pk]),
        bulk("courses", "assignment", "redate", assignment),
        bulk("accounts", "user", "deactivate_people", world.para),
        bulk("pairs", "pair", "end_pairs", world.pair),
    ]
    found = {}
    for url in screens:
        response = page.goto(url)
        assert response.ok, url
        if violations := serious_accessibility_violations(page):
            found[url] = violations
    assert found == {}
