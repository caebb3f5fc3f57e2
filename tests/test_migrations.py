"""Data migrations: what they fill in matches what the running code records."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from courses.models import MissedQuestion, ModuleProgress, QuizAttempt
from tests.page_factories import make_course, take_quiz
from tests.test_module_tally import counted, tallied

pytestmark = pytest.mark.django_db

record_earlier_attempts = importlib.import_module(
    "courses.migrations.0003_missed_questions_and_attempts_to_pass"
).record_earlier_attempts


def recorded() -> tuple[set, set]:
    misses = MissedQuestion.objects.values_list(
        "attempt_id", "user_id", "module_id", "question_id", "first_attempt"
    )
    tries = ModuleProgress.objects.values_list("user_id", "module_id", "attempts_to_pass")
    return set(misses), set(tries)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_earlier_attempts_get_the_misses_and_tries_a_submission_records(district):
    """0003 graded the attempts taken before misses were recorded, and 0009 named
    each miss's person: together they fill in what a submission records today.
    0012 tallies the progress so far."""
    first, second = make_course("Stronger Together", modules=2).modules()
    take_quiz(district.para, first, wrong=(0, 1))
    take_quiz(district.para, first, wrong=(1,))
    take_quiz(district.para, first)
    take_quiz(district.para, second)
    take_quiz(district.teacher, first, wrong=(2,))
    # An attempt whose revision was purged is graded against the live quiz.
    QuizAttempt.objects.filter(user=district.teacher).update(revision=None)
    expected = recorded()
    assert len(expected[0]) == 4
    assert (district.para.pk, first.pk, 3) in expected[1]

    # Back to before misses named their person, with nothing recorded yet.
    executor = MigrationExecutor(connection)
    old_state = executor.migrate([("courses", "0008_action_look_fors_and_block_labels")])
    old_state.apps.get_model("courses", "MissedQuestion").objects.all().delete()
    old_state.apps.get_model("courses", "ModuleProgress").objects.update(attempts_to_pass=None)
    record_earlier_attempts(old_state.apps, schema_editor=None)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert recorded() == expected
    # 0012 filled each module's running tally from the progress recorded.
    assert tallied() == counted() != {}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_built_before_the_apps_moved_keeps_its_rows_and_tables():
    """The move of AdminDigest from the workspace (label "checklists") to reporting
    changes Django's state only: a database migrated before it keeps its table and
    rows, and migrating forward writes no schema change."""
    before = [("checklists", "0005_access_log"), ("reporting", None)]
    executor = MigrationExecutor(connection)
    old_state = executor.migrate(before)
    Digest = old_state.apps.get_model("checklists", "AdminDigest")
    User = old_state.apps.get_model("accounts", "User")
    admin = User.objects.create(username="before.the.move")
    Digest.objects.create(administrator_id=admin.pk, week_of=datetime.date(2026, 11, 16))
    tables_before = set(connection.introspection.table_names())

    # Up to the move itself: the workspace's later migrations change its own tables.
    the_move = [
        ("checklists", "0006_admin_digest_moved_to_reporting"),
        ("reporting", "0001_admin_digest_moved_here"),
    ]
    executor = MigrationExecutor(connection)
    with CaptureQueriesContext(connection) as queries:
        executor.migrate(the_move)
    schema_changes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("CREATE", "ALTER", "DROP"))
    ]
    assert schema_changes == []
    assert set(connection.introspection.table_names()) == tables_before
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    from reporting.models import AdminDigest

    assert AdminDigest._meta.db_table == "checklists_admindigest"
    assert list(AdminDigest.objects.values_list("administrator__username", "week_of")) == [
        ("before.the.move", datetime.date(2026, 11, 16))
    ]


def test_added_addresses_that_are_another_accounts_sign_in_address_are_removed(district):
    """The clean-up for rows added before addresses were checked across accounts."""
    from allauth.account.models import EmailAddress

    drop_taken_addresses = importlib.import_module(
        "accounts.migrations.0003_drop_addresses_taken_by_others"
    ).drop_taken_addresses
    staff = district.school_admin
    EmailAddress.objects.create(user=district.para, email=staff.email.upper(), verified=True)
    EmailAddress.objects.create(user=district.para, email="para.home@example.org")
    EmailAddress.objects.create(user=staff, email=staff.email, primary=True, verified=True)

    drop_taken_addresses(apps, schema_editor=None)

    assert set(EmailAddress.objects.values_list("user", "email")) == {
        (district.para.pk, "para.home@example.org"),
        (staff.pk, staff.email),
    }
