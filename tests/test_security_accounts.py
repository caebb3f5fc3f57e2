"""The account pages: the admin closed to learners without sending them round
in circles."""

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory
from django.urls import reverse
from wagtail.admin.auth import require_admin_access

from accounts import roles
from tests.factories import ParaFactory, TeacherFactory, UserFactory
from tests.security_helpers import (
    fresh_cache,  # noqa: F401 - autouse fixture
    is_signed_in,
)

pytestmark = pytest.mark.django_db


# The admin, for people it is closed to -----------------------------------------

ADMIN_PATHS = [
    "/admin/",
    "/admin/pages/",
    "/admin/reports/courses/completion/",
    "/admin/reports/site-history/",
]


@pytest.mark.parametrize("path", ADMIN_PATHS)
@pytest.mark.parametrize("make_learner", [ParaFactory, TeacherFactory], ids=["para", "teacher"])
def test_a_signed_in_learner_is_refused_the_admin_with_a_link_home(client, make_learner, path):
    client.force_login(make_learner())

    response = client.get(path, follow=True)

    assert response.redirect_chain == []
    assert response.status_code == HTTPStatus.FORBIDDEN
    page = response.content.decode()
    assert "The admin is for administrators and editors." in page
    assert '<a href="/">' in page
    assert is_signed_in(client)


def test_staff_still_open_the_admin(client):
    client.force_login(UserFactory(groups=[roles.DISTRICT_ADMINISTRATORS]))
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_visitors_are_still_sent_to_sign_in(client):
    response = client.get("/admin/pages/")
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login"))


def test_wagtail_still_sends_signed_in_people_without_access_to_sign_in(rf: RequestFactory):
    """What accounts.middleware.AdminClosedToLearnersMiddleware works around: if
    Wagtail stops answering them with its log-in redirect, the middleware can go."""
    request = rf.get("/admin/pages/")
    request.user = get_user_model().objects.get(pk=ParaFactory().pk)
    request._messages = CookieStorage(request)

    response = require_admin_access(lambda request: None)(request)

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login"))
