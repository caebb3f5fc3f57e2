import contextlib
import io
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.urls import reverse

from accounts import roles
from courses.grading import grade, questions_from_quiz
from courses.models import Certificate, ModulePage, ModuleProgress, QuizAttempt
from devdata import synthetic
from pairs.models import Pair, School
from workspace.models import CheckIn, PairAction, WeeklyPlan

pytestmark = pytest.mark.django_db

User = get_user_model()


def generate(scale: float = 0.01) -> None:
    call_command("generate_district", "--scale", str(scale), stdout=io.StringIO())


def row_counts() -> dict[str, int]:
    models = (User, School, Pair, ModuleProgress, QuizAttempt, PairAction, WeeklyPlan, CheckIn)
    return {model.__name__: model.objects.count() for model in models}


def test_a_small_district_has_the_proportions_of_a_large_one():
    generate(0.01)
    pairs = Pair.objects.count()
    learners = User.objects.exclude(role="")
    # One school of about 24 pairs: the smallest size in the cycle, give or take 3.
    assert School.objects.count() == 1
    assert 21 <= pairs <= 27
    assert learners.filter(role=roles.LearnerRole.TEACHER).count() == pytest.approx(
        0.8 * pairs, abs=1
    )
    assert learners.filter(role=roles.LearnerRole.PARA).count() == pytest.approx(
        1.05 * pairs, abs=2
    )
    # Scale 1 is about 100,000 progress and attempt rows for 2,000 pairs: 50 a pair.
    learning_rows = ModuleProgress.objects.count() + QuizAttempt.objects.count()
    assert 30 * pairs <= learning_rows <= 70 * pairs
    assert PairAction.objects.count() >= 5 * pairs
    assert WeeklyPlan.objects.count() >= 4 * pairs
    assert CheckIn.objects.count() >= 8 * pairs
    # A few teachers work with two paras, and paras are members of the pair's school.
    assert Pair.objects.values("teacher").annotate(n=Count("pk")).filter(n=2).exists()
    for pair in Pair.objects.select_related("school"):
        assert set(pair.school.members.values_list("pk", flat=True)) >= {
            pair.teacher_id,
            pair.para_id,
        }


def test_generated_rows_point_at_the_real_curriculum():
    generate(0.01)
    modules = {module.pk: module for module in ModulePage.objects.live()}
    assert set(ModuleProgress.objects.values_list("module_id", flat=True)) <= modules.keys()
    for action in PairAction.objects.exclude(block_id=""):
        assert action.block_id in {block.id for block in modules[action.module_id].actions}
    # Stored scores and missed questions are what grading the stored answers gives.
    for attempt in QuizAttempt.objects.order_by("?")[:50]:
        module = modules[attempt.module_id]
        result = grade(questions_from_quiz(module.quiz), attempt.answers)
        assert (attempt.score, attempt.passed) == (result.score, result.passes(module.pass_mark))
        missed = {item.question.id for item in result.feedback if not item.correct}
        assert set(attempt.missed_questions.values_list("question_id", flat=True)) == missed
    # Attempts-to-pass and first attempts agree with the attempts themselves.
    for progress in ModuleProgress.objects.filter(passed_at__isnull=False).order_by("?")[:50]:
        attempts = list(
            QuizAttempt.objects.filter(user=progress.user_id, module=progress.module_id).order_by(
                "created_at", "pk"
            )
        )
        passes = [attempt.passed for attempt in attempts]
        assert progress.attempts_to_pass == passes.index(True) + 1
        assert not attempts[0].missed_questions.filter(first_attempt=False).exists()
        for later in attempts[1:]:
            assert not later.missed_questions.filter(first_attempt=True).exists()


def test_certificates_go_to_people_who_completed_every_module():
    generate(0.01)
    certificate = Certificate.objects.select_related("course").first()
    course_modules = ModulePage.objects.live().child_of(certificate.course)
    completed = ModuleProgress.objects.filter(
        user=certificate.user, module__in=course_modules, completed_at__isnull=False
    )
    assert completed.count() == course_modules.count()


def test_every_person_shares_one_password_and_can_sign_in(client):
    generate(0.01)
    assert User.objects.values("password").distinct().count() == 1
    para = User.objects.filter(role=roles.LearnerRole.PARA).first()
    assert client.login(username=para.username, password=synthetic.SYNTHETIC_PASSWORD)


def test_a_para_pages_render_with_the_generated_data(client):
    generate(0.01)
    pair = Pair.objects.active().order_by("pk").first()
    client.force_login(pair.para)
    module = ModulePage.objects.live().order_by("path").first()
    for url in (reverse("my_learning"), reverse("pair_detail", args=[pair.pk]), module.url):
        assert client.get(url).status_code == HTTPStatus.OK, url


def test_the_first_school_is_the_same_at_every_scale():
    """The benchmark compares one person's pages at two scales: they must be the same person."""

    class Undo(Exception):
        pass

    def first_school():
        school = School.objects.order_by("pk").first()
        members = school.members.order_by("pk")
        return (
            school.name,
            list(members.values_list("username", flat=True)),
            ModuleProgress.objects.filter(user__in=members).count(),
            QuizAttempt.objects.filter(user__in=members).count(),
            PairAction.objects.filter(pair__school=school).count(),
        )

    with contextlib.suppress(Undo), transaction.atomic():
        generate(0.01)
        small = first_school()
        raise Undo
    generate(0.04)
    assert School.objects.count() == 2
    assert first_school() == small


def test_a_second_run_is_refused_and_changes_nothing():
    generate(0.01)
    before = row_counts()
    with pytest.raises(CommandError, match="already holds"):
        generate(0.01)
    assert row_counts() == before


def test_a_database_with_a_real_district_is_refused(district):
    before = row_counts()
    with pytest.raises(CommandError, match="only fills an empty database"):
        generate(0.01)
    assert row_counts() == before


def test_the_scale_must_be_positive():
    with pytest.raises(CommandError, match="above zero"):
        generate(0)
