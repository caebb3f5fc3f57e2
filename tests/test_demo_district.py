import io
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from courses.models import Assignment, ModuleProgress
from devdata import demo
from pairs.models import District, Pair, School
from pairs.scoping import pairs_of
from reporting.completion_reports import completion_rows
from reporting.pair_reports import pairs_needing_attention
from workspace.models import CheckIn, PairAction, WeeklyPlan

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


def test_the_demos_history_is_written_once(demo_at_work):
    counts = [model.objects.count() for model in (Assignment, ModuleProgress, CheckIn)]
    out = io.StringIO()
    call_command("create_demo_district", stdout=out)
    assert [model.objects.count() for model in (Assignment, ModuleProgress, CheckIn)] == counts
    assert "A school year of work so far" not in out.getvalue()


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
