"""The reports' query plans on PostgreSQL: no page of a report reads a whole big
table (progress, quiz attempts and the questions they missed) when an index
would do.

The district is a tenth of ``make bench``'s scale 1 (about 13,000 progress and
40,000 attempt rows): big enough that the planner prefers an index wherever one
serves, small enough for the suite. Each query a report's first page runs against
a big table is explained, with its parameters, as the page ran it, for a district
and a school administrator.

The district is committed, then vacuumed and analysed by ``generate_district``,
as a district's tables are in use: built inside a test's transaction, its rows
could not be marked visible (so no scan could read an index alone), and the tables
would still hold the dead rows of every test this database rolled back before. At
a tenth of the scale, where a school is a fifth of the district, that tipped the
planner to a whole-table read in CI and not on a fresh database.
"""

import io
import re
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import roles
from pairs.models import School

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="query plans are PostgreSQL's; SQLite's planner is another program",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BIG_TABLES = ("courses_moduleprogress", "courses_quizattempt", "courses_missedquestion")
REPORTS = [
    "course_reports:completion",
    "course_reports:modules",
    "pair_reports:by_pair",
    "pair_reports:health",
    "hours_reports:compliance",
    "hours_reports:without_title_i",
]
# First pages sorted by a number a report computes only to sort by it.
SORTED_BY = [
    ("course_reports:modules", "-started_count"),
    ("course_reports:modules", "average_attempts_to_pass"),
]
PAGES = [(report, {}) for report in REPORTS] + [
    (report, {"ordering": ordering}) for report, ordering in SORTED_BY
]


def administrators() -> dict[str, object]:
    User = get_user_model()
    school = School.objects.order_by("pk").first()
    return {
        "district": User.objects.filter(groups__name=roles.DISTRICT_ADMINISTRATORS)
        .order_by("pk")
        .first(),
        "school": school.administrators.order_by("pk").first(),
    }


def plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def queries_of(client, report: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(report))
    assert response.status_code == HTTPStatus.OK, report
    return [query["sql"] for query in queries]


def test_no_reports_first_page_reads_a_big_table_whole(client):
    # One test, so the district is built once.
    call_command("generate_district", "--scale", "0.1", stdout=io.StringIO())
    people_are_read_by_index(client)
    scans = {}
    for who, administrator in administrators().items():
        client.force_login(administrator)
        for report, params in PAGES:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse(report), params)
            assert response.status_code == HTTPStatus.OK, report
            for query in queries:
                if any(table in query["sql"] for table in BIG_TABLES):
                    found = re.findall(rf"Seq Scan on ({'|'.join(BIG_TABLES)})", plan(query["sql"]))
                    if found:
                        scans[report, str(params), who, query["sql"][:300]] = found
    assert scans == {}


def people_are_read_by_index(client):
    """A district's people, read through ``accounts.User``'s two partial indexes: a
    page of paras without a Title I route in name order, and the deactivated whom
    every count of work leaves out, rather than every account read and sorted."""
    client.force_login(administrators()["district"])
    paras_page = next(
        sql
        for sql in queries_of(client, "hours_reports:without_title_i")
        if sql.startswith('SELECT "accounts_user"."id"')
        and '"accounts_user"."role" = \'para\'' in sql
        and "LIMIT" in sql
    )
    assert "active_by_role_and_name" in plan(paras_page)
    assignments_count = next(
        sql
        for sql in queries_of(client, "course_reports:completion")
        if sql.startswith("SELECT COUNT(*)")
    )
    counted = plan(assignments_count)
    assert "inactive_people" in counted
    assert "Seq Scan on accounts_user" not in counted
