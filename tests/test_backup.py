"""A backup restored into a scratch database holds every table's rows, exactly."""

import io
import sqlite3

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from courses.models import Assignment
from privacy.backup import backup, backup_sqlite_connection, restore, table_checksums
from tests.page_factories import make_course

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def some_records(district):
    course = make_course(modules=2)
    Assignment.objects.create(
        user=district.para, page=course, due_on="2026-12-01", note="Ünïcode ✓"
    )
    return course


def live_checksums():
    connection.ensure_connection()
    return table_checksums(connection.vendor, connection.connection)


def postgres_connect(settings: dict, name: str):
    return psycopg.connect(
        dbname=name,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    )


def test_backup_restores_every_table_exactly(some_records, tmp_path):
    settings = connection.settings_dict
    before = live_checksums()
    assert before["courses_assignment"][0] == 1

    if connection.vendor == "sqlite":
        # The test database lives in memory: back up through the open connection.
        dump = tmp_path / "backup.sqlite3"
        backup_sqlite_connection(connection.connection, dump)
        restored_path = tmp_path / "restored.sqlite3"
        restore(dump, {**settings, "NAME": str(restored_path)})
        with sqlite3.connect(restored_path) as restored:
            after = table_checksums("sqlite", restored)
    else:
        dump = backup(settings, tmp_path / "backup.dump")
        scratch = f"{settings['NAME']}_restore"
        with postgres_connect(settings, "postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
            admin.execute(f'CREATE DATABASE "{scratch}"')
        try:
            restore(dump, {**settings, "NAME": scratch})
            with postgres_connect(settings, scratch) as restored:
                after = table_checksums("postgresql", restored)
        finally:
            with postgres_connect(settings, "postgres") as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')

    assert after == before


def test_checksums_notice_a_changed_row(some_records):
    before = live_checksums()
    Assignment.objects.update(note="changed")
    after = live_checksums()
    assert after["courses_assignment"] != before["courses_assignment"]
    unchanged = set(before) - {"courses_assignment"}
    assert {t: after[t] for t in unchanged} == {t: before[t] for t in unchanged}


# The commands read settings.DATABASES; the test's own connection is not touched.
@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_the_commands_back_up_and_restore_the_configured_database(tmp_path, settings):
    """``manage.py backup`` and ``restore`` read the configured database, as the README says."""
    source = tmp_path / "site.sqlite3"
    with sqlite3.connect(source) as db:
        db.execute("CREATE TABLE note (text TEXT)")
        db.execute("INSERT INTO note VALUES ('kept')")
    settings.DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(source)}}
    dump = tmp_path / "backup.sqlite3"
    out = io.StringIO()
    call_command("backup", str(dump), stdout=out)
    assert f"Backed up to {dump}." in out.getvalue()
    with sqlite3.connect(source) as db:
        db.execute("DELETE FROM note")
    call_command("restore", str(dump), stdout=out)
    with sqlite3.connect(source) as db:
        assert db.execute("SELECT text FROM note").fetchall() == [("kept",)]
    with pytest.raises(CommandError, match="no such backup file"):
        call_command("restore", str(tmp_path / "missing.dump"))
