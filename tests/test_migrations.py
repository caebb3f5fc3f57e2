"""Data migrations: what they fill in matches what the running code records."""

import importlib

import pytest
from django.apps import apps

from courses.models import MissedQuestion, ModuleProgress, QuizAttempt
from tests.page_factories import make_course, take_quiz

pytestmark = pytest.mark.django_db

record_earlier_attempts = importlib.import_module(
    "courses.migrations.0003_missed_questions_and_attempts_to_pass"
).record_earlier_attempts


def recorded() -> tuple[set, set]:
    misses = MissedQuestion.objects.values_list(
        "attempt_id", "module_id", "question_id", "first_attempt"
    )
    tries = ModuleProgress.objects.values_list("user_id", "module_id", "attempts_to_pass")
    return set(misses), set(tries)


def test_earlier_attempts_get_the_misses_and_tries_a_submission_records(district):
    first, second = make_course("Stronger Together", modules=2).modules()
    take_quiz(district.para, first, wrong=(0, 1))
    take_quiz(district.para, first, wrong=(1,))
    take_quiz(district.para, first)
    take_quiz(district.para, second)
    take_quiz(district.teacher, first, wrong=(2,))
    # An attempt whose revision was purged is graded against the live quiz.
    QuizAttempt.objects.filter(user=district.teacher).update(revision=None)
    expected = recorded()
    assert len(expected[0]) == 4
    assert (district.para.pk, first.pk, 3) in expected[1]

    MissedQuestion.objects.all().delete()
    ModuleProgress.objects.update(attempts_to_pass=None)
    record_earlier_attempts(apps, schema_editor=None)
    assert recorded() == expected
