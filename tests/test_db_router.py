"""The read replica: the reports, their exports, the drill-downs and the weekly
digest read from it; writes, and reads that must see the request's own writes,
stay on the primary (config.database).

The tests that use a real second alias run when ``DATABASE_REPLICA_URL`` is set
(CI's PostgreSQL run points it at the same database). That alias is a second
connection, which sees only committed rows, so those tests commit theirs
(``transaction=True``), and each asserts which alias each query went to.
"""

import re
from http import HTTPStatus

import pytest
from django.core import mail
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.database import (
    REPLICA,
    PrimaryReplicaRouter,
    iterate_with_replica_reads,
    replica_configured,
    replica_reads,
)
from courses.models import Assignment, ModuleProgress
from pairs.models import Pair
from reporting.models import AdminDigest
from reporting.reminders import send_admin_digest
from tests.clock import TODAY
from tests.page_factories import make_course

ROUTER = "config.database.PrimaryReplicaRouter"
router = PrimaryReplicaRouter()

needs_replica = pytest.mark.skipif(
    not replica_configured(),
    reason="needs a replica alias: set DATABASE_REPLICA_URL (CI sets it to the test database)",
)


# The router's rules, with or without a replica ---------------------------------------


@pytest.fixture
def with_replica(monkeypatch):
    monkeypatch.setattr("config.database.replica_configured", lambda: True)


@pytest.fixture
def without_replica(monkeypatch):
    monkeypatch.setattr("config.database.replica_configured", lambda: False)


def test_without_a_replica_every_read_and_write_uses_the_primary(without_replica):
    assert router.db_for_read(Pair) == DEFAULT_DB_ALIAS
    with replica_reads():
        assert router.db_for_read(Pair) == DEFAULT_DB_ALIAS
        assert router.db_for_write(Pair) == DEFAULT_DB_ALIAS


def test_with_a_replica_only_reads_in_a_replica_scope_go_to_it(with_replica):
    assert router.db_for_read(Pair) == DEFAULT_DB_ALIAS
    with replica_reads():
        assert router.db_for_read(Pair) == REPLICA
        assert router.db_for_write(Pair) == DEFAULT_DB_ALIAS
        with replica_reads():
            assert router.db_for_read(Pair) == REPLICA
        assert router.db_for_read(Pair) == REPLICA
    assert router.db_for_read(Pair) == DEFAULT_DB_ALIAS
    assert not router.allow_migrate(REPLICA, "pairs")
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "pairs")


def test_a_streamed_export_reads_in_the_scope_but_never_holds_it_between_chunks(with_replica):

    def rows():
        for n in range(3):
            yield router.db_for_read(Pair), n

    seen = []
    for alias, _n in iterate_with_replica_reads(rows()):
        seen.append(alias)
        # The caller's code between chunks runs outside the scope.
        assert router.db_for_read(Pair) == DEFAULT_DB_ALIAS
    assert seen == [REPLICA] * 3


# Against a real second alias --------------------------------------------------------


# What reports are made of; the session, the signed-in person and their permissions
# are read on the primary before any view runs, as on every request.
REPORTED_TABLES = ("courses_", "checklists_", "hours_", "pairs_pair", "reporting_")


def reported(tables: set[str]) -> set[str]:
    return {table for table in tables if table.startswith(REPORTED_TABLES)}


def tables(queries) -> set[str]:
    return {
        table
        for query in queries
        for table in re.findall(r'(?:FROM|JOIN|INTO|UPDATE)\s+"(\w+)"', query["sql"])
    }


@pytest.fixture
def routed(settings):
    settings.DATABASE_ROUTERS = [ROUTER]


@pytest.fixture
def overdue_learning(district):
    course = make_course("Stronger Together", modules=2)
    Assignment.objects.create(user=district.para, page=course, due_on=TODAY)
    ModuleProgress.objects.create(user=district.teacher, module=course.modules()[0])
    return course


@needs_replica
@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
@pytest.mark.parametrize(
    "report, lists_the_para",
    [
        ("course_reports:completion", True),
        ("course_reports:modules", False),
        ("pair_reports:by_pair", True),
        ("pair_reports:health", True),
        # Lists people only once the district follows an hours rule.
        ("hours_reports:compliance", False),
    ],
)
@pytest.mark.parametrize("export", ["", "csv"])
def test_a_report_and_its_export_read_from_the_replica(
    client, district, overdue_learning, routed, report, lists_the_para, export
):
    client.force_login(district.district_admin)
    url = reverse(report) + (f"?export={export}" if export else "")
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == HTTPStatus.OK
    # The para's whole name: a last name alone ("English") can be a word on any page.
    assert (str(district.para).encode() in body) == lists_the_para
    assert reported(tables(replica))
    assert reported(tables(primary)) == set()
    assert not [query for query in replica if re.match(r"\s*(INSERT|UPDATE|DELETE)", query["sql"])]


@needs_replica
@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_a_drill_down_reads_from_the_replica(client, district, overdue_learning, routed):
    client.force_login(district.district_admin)
    with CaptureQueriesContext(connections[REPLICA]) as replica:
        response = client.get(reverse("drilldowns:pair", args=[district.pair.pk]))
    assert response.status_code == HTTPStatus.OK
    assert "pairs_pair" in tables(replica)


@needs_replica
@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_writes_and_reads_of_the_requests_own_writes_use_the_primary(district, routed):
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        with replica_reads():
            digest = AdminDigest.objects.create(
                administrator=district.district_admin, week_of=TODAY
            )
            digest.week_of = TODAY.replace(day=1)
            digest.save()
        assert AdminDigest.objects.get(pk=digest.pk).week_of == TODAY.replace(day=1)
    assert len(replica) == 0
    assert [query["sql"].split()[0] for query in primary] == ["INSERT", "UPDATE", "SELECT"]


@needs_replica
@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_the_digest_reads_its_figures_from_the_replica_and_sends_once(
    district, overdue_learning, routed
):
    admin = district.district_admin
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        assert send_admin_digest.call(admin.pk, TODAY.isoformat())
    assert "courses_assignment" in tables(replica)
    # Whether this week's digest went out already is read, and written, on the primary.
    assert "checklists_admindigest" in tables(primary)
    assert "checklists_admindigest" not in tables(replica)
    assert not send_admin_digest.call(admin.pk, TODAY.isoformat())
    assert [message.to for message in mail.outbox] == [[admin.email]]


@needs_replica
@pytest.mark.django_db(databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_without_the_router_the_replica_is_never_asked(client, district, overdue_learning):
    # Test settings leave the router out, so the suite's other tests, whose rows the
    # replica's connection cannot see, read the primary.
    client.force_login(district.district_admin)
    with CaptureQueriesContext(connections[REPLICA]) as replica:
        assert client.get(reverse("pair_reports:by_pair")).status_code == HTTPStatus.OK
    assert len(replica) == 0
