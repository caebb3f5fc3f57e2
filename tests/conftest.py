"""Shared fixtures: a small district with two schools, their staff and pairs."""

from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.db import connections
from django.utils import translation

from accounts import roles
from content.sites import forget_sites
from tests.clock import START, Clock
from tests.factories import (
    PASSWORD,
    PairFactory,
    ParaFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
    school_admin_for,
)
from tests.markdown_renders import count_renders, forget_renders
from workspace.plans import forget_closures


def pytest_collection_modifyitems(config, items):
    """Every transactional test also restores the database as migrations left it.

    A transactional test ends by emptying every table; without a serialised
    rollback the home page, the Site and Wagtail's locale would be gone for the
    tests that follow it in the same worker.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            kwargs = {**marker.kwargs, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"live_server", "transactional_db"} & set(item.fixturenames)
    )


@pytest.fixture(scope="module", autouse=True)
def leave_the_database_as_migrated(request):
    """After a module of transactional tests, put back what the migrations made.

    ``serialized_rollback`` restores it at the start of each such test, but the
    flush at its end leaves the database empty for whatever this worker runs next
    (``--dist loadfile`` hands out whole files, so that is often a plain ``db``
    test needing the groups, the content types and the home page). Module scope
    makes this run after the last test's flush.
    """
    transactional = any(
        _is_transactional(item) for item in request.session.items if item.path == request.path
    )
    blocker = request.getfixturevalue("django_db_blocker") if transactional else None
    yield
    if blocker is not None:
        with blocker.unblock():
            for alias in connections:
                contents = getattr(connections[alias], "_test_serialized_contents", None)
                if contents:
                    connections[alias].creation.deserialize_db_from_string(contents)
            ContentType.objects.clear_cache()


@pytest.fixture
def no_rendered_notes():
    """No rendered note in either cache before the test or after it."""
    forget_renders()
    yield
    forget_renders()


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The texts the Markdown renderer itself was run on (the caches in front of it aside)."""
    return count_renders(monkeypatch)


@pytest.fixture(autouse=True)
def forget_kept_rows():
    """Wagtail's sites (content.sites) and the days without school
    (workspace.plans) are kept per process; a rolled-back test sends no signal,
    so each test starts from the database's own."""
    forget_sites()
    forget_closures()


@pytest.fixture(autouse=True)
def forget_rendered_pages():
    """Rendered fragments are kept by page id and publishing time; ids come round
    again after a rolled-back test, and the clock is the same in every test."""
    caches["rendered"].clear()


@pytest.fixture(autouse=True)
def site_language():
    """A request leaves its language active in the thread (LocaleMiddleware and
    accounts.language activate it, nothing deactivates it), so a test that asks for a
    page in Spanish would leave the next test in the same worker speaking Spanish."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def clock(time_machine) -> Clock:
    """Every test starts at ``tests.clock.START``; ``clock.move_to`` sets another time."""
    clock = Clock(time_machine)
    clock.move_to(START)
    return clock


@dataclass
class District:
    """Two schools; pair and other_pair in school, far_pair in other_school."""

    school: object
    other_school: object
    pair: object
    other_pair: object
    far_pair: object
    school_admin: object
    other_school_admin: object
    district_admin: object
    editor: object

    @property
    def para(self):
        return self.pair.para

    @property
    def teacher(self):
        return self.pair.teacher


@pytest.fixture
def district(db) -> District:
    school, other_school = SchoolFactory(name="Maple"), SchoolFactory(name="Riverside")
    return District(
        school=school,
        other_school=other_school,
        pair=PairFactory(school=school),
        other_pair=PairFactory(school=school),
        far_pair=PairFactory(school=other_school),
        school_admin=school_admin_for(school, username="maple.admin"),
        other_school_admin=school_admin_for(other_school, username="riverside.admin"),
        district_admin=UserFactory(
            username="district.admin", groups=[roles.DISTRICT_ADMINISTRATORS]
        ),
        editor=UserFactory(username="pdlead", email="", groups=[roles.EDITORS]),
    )


@pytest.fixture
def para(db):
    return ParaFactory()


@pytest.fixture
def teacher(db):
    return TeacherFactory()


@pytest.fixture
def password() -> str:
    return PASSWORD
