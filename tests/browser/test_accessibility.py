"""Every front-end page type, checked by axe-core and at a phone's width, and the
quiz and the checklist driven by the keyboard alone.

One test walks all of a para's pages (the world takes seconds to build; the
checks take a fraction of one each) and reports every failing page at once.
"""

from __future__ import annotations

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import Certificate, CoursePage, QuizAttempt
from tests.browser import scenario
from tests.browser.helpers import (
    PHONE,
    answer_quiz_by_keyboard,
    checklist_item,
    has_focus,
    scrolls_sideways,
    serious_accessibility_violations,
    shows_focus,
    tab_to,
)
from tests.page_factories import home_page
from workspace.actions import add_module_actions
from workspace.models import CheckIn
from workspace.plans import monday_of, save_plan

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PLANNING = "planning-together"  # its actions include one that asks the pair for data
UNREAD, FAILED = "protected-planning-time", "shared-documentation"


def route(module, name: str, *args) -> str:
    return module.url + module.reverse_subpage(name, args=args)


def para_with_a_year_behind_them(world) -> dict[str, str]:
    """A para who finished a course (certificate), failed one quiz, has one module
    still to read, and a pair with actions, a plan and a check-in: each page type
    in a state with content to check. Returns the pages to visit by name."""
    para, pair, today = world.para, world.pair, timezone.localdate()
    course = CoursePage.objects.sources().get(slug="stronger-together")
    for module in course.modules():
        scenario.complete_module(para, module)
    unread, failed = scenario.module(UNREAD), scenario.module(FAILED)
    for module in (unread, failed):
        scenario.assign(module, para, by=world.school_admin)
    scenario.fail_quiz(para, failed)
    attempt = QuizAttempt.objects.get(user=para, module=failed)
    passed = QuizAttempt.objects.filter(user=para, passed=True).first()
    certificate = Certificate.objects.get(user=para, course=course)

    planning = scenario.module(PLANNING)
    add_module_actions(pair, planning, today + datetime.timedelta(days=1), para)
    actions = list(pair.actions.order_by("pk"))
    actions[0].para_done_at = timezone.now()
    actions[0].save(update_fields=["para_done_at"])
    data_action = next(action for action in actions if action.records_data)
    save_plan(
        pair,
        monday_of(today),
        {
            "students": "J.M., K.T.",
            "priority_goals": "Read a short passage aloud with **fewer prompts**.",
            "strategies": "- Visual schedule\n- First-then cards",
            "data_collection": "Tally break-card use during reading.",
            "communication": "A five-minute check-in before the first bell.",
        },
        0,
        para,
    )
    CheckIn.objects.create(
        pair=pair,
        author=para,
        happened_on=today,
        minutes=15,
        note="We agreed on the *urgent* channel. J.M. used the break card twice.",
    )
    return {
        "catalogue": "/courses/",
        "course": course.url,
        "module, not yet read": unread.url,
        "module, complete": planning.url,
        "quiz": route(failed, "quiz"),
        "quiz result, not passed": route(failed, "quiz_result", attempt.pk),
        "quiz result, passed": route(passed.module.specific, "quiz_result", passed.pk),
        "my learning": reverse("my_learning"),
        "transcript": reverse("transcript"),
        "certificate": reverse("certificate", args=[certificate.pk]),
        "certificate check": reverse("verify_certificate", args=[certificate.verification_code]),
        "my pairs": reverse("my_pairs"),
        "pair page": reverse("pair_detail", args=[pair.pk]),
        "pair's courses": reverse("pair_courses", args=[pair.pk]),
        "checklist": reverse("pair_actions", args=[pair.pk]),
        "new action": reverse("pair_action_new", args=[pair.pk]),
        "what happened": reverse("pair_action_record", args=[pair.pk, data_action.pk]),
        "plan": reverse("weekly_plan", args=[pair.pk]),
        "check-ins": reverse("check_ins", args=[pair.pk]),
        "new check-in": reverse("check_in_new", args=[pair.pk]),
        "not found": "/no-such-page/",
    }


