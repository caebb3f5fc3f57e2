"""What a learner meets around the pages: the sign-in message names them, and the
site has an icon at the address browsers ask for."""

from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import PASSWORD, ParaFactory
from tests.security_helpers import fresh_cache  # noqa: F401 - autouse: no leftover rate limits

pytestmark = pytest.mark.django_db


def test_the_sign_in_message_names_the_person_not_their_username(client):
    ParaFactory(username="gabe.ortiz", first_name="Gabe", last_name="Ortiz", email="g@example.org")
    response = client.post(
        reverse("account_login"), {"login": "g@example.org", "password": PASSWORD}
    )
    assert response.status_code == HTTPStatus.FOUND
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said == ["Welcome back, Gabe Ortiz. You are signed in."]


def test_someone_without_a_name_is_greeted_by_their_username(client):
    ParaFactory(username="room12", first_name="", last_name="", email="room12@example.org")
    response = client.post(
        reverse("account_login"), {"login": "room12@example.org", "password": PASSWORD}
    )
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said == ["Welcome back, room12. You are signed in."]


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == HTTPStatus.OK
    assert response.redirect_chain[-1][0].endswith("favicon.ico")
    icon = b"".join(response.streaming_content)
    assert icon[:4] == b"\x00\x00\x01\x00"  # an ICO file's header


def test_every_page_links_its_icons(client):
    page = client.get(reverse("account_login")).content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in page
    assert 'rel="icon" href="/static/favicon.ico"' in page
