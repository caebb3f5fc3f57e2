"""Journey 5: Tandem in Spanish. A para whose browser asks for Spanish signs in on
a phone, takes an assigned module in Spanish, passes its quiz on the second try,
and works with her special educator on the checklist, the weekly plan and the
check-ins, every page in Spanish; her special educator, who chose English,
reads the same records in English. Each gets her emails in her own language.

The Spanish the test expects comes from the translations (the catalogue and the
Spanish pages), never typed here, and each string is checked to differ from its
English, so the journey cannot pass on a page left in English.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext, pgettext
from playwright.sync_api import expect
from wagtail.models import Locale

from accounts.models import EmailNotifications
from courses.models import ModulePage, QuizAttempt
from tests.browser import scenario
from tests.browser.helpers import (
    LAPTOP,
    PHONE,
    checklist_item,
    scrolls_sideways,
    serious_accessibility_violations,
)
from workspace.models import CheckIn, WeeklyPlan

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SPANISH_BROWSER = {"locale": "es-US"}
PLAN = {
    "students": "J.M., K.T.",
    "priority_goals": "Lectura: leer un texto corto en voz alta con menos apoyos.",
    "strategies": "Horario visual en cada transición; tarjetas de primero-después.",
    "data_collection": "Contar cada día el uso de la tarjeta de descanso durante la lectura.",
    "communication": "Una reunión de cinco minutos antes de la primera campana.",
}
CHECK_IN_NOTE = "Acordamos usar la tarjeta de descanso en lectura toda la semana."
CHECK_IN_MINUTES = 15


def es(message: str, context: str | None = None, **values) -> str:
    """``message`` as the Spanish catalogue has it (``values`` filled in), checked to
    be a translation: the same words as the English would prove nothing."""
    with translation.override("es"):
        spanish = pgettext(context, message) if context else gettext(message)
    assert spanish != message, f"No Spanish translation for {message!r}"
    return spanish % values if values else spanish


def es_plural(singular: str, plural: str, count: int, **values) -> str:
    with translation.override("es"):
        spanish = ngettext(singular, plural, count)
    assert spanish not in (singular, plural), f"No Spanish translation for {plural!r}"
    return spanish % {"counter": count, **values}


def field_label(model, name: str, language: str) -> str:
    """A model field's label as its form shows it, in ``language``."""
    with translation.override(language):
        return capfirst(str(model._meta.get_field(name).verbose_name))


def es_label(model, name: str) -> str:
    spanish = field_label(model, name, "es")
    assert spanish != field_label(model, name, "en"), f"No Spanish label for {name!r}"
    return spanish


def in_spanish(page: ModulePage) -> ModulePage:
    """The module's live Spanish page, whose words the para is shown."""
    spanish = page.get_translation(Locale.objects.get(language_code="es"))
    assert spanish.live and spanish.title != page.title
    return spanish


def first_sentence_of_body(page: ModulePage) -> str:
    text = next(block.value.source for block in page.body if block.block_type == "text")
    return strip_tags(text).strip().split(". ")[0]


def spanish_quiz_answers(page: ModulePage, *, right: bool):
    """The answers as the Spanish quiz shows them: its prompts and choices, with the
    fixed choices (true or false, who does this) in Spanish."""
    with translation.override("es"):
        return scenario.quiz_answers(page, right=right)


def page_language(page) -> str:
    return page.locator("html").get_attribute("lang")


def check_spanish_page(page, name: str, found: dict[str, list[str]]) -> None:
    """A Spanish page of the journey: said to be Spanish, fits the phone, and axe
    finds nothing serious (collected, so one run names every page with a problem)."""
    assert page_language(page) == "es", f"{name}: <html lang> is not es"
    assert not scrolls_sideways(page), f"{name} scrolls sideways on a phone"
    found[name] = serious_accessibility_violations(page)


