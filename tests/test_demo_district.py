import datetime
import io
from http import HTTPStatus

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from courses.assignment_status import OVERDUE
from courses.models import Assignment, Certificate, PreCheck, QuizAttempt, ReminderLog
from courses.progress import COMPLETE, IN_PROGRESS
from devdata import demo
from pairs.models import District, Pair, School
from pairs.scoping import pairs_of
from reporting.completion_reports import completion_rows
from reporting.models import AdminDigest
from reporting.pair_reports import attention_reasons, health_rows, pairs_needing_attention
from tests.clock import TODAY
from workspace.models import DONE, CheckIn, PairAction, WeeklyPlan
from workspace.plans import monday_of, next_school_day

pytestmark = pytest.mark.django_db


def test_demo_district_is_created_once(capsys):
    call_command("create_demo_district")
    counts = (get_user_model().objects.count(), School.objects.count(), Pair.objects.count())
    assert counts == (18, 2, 9)
    call_command("create_demo_district")
    assert (
        get_user_model().objects.count(),
        School.objects.count(),
        Pair.objects.count(),
    ) == counts
    output = capsys.readouterr().out
    assert demo.DEMO_PASSWORD in output
    assert "Open http://127.0.0.1:8000/ and sign in." in output


def test_the_demo_points_to_the_address_it_is_served_on(capsys):
    call_command("create_demo_district", address="0.0.0.0:8080")
    assert "Open http://0.0.0.0:8080/ and sign in." in capsys.readouterr().out


def test_one_demo_para_is_in_two_pairs():
    call_command("create_demo_district")
    gabe = get_user_model().objects.get(username="gabe.ortiz")
    assert pairs_of(gabe).count() == 2


def test_every_demo_account_signs_in_and_reaches_its_starting_point(client):
    call_command("create_demo_district")
    for person in demo.PEOPLE:
        client.logout()
        response = client.post(
            reverse("account_login"),
            {"login": person.email or person.username, "password": demo.DEMO_PASSWORD},
            follow=True,
        )
        assert response.status_code == HTTPStatus.OK, person.username
        landing = response.redirect_chain[-1][0]
        expected = reverse("my_learning") if person.role else reverse("wagtailadmin_home")
        assert landing == expected, person.username


def test_running_it_again_keeps_a_changed_password():
    call_command("create_demo_district")
    user = get_user_model().objects.get(username="gabe.ortiz")
    user.set_password("my-own-new-password")
    user.save()
    call_command("create_demo_district")
    user.refresh_from_db()
    assert user.check_password("my-own-new-password")


# A district at work ----------------------------------------------------------------


@pytest.fixture
def demo_at_work():
    """What `make run` does: the curriculum, then the demo district and its history."""
    call_command("load_curriculum", stdout=io.StringIO())
    out = io.StringIO()
    call_command("create_demo_district", stdout=out)
    return out.getvalue()


def signed_in_as(client, username: str):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_the_demo_shows_a_school_year_under_way(client, demo_at_work):
    assert "A school year of work so far:" in demo_at_work
    gabe = signed_in_as(client, "gabe.ortiz").get(reverse("my_learning"))
    page = gabe.content.decode()
    assert "Nothing is assigned to you right now" not in page
    assert "Stronger Together" in page
    assert gabe.context["learning"].assigned

    admin = get_user_model().objects.get(username="district.admin")
    needing_attention = pairs_needing_attention(admin, timezone.localdate()).count()
    assert needing_attention < Pair.objects.active().count()
    assert completion_rows(admin, timezone.localdate()).count() >= 14
    assert CheckIn.objects.exists() and WeeklyPlan.objects.exists()
    assert PairAction.objects.filter(para_done_at__isnull=False).exists()


def every_tables_rows() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_a_second_run_adds_nothing_anywhere(demo_at_work, clock):
    counts = every_tables_rows()
    out = io.StringIO()
    call_command("create_demo_district", stdout=out)
    assert every_tables_rows() == counts
    assert "A school year of work so far" not in out.getvalue()
    # Nor on a later day: the story is written once, not again from a new today.
    clock.move_to("2026-11-25 10:00")
    call_command("create_demo_district", stdout=io.StringIO())
    assert every_tables_rows() == counts


def person(username: str):
    return get_user_model().objects.get(username=username)


