"""Wagtail's own screens held to each administrator's schools (pairs.wagtail_admin_scope):
the site history and its exports, the editing-session ping and release, and the
images and documents of the choosers and the admin API. The last tests pin the
Wagtail behaviour the module relies on.

The records are ``tests.security_world``'s: the school administrator runs Maple
(pairs "own" and "same_school"); Riverside's pair, and the entries its
administrator wrote about it, carry ``SECRET-FAR``.
"""

from __future__ import annotations

import inspect
import io
import zipfile
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.api.urls import admin_api
from wagtail.admin.models import EditingSession
from wagtail.admin.views import editing_sessions
from wagtail.admin.views.reports import audit_logging
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry
from wagtail.permissions import policy_registry

from courses.models import Assignment
from pairs.models import Pair, School
from pairs.wagtail_admin_scope import (
    DocumentsWithinReach,
    ImagesWithinReach,
    ScopedModelPermissionPolicy,
    viewable_within_scope,
)
from tests.factories import PairFactory
from tests.security_world import MARKERS, client_for, world_for_module

pytestmark = pytest.mark.django_db

OWN, SAME, FAR = (MARKERS[case].lower() for case in ("own", "same_school", "other_school"))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from world_for_module(django_db_blocker)


def text_of(response) -> str:
    """All a response says, lower-cased; an XLSX export is read from its XML parts."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            body = b" ".join(book.read(name) for name in book.namelist() if name.endswith(".xml"))
    return body.decode("utf-8", "replace").lower()


def far_admin():
    return get_user_model().objects.get(username="riverside.admin")


# Site history --------------------------------------------------------------------------

SITE_HISTORY = [
    ("wagtailadmin_reports:site_history", ""),
    ("wagtailadmin_reports:site_history_results", ""),
    ("wagtailadmin_reports:site_history", "export=csv"),
    ("wagtailadmin_reports:site_history", "export=xlsx"),
]


def site_history(user, name="wagtailadmin_reports:site_history_results", query="") -> str:
    response = client_for(user).get(f"{reverse(name)}?{query}")
    assert response.status_code == HTTPStatus.OK
    return text_of(response)


@pytest.mark.parametrize("name, query", SITE_HISTORY)
def test_site_history_shows_a_school_administrator_their_schools_entries_only(world, name, query):
    text = site_history(world.user("school_admin"), name, query)
    assert OWN in text and SAME in text  # their pairs and their people's assignments
    assert "maple" in text
    assert FAR not in text
    assert "riverside" not in text


def test_site_history_filters_offer_a_school_administrator_only_their_schools_people(world):
    """The "User" filter lists who wrote the entries shown: not the other school's
    administrator (whose name carries SECRET-FAR)."""
    page = site_history(world.user("school_admin"), "wagtailadmin_reports:site_history")
    assert str(world.user("school_admin")).lower() in page
    assert FAR not in page


@pytest.mark.parametrize("name, query", SITE_HISTORY)
def test_the_district_administrator_reads_every_schools_entries(world, name, query):
    text = site_history(world.user("district_admin"), name, query)
    assert OWN in text and SAME in text and FAR in text
    assert "maple" in text and "riverside" in text


def test_an_entry_about_a_deleted_record_is_the_district_administrators_alone(world):
    """A deleted record names no school any more: the school administrators cannot
    be told apart, so only the district administrator reads its entries."""
    pair = PairFactory(school=world.school)
    log(pair, "wagtail.delete", user=world.user("school_admin"), title="Deleted-pair-marker")
    pair.delete()
    assert "deleted-pair-marker" not in site_history(world.user("school_admin"))
    assert "deleted-pair-marker" in site_history(world.user("district_admin"))


def test_an_editor_reads_no_schools_entries(world):
    text = site_history(world.user("editor"))
    assert OWN not in text and FAR not in text


# Editing sessions --------------------------------------------------------------------


def ping(client, record, session_id: int = 0):
    meta = type(record)._meta
    url = reverse(
        "wagtailadmin_editing_sessions:ping",
        args=(meta.app_label, meta.model_name, record.pk, session_id),
    )
    return client.post(url, {"is_editing": "1"})


def open_by(user, record) -> EditingSession:
    return EditingSession.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(record),
        object_id=str(record.pk),
        last_seen_at=timezone.now(),
        is_editing=True,
    )


@pytest.mark.parametrize("record", ["pair", "assignment"])
def test_the_ping_answers_404_for_another_schools_record_as_for_a_missing_one(world, record):
    far = getattr(world.records["other_school"], record)
    open_by(far_admin(), far)
    client = client_for(world.user("school_admin"))
    response = ping(client, far)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert FAR not in text_of(response)
    missing = type(far)(pk=10**6)
    assert ping(client, missing).status_code == HTTPStatus.NOT_FOUND
    # Nor did the refused ping open a session of theirs on it.
    assert not EditingSession.objects.filter(user=world.user("school_admin")).exists()


@pytest.mark.parametrize("record", ["pair", "assignment"])
def test_the_ping_tells_a_school_administrator_who_has_their_own_record_open(world, record):
    own = getattr(world.records["own"], record)
    open_by(world.user("district_admin"), own)
    response = ping(client_for(world.user("school_admin")), own)
    assert response.status_code == HTTPStatus.OK
    others = [session["user"] for session in response.json()["other_sessions"]]
    assert others == [str(world.user("district_admin"))]


def test_the_ping_tells_the_district_administrator_who_has_any_pair_open(world):
    far = world.records["other_school"].pair
    open_by(far_admin(), far)
    response = ping(client_for(world.user("district_admin")), far)
    assert response.status_code == HTTPStatus.OK
    assert [s["user"] for s in response.json()["other_sessions"]] == [str(far_admin())]


def test_release_ends_only_the_callers_own_session_and_tells_nothing(world):
    """Release takes a session id, not a record: it deletes the caller's own session
    and nobody else's, and answers the same whether the id exists or not."""
    theirs = open_by(far_admin(), world.records["other_school"].pair)
    client = client_for(world.user("school_admin"))
    answers = [
        client.post(reverse("wagtailadmin_editing_sessions:release", args=[session_id]))
        for session_id in (theirs.pk, 10**6)
    ]
    assert [(a.status_code, a.json()) for a in answers] == [(HTTPStatus.OK, {})] * 2
    assert EditingSession.objects.filter(pk=theirs.pk).exists()
    mine = open_by(world.user("school_admin"), world.records["own"].pair)
    client.post(reverse("wagtailadmin_editing_sessions:release", args=[mine.pk]))
    assert not EditingSession.objects.filter(pk=mine.pk).exists()


