"""Shared fixtures: a small district with two schools, their staff and pairs."""

from dataclasses import dataclass

import pytest

from accounts import roles
from tests.factories import (
    PASSWORD,
    PairFactory,
    ParaFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
    school_admin_for,
)


def pytest_collection_modifyitems(config, items):
    """Every transactional test also restores the database as migrations left it.

    A transactional test ends by emptying every table; without a serialised
    rollback the home page, the Site and Wagtail's locale would be gone for the
    tests that follow it in the same worker.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get(
            "serialized_rollback"
        ):
            kwargs = {**marker.kwargs, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)


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
