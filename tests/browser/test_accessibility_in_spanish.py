"""The learner's pages in Spanish pass axe and fit a phone as the English ones do:
longer Spanish words and sentences must not break a layout, a label or a table."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Certificate, QuizAttempt
from courses.recording import record_read
from tests.browser.helpers import PHONE
from tests.browser.test_accessibility import sweep
from tests.page_factories import make_course, take_quiz
from workspace.actions import add_module_actions
from workspace.models import CheckIn
from workspace.plans import monday_of, save_plan

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def spanish_para_with_work_behind_her(world) -> dict[str, str]:
    """A para who reads Tandem in Spanish: one course finished (certificate), one
    quiz failed on the way, actions on her checklist, a plan and a check-in."""
    para, pair, today = world.para, world.pair, timezone.localdate()
    para.language = "es"
    para.save(update_fields=["language"])
    course = make_course("Equipo docente", modules=2)
    first, second = course.modules().specific()
    record_read(para, first)
    take_quiz(para, first, wrong=(0, 1))
    failed = QuizAttempt.objects.get(user=para, module=first)
    take_quiz(para, first)
    record_read(para, second)
    take_quiz(para, second)
    certificate = Certificate.objects.get(user=para, course=course)

    add_module_actions(pair, first, today + datetime.timedelta(days=1), para)
    save_plan(
        pair,
        monday_of(today),
        {
            "students": "J.M., K.T.",
            "priority_goals": "Leer en voz alta con menos apoyos.",
            "strategies": "- Horario visual",
            "data_collection": "Contar el uso de la tarjeta de descanso.",
            "communication": "Una reunión breve antes de la primera campana.",
        },
        0,
        para,
    )
    CheckIn.objects.create(pair=pair, author=para, happened_on=today, minutes=15)
    return {
        "my learning": reverse("my_learning"),
        "course": course.url,
        "module": first.url,
        "quiz": first.url + first.reverse_subpage("quiz"),
        "quiz result": first.url + first.reverse_subpage("quiz_result", args=[failed.pk]),
        "quiz attempts": first.url + first.reverse_subpage("quiz_attempts"),
        "transcript": reverse("transcript"),
        "certificate": reverse("certificate", args=[certificate.pk]),
        "certificate check": reverse("verify_certificate", args=[certificate.verification_code]),
        "my pairs": reverse("my_pairs"),
        "pair page": reverse("pair_detail", args=[pair.pk]),
        "pair's courses": reverse("pair_courses", args=[pair.pk]),
        "checklist": reverse("pair_actions", args=[pair.pk]),
        "new action": reverse("pair_action_new", args=[pair.pk]),
        "plan": reverse("weekly_plan", args=[pair.pk]),
        "check-ins": reverse("check_ins", args=[pair.pk]),
        "new check-in": reverse("check_in_new", args=[pair.pk]),
        "my PD hours": reverse("hours:mine"),
        "calendar feed": reverse("hours:calendar"),
        "job aid": reverse("job_aid", args=["role-card"]),
    }


def test_every_learner_page_in_spanish_passes_axe_and_fits_a_phone(world, signed_in):
    pages = spanish_para_with_work_behind_her(world)
    page = signed_in(world.para, **PHONE).new_page()
    found = sweep(page, pages, "para, in Spanish")
    assert page.locator("html").get_attribute("lang") == "es"
    assert {name: problems for name, problems in found.items() if problems} == {}
