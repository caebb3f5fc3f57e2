"""The running tally of each module's progress (``ModuleTally``) the district's module
report reads: it stays what counting the progress rows gives, through reading,
passing on a retake, rows saved and changed directly, an erasure, a deleted
account, a deleted page and a rebuilt tally."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses import recording
from courses.models import ModuleProgress, ModuleTally
from privacy.personal_data import erase_person
from reporting.completion_reports import progress_by_module
from tests.factories import ParaFactory, UserFactory
from tests.page_factories import make_course, take_quiz

pytestmark = pytest.mark.django_db

NOON = timezone.make_aware(datetime.datetime(2026, 11, 16, 12))


def tallied() -> dict[int, tuple[int, int, int, int]]:
    rows = ModuleTally.objects.filter(started__gt=0)
    return {
        module: (started, completed, passed, attempts)
        for module, started, completed, passed, attempts in rows.values_list(
            "module_id", "started", "completed", "passed", "attempts_to_pass"
        )
    }


def counted() -> dict[int, tuple[int, int, int, int]]:
    rows = (
        ModuleProgress.objects.values_list("module_id")
        .annotate(
            started=Count("*"),
            completed=Count("completed_at"),
            passed=Count("attempts_to_pass"),
            attempts=Sum("attempts_to_pass"),
        )
        .order_by()
    )
    return {
        module: (started, completed, passed, attempts or 0)
        for module, started, completed, passed, attempts in rows
    }


@pytest.fixture
def learning(district):
    """At the first module: the para reads and passes on her second attempt, the
    teacher reads and passes at once, the other pair's para has only read. At the
    second, the other pair's para reads and passes."""
    first, second = make_course("Stronger Together", modules=2).modules()
    recording.record_read(district.para, first)
    take_quiz(district.para, first, wrong=(0,))
    take_quiz(district.para, first)
    recording.record_read(district.teacher, first)
    take_quiz(district.teacher, first)
    recording.record_read(district.other_pair.para, first)
    recording.record_read(district.other_pair.para, second)
    take_quiz(district.other_pair.para, second)
    return first, second


def test_reading_and_passing_count_each_person_once(learning):
    first, second = learning
    assert tallied() == counted() == {first.pk: (3, 2, 2, 3), second.pk: (1, 1, 1, 1)}


def test_the_district_figures_are_those_a_school_count_gives(learning, district):
    first, second = learning
    everyone = type(district.para).objects.all()
    some = everyone.filter(pk__in=everyone.values("pk"))
    assert progress_by_module([first.pk, second.pk], everyone) == {
        first.pk: {
            "started_count": 3,
            "completed_count": 2,
            "average_attempts_to_pass": Decimal("1.5"),
        },
        second.pk: {
            "started_count": 1,
            "completed_count": 1,
            "average_attempts_to_pass": Decimal("1.0"),
        },
    }
    assert progress_by_module([first.pk, second.pk], some) == progress_by_module(
        [first.pk, second.pk], everyone
    )


def test_rows_saved_changed_and_moved_directly_count_the_difference(learning):
    first, second = learning
    person = UserFactory()
    progress = ModuleProgress.objects.create(user=person, module=first, read_at=NOON)
    progress.completed_at, progress.attempts_to_pass = NOON, 4
    progress.save()
    assert tallied()[first.pk] == (4, 3, 3, 7)
    # Read back, changed, and saved again: only the difference counts.
    progress = ModuleProgress.objects.get(pk=progress.pk)
    progress.attempts_to_pass = 2
    progress.save()
    assert tallied()[first.pk] == (4, 3, 3, 5)
    # A field left out of ``update_fields`` is not saved, so it is not counted.
    progress.completed_at = None
    progress.attempts_to_pass = 9
    progress.save(update_fields=["attempts_to_pass"])
    assert tallied()[first.pk] == (4, 3, 3, 12)
    # Loaded without the counted fields, the row's counts are read when it is saved.
    progress = ModuleProgress.objects.only("pk", "module").get(pk=progress.pk)
    progress.module = second
    progress.save()
    assert tallied() == counted()
    assert tallied()[second.pk] == (2, 2, 2, 10)


def test_a_row_saved_unchanged_writes_no_tally(learning, district):
    """What a row counted is kept from when it was read: saving it is its own
    update and nothing more."""
    first, _second = learning
    progress = ModuleProgress.objects.get(user=district.para, module=first)
    with CaptureQueriesContext(connection) as queries:
        progress.save()
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        recording.record_read(district.para, first)
    assert not any("courses_moduletally" in query["sql"] for query in queries)


def test_an_erased_person_no_longer_counts(learning, district):
    first, second = learning
    erase_person(district.para, by=district.district_admin)
    assert tallied() == counted() == {first.pk: (2, 1, 1, 1), second.pk: (1, 1, 1, 1)}


def test_a_deleted_account_no_longer_counts(learning):
    """An account in no pair may be deleted outright (a pair's people are erased).
    The newcomer passes without reading, so does not complete."""
    first, _second = learning
    newcomer = ParaFactory()
    take_quiz(newcomer, first, wrong=(0, 1))
    take_quiz(newcomer, first)
    assert tallied()[first.pk] == (4, 2, 3, 5)
    newcomer.delete()
    assert tallied() == counted()
    assert tallied()[first.pk] == (3, 2, 2, 3)


@pytest.mark.parametrize("deleted", ["module", "course"])
def test_a_deleted_page_takes_its_tally_without_counting_each_row_down(learning, deleted):
    first, _second = learning
    page = first if deleted == "module" else first.get_parent()
    with CaptureQueriesContext(connection) as queries:
        page.delete()
    assert not ModuleTally.objects.filter(module_id=first.pk).exists()
    assert not any(query["sql"].startswith('UPDATE "courses_moduletally"') for query in queries)
    assert tallied() == counted()


def test_a_rebuilt_tally_is_the_kept_one(learning, district):
    erase_person(district.other_pair.para, by=district.district_admin)
    kept = tallied()
    ModuleTally.objects.recount()
    assert tallied() == kept == counted()


def test_the_district_report_reads_the_tally_and_a_school_counts_its_own(
    client, learning, district
):
    """Everyone's figures come from the tally (a row a module, however many people
    started it); a school's are counted from its people's progress."""
    from tests.test_reports import export_csv

    first, _second = learning
    # A tally out of step with the progress shows it is what the district report reads.
    ModuleTally.objects.filter(module_id=first.pk).update(started=70, passed=4, attempts_to_pass=9)
    client.force_login(district.district_admin)
    rows = {row["Module"]: row for row in export_csv(client, "course_reports:modules")}
    assert (rows[first.title]["Started"], rows[first.title]["Average attempts to pass"]) == (
        "70",
        "2.3",
    )
    sorted_rows = export_csv(client, "course_reports:modules", ordering="-started_count")
    assert sorted_rows[0]["Module"] == first.title
    client.force_login(district.school_admin)
    rows = {row["Module"]: row for row in export_csv(client, "course_reports:modules")}
    assert (rows[first.title]["Started"], rows[first.title]["Average attempts to pass"]) == (
        "3",
        "1.5",
    )
