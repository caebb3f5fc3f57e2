"""PostgreSQL prepares the queries a connection runs again, so it plans each once
(config/settings/base.py): checked in the server's own list of a session's
prepared statements, and through a page served twice."""

import pytest
from django.db import connection
from django.urls import reverse

from courses.models import ModuleProgress
from tests.factories import signed_in, without_csrf_token

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Prepared statements are PostgreSQL's."
)


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


def test_a_query_run_again_is_prepared_and_answers_the_same(district):
    def progress_of(person):
        return list(ModuleProgress.objects.filter(user=person).values_list("pk", flat=True))

    first = progress_of(district.para)
    assert not any("courses_moduleprogress" in sql for sql in prepared_statements())
    # Run again, for another person: the same statement with another parameter.
    assert progress_of(district.teacher) == []
    assert progress_of(district.para) == first
    assert any("courses_moduleprogress" in sql for sql in prepared_statements())


def test_a_page_served_again_runs_its_queries_prepared(district):
    client = signed_in(district.para)
    url = reverse("my_learning")
    first = client.get(url)
    assert first.status_code == 200
    before = len(prepared_statements())
    again = client.get(url)
    assert len(prepared_statements()) > before
    assert without_csrf_token(again) == without_csrf_token(first)