# Images and documents ----------------------------------------------------------------

FILE_LISTINGS = [
    "wagtailimages_chooser:choose",
    "wagtailimages_chooser:choose_results",
    "wagtaildocs_chooser:choose",
    "wagtaildocs_chooser:choose_results",
    "wagtailadmin_api:images:listing",
    "wagtailadmin_api:documents:listing",
]


def files_listed(user, name: str) -> list[str]:
    response = client_for(user).get(reverse(name))
    assert response.status_code == HTTPStatus.OK
    text = text_of(response)
    return [marker for marker in (OWN, SAME, FAR) if marker in text]


@pytest.mark.parametrize("name", FILE_LISTINGS)
@pytest.mark.parametrize("role", ["school_admin", "district_admin"])
def test_administrators_list_no_images_or_documents(world, name, role):
    """Images and documents are editors' content: an administrator holds no
    collection permission, so no chooser or API lists any, their school's or not."""
    assert files_listed(world.user(role), name) == []


@pytest.mark.parametrize("name", FILE_LISTINGS)
def test_editors_list_every_image_and_document(world, name):
    assert files_listed(world.user("editor"), name) == [OWN, SAME, FAR]


@pytest.mark.parametrize("kind", ["images", "documents"])
def test_the_admin_api_answers_404_for_a_file_out_of_reach(world, kind):
    files = world.images if kind == "images" else world.documents
    url = reverse(f"wagtailadmin_api:{kind}:detail", args=[files["other_school"].pk])
    assert client_for(world.user("school_admin")).get(url).status_code == HTTPStatus.NOT_FOUND
    assert client_for(world.user("editor")).get(url).status_code == HTTPStatus.OK


# What pairs.wagtail_admin_scope relies on ----------------------------------------------


def test_wagtails_site_history_reads_its_rows_and_filter_choices_through_one_method():
    """The report's rows (and exports) and its three filters' choices each call
    ``viewable_by_user`` on every log entry model's manager; nothing else does."""
    assert inspect.getsource(audit_logging).count(".objects.viewable_by_user(") == 4
    assert ModelLogEntry.objects.viewable_by_user.__func__ is viewable_within_scope


def test_wagtails_ping_asks_the_models_registered_policy_on_each_request():
    source = inspect.getsource(editing_sessions.ping)
    assert "policy_registry.get_by_type(model, fallback=False)" in source
    assert "user_has_permission_for_instance(" in source
    assert "raise Http404" in source


def test_the_district_screens_models_have_the_scoped_policy_and_users_keep_wagtails():
    reverse("wagtailadmin_home")  # loads the admin's URLs, and with them its hooks
    for model in (Pair, School, Assignment):
        assert isinstance(policy_registry.get_by_type(model), ScopedModelPermissionPolicy)
    assert not isinstance(
        policy_registry.get_by_type(get_user_model()), ScopedModelPermissionPolicy
    )


def test_the_admin_api_serves_its_files_through_the_scoped_endpoints():
    reverse("wagtailadmin_home")
    assert admin_api.get_model_endpoint(get_image_model())[1] is ImagesWithinReach
    assert admin_api.get_model_endpoint(get_document_model())[1] is DocumentsWithinReach