def problems_on(page) -> list[str]:
    problems = serious_accessibility_violations(page)
    if scrolls_sideways(page):
        problems.append("scrolls sideways at 375px")
    return problems


def sweep(page, pages: dict[str, str], who: str) -> dict[str, list[str]]:
    """Problems on each page (a wrong status is one: a 404 everywhere would pass axe)."""
    found = {}
    for name, path in pages.items():
        status = page.goto(path).status
        expected = HTTPStatus.NOT_FOUND if name == "not found" else HTTPStatus.OK
        wrong_status = [f"answered {status}"] if status != expected else []
        found[f"{who}: {name}"] = problems_on(page) + wrong_status
    return found


def test_every_front_end_page_passes_axe_and_fits_a_phone(world, signed_in):
    pages = para_with_a_year_behind_them(world)
    page = signed_in(world.para, **PHONE).new_page()
    found = sweep(page, pages, "para")

    # Forms showing their errors: a quiz sent with no answers, a plan naming a student.
    page.goto(pages["quiz"])
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("alert")).to_be_visible()
    found["para: quiz, unanswered"] = problems_on(page)
    page.goto(pages["plan"])
    page.get_by_label("Students supported").fill("Jamal Ortiz")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("Write students as initials only")).to_be_visible()
    found["para: plan, refused"] = problems_on(page)

    # The same templates in their other branches: a teacher with two paras (a choice
    # of checklists on the module page), and an administrator reading, not writing.
    shared = {name: pages[name] for name in ("module, complete", "pair page", "plan")}
    found |= sweep(signed_in(world.teacher, **PHONE).new_page(), shared, "teacher")
    found |= sweep(signed_in(world.school_admin, **PHONE).new_page(), shared, "administrator")

    assert {name: problems for name, problems in found.items() if problems} == {}


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/password/reset/"])
def test_pages_for_visitors_pass_axe_and_fit_a_phone(new_context, path):
    home_page()
    page = new_context(**PHONE).new_page()
    page.goto(path)
    assert problems_on(page) == []


# The keyboard alone ---------------------------------------------------------------------


def test_the_skip_link_is_the_first_stop_and_moves_to_the_content(world, signed_in):
    page = signed_in(world.para).new_page()
    page.goto(reverse("my_learning"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert has_focus(skip) and shows_focus(skip)
    page.keyboard.press("Enter")
    assert has_focus(page.locator("main"))


def test_a_para_takes_a_quiz_by_keyboard(world, signed_in):
    module = scenario.module()
    scenario.assign(module, world.para, by=world.school_admin)
    page = signed_in(world.para).new_page()
    page.goto(module.url)
    read = page.get_by_role("button", name="I've read this — continue")
    tab_to(page, read)
    assert shows_focus(read)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Quiz: {module.title}")
    answer_quiz_by_keyboard(page, scenario.quiz_answers(module, right=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result: 100%")
    expect(page.get_by_role("status")).to_have_text("You completed this module.")


def test_a_para_adds_and_confirms_an_action_by_keyboard(world, signed_in):
    module = scenario.module()
    page = signed_in(world.para).new_page()
    page.goto(module.url)
    add = page.get_by_role("button", name="Add these actions to our checklist")
    tab_to(page, add)
    assert shows_focus(add)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("to your checklist")

    page.goto(reverse("pair_detail", args=[world.pair.pk]))
    together = scenario.together_action_text(module)
    confirm = checklist_item(page, together).get_by_role("button", name="I did my part")
    tab_to(page, confirm)
    assert shows_focus(confirm)
    page.keyboard.press("Space")
    expect(page.get_by_role("status")).to_have_text("Thank you. Your part is marked as done.")
    undo = checklist_item(page, together).get_by_role(
        "button", name="Undo: I have not done my part yet"
    )
    expect(undo).to_be_visible()