def test_a_para_works_in_spanish_and_her_teacher_reads_it_in_english(world, new_context):
    para_user, teacher_user = world.para, world.teacher
    para_user.language = ""  # no choice made: her browser's language is hers
    para_user.save(update_fields=["language"])
    teacher_user.language = "en"
    teacher_user.email_notifications = EmailNotifications.AT_ONCE
    teacher_user.save(update_fields=["language", "email_notifications"])
    module = scenario.module()
    spanish_module = in_spanish(module)
    together = scenario.together_action_text(module)
    spanish_together = scenario.together_action_text(spanish_module)
    para_name, teacher_name = para_user.get_full_name(), teacher_user.get_full_name()
    axe_found: dict[str, list[str]] = {}
    mail.outbox.clear()

    # The sign-in page speaks the browser's language and offers the other one.
    para = new_context(**PHONE, **SPANISH_BROWSER).new_page()
    para.goto("/")
    para.get_by_role("link", name=es("Sign in")).first.click()
    expect(para.get_by_role("heading", level=1)).to_have_text(es("Sign In"))
    switch = para.get_by_role("form", name=es("Language"))
    expect(switch.get_by_role("button", name="English")).to_be_visible()
    check_spanish_page(para, "sign-in", axe_found)
    para.get_by_label(es("Login", context="field label")).fill(world.login(para_user))
    para.get_by_label(es("Password")).fill(scenario.PASSWORD)
    para.get_by_role("button", name=es("Sign In"), exact=True).click()
    para.wait_for_load_state()
    para_user.refresh_from_db()
    assert para_user.language == "es"  # she chose none: her sign-in's language is kept

    # Her school administrator assigns her the module; the email is in Spanish.
    scenario.assign(module, para_user, by=world.school_admin)
    (assigned,) = [email for email in mail.outbox if email.to == [para_user.email]]
    assert spanish_module.title in assigned.subject
    assert module.title not in assigned.subject
    assert es("Start here:") in assigned.body
    assert spanish_module.title in assigned.body

    # My learning, in Spanish, shows the assignment under its Spanish title.
    para.get_by_role("link", name=es("My learning")).first.click()
    item = para.get_by_role("region", name=es("Assigned to me")).get_by_role("listitem")
    expect(item).to_contain_text(spanish_module.title)
    expect(item).to_contain_text(es("Not started"))
    check_spanish_page(para, "My learning", axe_found)
    item.get_by_role("link", name=es("Start: %(title)s", title=spanish_module.title)).click()

    # The module: its one URL, its Spanish words.
    assert para.url.endswith(module.url)
    expect(para.get_by_role("heading", level=1)).to_have_text(spanish_module.title)
    main = para.locator("main")
    expect(main).to_contain_text(spanish_module.summary)
    expect(main).to_contain_text(first_sentence_of_body(spanish_module))
    check_spanish_page(para, "module", axe_found)
    para.get_by_role("button", name=es("I've read this — continue")).click()

    # The quiz in Spanish: wrong once, then right, graded by the shared choice ids.
    expect(para.get_by_role("heading", level=1)).to_have_text(
        es("Quiz: %(title)s", title=spanish_module.title)
    )
    expect(main).to_contain_text(es("True"))
    check_spanish_page(para, "quiz", axe_found)
    answer_quiz_in_spanish(para, spanish_quiz_answers(spanish_module, right=False))
    expect(para.get_by_role("heading", level=1)).to_have_text(
        es("Your result: %(percent)s%%", percent=0)
    )
    expect(para.get_by_text(es("Not passed yet"))).to_be_visible()
    check_spanish_page(para, "quiz result", axe_found)

    para.get_by_role("link", name=es("Try again")).click()
    answer_quiz_in_spanish(para, spanish_quiz_answers(spanish_module, right=True))
    expect(para.get_by_role("heading", level=1)).to_have_text(
        es("Your result: %(percent)s%%", percent=100)
    )
    expect(para.get_by_role("status")).to_have_text(es("You completed this module."))
    # One record, on the English page, whatever language the quiz was taken in.
    assert QuizAttempt.objects.filter(user=para_user, module=module).count() == 2
    assert not QuizAttempt.objects.filter(module=spanish_module).exists()
    para.get_by_role("link", name=spanish_module.title, exact=True).click()
    next_step = para.get_by_role("region", name=es("Check your understanding"))
    expect(next_step).to_contain_text(es("Complete"))

    # The module's actions go on the pair's checklist, from the Spanish module page.
    para.get_by_role("button", name=es("Add these actions to our checklist")).click()
    expect(para.get_by_role("status")).to_contain_text(spanish_module.title)
    expect(para.get_by_role("status")).not_to_contain_text(module.title)

    # The pair page, reached through My learning: she marks her part.
    para.get_by_role("link", name=es("My learning")).first.click()
    modules_in_course = ModulePage.objects.sources().live().sibling_of(module).count()
    expect(para.get_by_role("region", name=es("In progress"))).to_contain_text(
        es_plural(
            "%(done)s of %(counter)s module complete",
            "%(done)s of %(counter)s modules complete",
            modules_in_course,
            done=1,
        )
    )
    para.get_by_role("region", name=es("My pairs")).get_by_role("link").click()
    expect(para.get_by_role("heading", level=1)).to_contain_text(teacher_name)
    # The action copied from the module reads as she read the module: in Spanish.
    action = checklist_item(para, spanish_together)
    expect(action).to_contain_text(spanish_module.title)
    expect(para.locator("#checklist")).not_to_contain_text(together)
    action.get_by_role("button", name=es("I did my part")).click()
    expect(para.get_by_role("status")).to_have_text(es("Thank you. Your part is marked as done."))
    expect(checklist_item(para, spanish_together)).to_contain_text(es("Planned"))
    check_spanish_page(para, "pair page", axe_found)

    # This week's plan, under Spanish labels.
    para.get_by_role("link", name=es("Write this week's plan")).click()
    for name, text in PLAN.items():
        para.get_by_label(es_label(WeeklyPlan, name)).fill(text)
    check_spanish_page(para, "plan", axe_found)
    para.get_by_role("button", name=es("Save the plan")).click()
    expect(para.get_by_role("status")).to_have_text(es("The plan for this week is saved."))

    # A check-in, logged from the pair page.
    para.get_by_role("link", name=es("You and %(partner)s", partner=teacher_name)).click()
    para.get_by_role("link", name=es("Log a check-in or planning meeting")).first.click()
    para.get_by_label(es("Minutes spent")).fill(str(CHECK_IN_MINUTES))
    para.get_by_label(es("Notes")).fill(CHECK_IN_NOTE)
    check_spanish_page(para, "new check-in", axe_found)
    para.get_by_role("button", name=es("Save to the log")).click()
    expect(para.get_by_role("status")).to_have_text(es("Thank you. The meeting is in your log."))
    check_ins = para.get_by_role("region", name=es("Check-ins and planning meetings"))
    expect(check_ins).to_contain_text(CHECK_IN_NOTE)
    expect(check_ins).to_contain_text(es(str(CheckIn.Kind.CHECK_IN.label)))

    # Her special educator chose English: the same records, in English.
    teacher = new_context(**LAPTOP, **SPANISH_BROWSER).new_page()
    teacher.goto("/accounts/login/")
    teacher.get_by_label(es("Login", context="field label")).fill(world.login(teacher_user))
    teacher.get_by_label(es("Password")).fill(scenario.PASSWORD)
    teacher.get_by_role("button", name=es("Sign In"), exact=True).click()
    teacher.wait_for_load_state()
    assert page_language(teacher) == "en"

    teacher.goto(reverse("pair_detail", args=[world.pair.pk]))
    assert page_language(teacher) == "en"
    expect(teacher.get_by_role("heading", level=1)).to_contain_text(f"You and {para_name}")
    action = checklist_item(teacher, together)
    expect(action).to_contain_text(f"Para ({para_name}): did their part")
    expect(action).to_contain_text(f"from {module.title}")
    plan = teacher.get_by_role("region", name="This week's plan")
    for name, text in PLAN.items():
        expect(plan).to_contain_text(field_label(WeeklyPlan, name, "en"))
        expect(plan).to_contain_text(text)
    check_ins = teacher.get_by_role("region", name="Check-ins and planning meetings")
    expect(check_ins).to_contain_text(CHECK_IN_NOTE)
    expect(check_ins).to_contain_text(f"logged by {para_name}")
    teacher.get_by_role("region", name="Courses, side by side").get_by_role("link").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Courses, side by side")
    row = teacher.get_by_role("row").filter(
        has=teacher.get_by_role("rowheader", name=module.title, exact=True)
    )
    expect(row.get_by_role("cell").first).to_contain_text("Passed")

    # Her notifications of the para's doings come in English, written for her.
    to_teacher = [email for email in mail.outbox if email.to == [teacher_user.email]]
    assert to_teacher, "The special educator got no email of her partner's doings."
    subjects = [email.subject for email in to_teacher]
    assert any(f"{para_name} confirmed an action on your checklist." in s for s in subjects)
    assert any(f"{para_name} changed your weekly plan." in s for s in subjects)
    assert all("See it in Tandem:" in email.body for email in to_teacher)

    assert {name: found for name, found in axe_found.items() if found} == {}


def answer_quiz_in_spanish(page, answers) -> None:
    """``helpers.answer_quiz`` with the Spanish submit button."""
    for answer in answers:
        group = page.get_by_role("group", name=answer.legend, exact=True)
        for text in answer.choices:
            group.get_by_label(text, exact=True).check()
    page.get_by_role("button", name=es("Submit my answers")).click()
