from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from devdata import demo
from pairs.models import Pair, School
from pairs.scoping import pairs_of

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