def test_the_demo_district_counts(demo_at_work):
    assert "16 assignments" in demo_at_work and "2 certificates" in demo_at_work
    assert Assignment.objects.count() == 16  # 14 paras and teachers, 2 school administrators
    assert set(Certificate.objects.values_list("user__username", flat=True)) == set(demo.DOING_WELL)
    assert Pair.objects.active().count() == 9
    # Eight weeks of plans and check-ins, less the pair that went quiet after three.
    assert WeeklyPlan.objects.count() == 8 * 9 + 3
    assert CheckIn.objects.filter(kind=CheckIn.Kind.PLANNING).exists()
    assert PairAction.objects.exclude(note="").exists()  # data notes
    stages = {
        "done by both": PairAction.objects.filter(DONE).count(),
        "waiting on one partner": PairAction.objects.exclude(DONE)
        .filter(planned_for__lt=TODAY)
        .count(),
        "still to try": PairAction.objects.filter(planned_for__gte=TODAY).count(),
    }
    assert all(stages.values()), stages


def test_the_demo_tells_the_story_the_readme_promises(demo_at_work):
    today = timezone.localdate()
    admin = person("district.admin")
    status = {
        (row.user.username, row.page.title): (row.status, row.due_on)
        for row in completion_rows(admin, today)
    }
    # One overdue para; one para due this week; two complete.
    assert status["ivan.petrov", "Stronger Together"][0] == OVERDUE
    jade = status["jade.wilson", "Stronger Together"]
    assert jade[0] == IN_PROGRESS and today <= jade[1] <= today + datetime.timedelta(days=3)
    assert status["ana.torres", "Stronger Together"][0] == COMPLETE
    assert [s for (user, _), (s, _) in status.items() if s == OVERDUE] == [OVERDUE]
    percent = {
        row.user.username: row.percent for row in completion_rows(admin, today)
    }  # fmt: skip
    assert (percent["gabe.ortiz"], percent["jade.wilson"], percent["maple.admin"]) == (44, 67, 40)
    tomorrow = next_school_day(today)
    ana_and_gabe = Pair.objects.get(teacher=person("ana.torres"), para=person("gabe.ortiz"))
    assert ana_and_gabe.actions.filter(planned_for=tomorrow).exists()
    # Gabe failed the second module's quiz once, then passed it.
    gabe = QuizAttempt.objects.filter(user=person("gabe.ortiz")).order_by("created_at")
    second = [attempt.passed for attempt in gabe if attempt.module.title == "Clarifying roles"]
    assert second == [False, True]
    # Each module Gabe finished began with the pre-check, one idea of three known:
    # the by-module report has learning to show.
    prechecks = PreCheck.objects.filter(user=person("gabe.ortiz"))
    assert prechecks.count() == len([a for a in gabe if a.passed])
    assert {round(check.score, 2) for check in prechecks} == {0.33}
    # Reminders went out through the reminder run: the overdue one, the due-soon one,
    # and this week's digest to each administrator.
    sent = set(ReminderLog.objects.values_list("assignment__user__username", "kind"))
    assert ("ivan.petrov", ReminderLog.Kind.OVERDUE) in sent
    assert ("jade.wilson", ReminderLog.Kind.DUE_SOON) in sent
    assert AdminDigest.objects.filter(week_of=monday_of(today)).count() == 3
    # One pair has gone quiet, one is doing well, two wait on one partner.
    health = {
        (pair.teacher.username, pair.para.username): attention_reasons(pair)
        for pair in health_rows(admin, today)
    }
    assert health[demo.GONE_QUIET] == ["No check-in for two weeks", "No plan this week"]
    assert health[demo.DOING_WELL] == []
    assert health["ben.carter", "gabe.ortiz"] == ["2 waiting on the para"]
    assert health["chloe.kim", "ivan.petrov"] == ["2 waiting on the teacher"]
    assert sum(1 for reasons in health.values() if reasons) == 3


def test_without_a_curriculum_the_demo_says_what_to_run(capsys):
    call_command("create_demo_district")
    assert "run `manage.py load_curriculum`" in capsys.readouterr().out
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("username", ["gabe.ortiz", "ana.torres", "maple.admin", "district.admin"])
def test_every_page_a_demo_person_starts_from_opens(client, demo_at_work, username):
    client = signed_in_as(client, username)
    user = get_user_model().objects.get(username=username)
    urls = [reverse("my_learning"), reverse("transcript"), reverse("my_pairs")]
    urls += [reverse("pair_detail", args=[pair.pk]) for pair in pairs_of(user)]
    if not user.role:
        urls += [
            reverse("wagtailadmin_home"),
            reverse("course_reports:completion"),
            reverse("course_reports:modules"),
            reverse("pair_reports:by_pair"),
            reverse("pair_reports:health"),
        ]
    for url in urls:
        assert client.get(url).status_code == HTTPStatus.OK, url


def test_the_demo_names_its_district_for_the_certificates():
    call_command("create_demo_district")
    district = District.objects.get()
    assert (district.name, district.pd_sponsor) == (demo.DISTRICT_NAME, demo.PD_SPONSOR)
    district.name = "Our own name"
    district.save()
    call_command("create_demo_district")
    assert District.objects.get().name == "Our own name"
