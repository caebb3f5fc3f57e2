"""What a person does in the browser, in a few words each."""

from __future__ import annotations

import datetime

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

BLOCKING_IMPACTS = {"serious", "critical"}
PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}
# Enough Tab presses to cross the longest page here (the quiz, a checklist).
TAB_LIMIT = 120
_axe = Axe()


def sign_in(page, login: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_load_state()


def serious_accessibility_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the current page, as readable lines."""
    results = _axe.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def type_date(page, field, day: datetime.date):
    """Type a day into one of Wagtail's date fields and return its chooser, once open.

    The chooser (the jQuery datetimepicker Wagtail bundles) opens 100 ms after the
    field takes focus, and once open, the next mousedown anywhere closes it, one in
    the field included (its closeOnWithoutClick and closeOnInputClick options). A
    click in the field just after typing would open or close it depending on how fast
    the machine is, so the field is only typed into, which focuses it, and the
    chooser awaited. https://github.com/xdan/datetimepicker
    """
    field.fill(day.isoformat())
    chooser = page.locator(".xdsoft_datetimepicker").filter(visible=True)
    expect(chooser).to_be_visible()
    return chooser


def scrolls_sideways(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"
    )


def checklist_item(page, text: str):
    """One action on the pair page's try-tomorrow checklist, by its text."""
    return page.locator("#checklist li.action-item").filter(has_text=text)


# The quiz, by mouse ------------------------------------------------------------------


def answer_quiz(page, answers) -> None:
    """Tick each answer's choices in its question's fieldset, then submit.
    ``answers`` are ``scenario.QuizAnswer``s."""
    for answer in answers:
        group = page.get_by_role("group", name=answer.legend, exact=True)
        for text in answer.choices:
            group.get_by_label(text, exact=True).check()
    page.get_by_role("button", name="Submit my answers").click()


# The keyboard alone ------------------------------------------------------------------


def has_focus(locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def shows_focus(locator) -> bool:
    """Whether the focused control is drawn differently: an outline or a shadow."""
    return locator.evaluate(
        """element => {
            const style = getComputedStyle(element);
            const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
            return outlined || style.boxShadow !== "none";
        }"""
    )


def tab_to(page, target, limit: int = TAB_LIMIT) -> None:
    """Press Tab until ``target`` has the focus, as someone without a mouse would.
    Fails if it never gets there: the control is out of the tab order."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if has_focus(target):
            return
    raise AssertionError(f"{target} never took the focus after {limit} presses of Tab.")


def answer_quiz_by_keyboard(page, answers) -> None:
    """Answer the quiz with Tab, the arrow keys and Space, then submit with Enter.

    A group of radio buttons is one stop in the tab order: Tab lands on its first
    radio, the arrow keys move the choice along and Space picks the first. Each
    checkbox is a stop of its own, ticked with Space.
    """
    for answer in answers:
        group = page.get_by_role("group", name=answer.legend, exact=True)
        if answer.question.multiple:
            for text in answer.choices:
                box = group.get_by_label(text, exact=True)
                tab_to(page, box)
                page.keyboard.press("Space")
        else:
            (text,) = answer.choices
            tab_to(page, group.get_by_role("radio").first)
            # Choices may be shown in another order than the page stores them (they are
            # shuffled per attempt): count the arrow presses from the order on screen.
            shown = group.get_by_role("radio").evaluate_all(
                "radios => radios.map(radio => radio.labels[0].textContent.trim())"
            )
            position = shown.index(text)
            for _ in range(position):
                page.keyboard.press("ArrowDown")
            if position == 0:
                page.keyboard.press("Space")
            assert group.get_by_label(text, exact=True).is_checked()
    tab_to(page, page.get_by_role("button", name="Submit my answers"))
    page.keyboard.press("Enter")
