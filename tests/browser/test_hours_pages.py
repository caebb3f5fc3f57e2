"""The PD-hours pages in a real browser: axe-core finds nothing serious, they fit a
phone, and a teacher confirms a check-in the para logged with a click."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import CoursePage
from hours.models import CheckInConfirmation, HoursRules
from tests.browser import scenario
from tests.browser.helpers import PHONE, scrolls_sideways, serious_accessibility_violations
from workspace.models import CheckIn

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def problems_on(page) -> list[str]:
    problems = serious_accessibility_violations(page)
    if scrolls_sideways(page):
        problems.append("scrolls sideways at 375px")
    return problems


def test_the_hours_pages_pass_axe_and_a_teacher_confirms_a_check_in(world, signed_in):
    HoursRules.objects.create(rules=["minnesota", "pennsylvania"])
    para, pair = world.para, world.pair
    module = CoursePage.objects.sources().get(slug="stronger-together").modules().first().specific
    scenario.complete_module(para, module)
    logged = CheckIn.objects.create(
        pair=pair, author=para, happened_on=timezone.localdate(), minutes=25
    )

    para_page = signed_in(para, **PHONE).new_page()
    found = {}
    for name, path in {
        "my learning": reverse("my_learning"),
        "my PD hours": reverse("hours:mine"),
    }.items():
        assert para_page.goto(path).status == HTTPStatus.OK
        found[name] = problems_on(para_page)
    expect(para_page.get_by_text("Minnesota: 8 hours a school year").first).to_be_visible()

    teacher_page = signed_in(pair.teacher, **PHONE).new_page()
    teacher_page.goto(reverse("hours:confirm_check_in", args=[logged.pk]))
    found["confirm a check-in"] = problems_on(teacher_page)
    teacher_page.get_by_role("button", name="Confirm").click()
    expect(teacher_page.get_by_text("now count as PD time for you both")).to_be_visible()

    assert {name: problems for name, problems in found.items() if problems} == {}
    assert CheckInConfirmation.objects.get(check_in=logged).confirmed_by == pair.teacher
