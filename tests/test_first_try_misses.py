"""The running tally of first-try misses (``FirstTryMisses``) the district's module
report reads: it stays what counting the recorded misses gives, through first
attempts and retakes, an erasure, a deleted account and a rebuilt tally."""

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from courses.grading import questions_from_quiz
from courses.models import FirstTryMisses, MissedQuestion
from privacy.personal_data import erase_person
from tests.factories import ParaFactory
from tests.page_factories import make_course, take_quiz

pytestmark = pytest.mark.django_db


def tallied() -> dict[tuple[int, str], int]:
    rows = FirstTryMisses.objects.filter(people__gt=0)
    return {
        (module, question): people
        for module, question, people in rows.values_list("module_id", "question_id", "people")
    }


def counted() -> dict[tuple[int, str], int]:
    rows = (
        MissedQuestion.objects.filter(first_attempt=True)
        .values_list("module_id", "question_id")
        .annotate(people=Count("*"))
        .order_by()
    )
    return {(module, question): people for module, question, people in rows}


@pytest.fixture
def attempts(district):
    """At the first module: the para misses questions 1 and 2, then retakes missing
    1 again; the teacher misses 1; the other pair's para misses 3."""
    first, second = make_course("Stronger Together", modules=2).modules()
    take_quiz(district.para, first, wrong=(0, 1))
    take_quiz(district.para, first, wrong=(0,))
    take_quiz(district.teacher, first, wrong=(0,))
    take_quiz(district.other_pair.para, first, wrong=(2,))
    take_quiz(district.other_pair.para, second)
    return [question.id for question in questions_from_quiz(first.quiz)], first


def test_first_attempts_count_once_each_and_retakes_not_at_all(attempts):
    questions, first = attempts
    assert (
        tallied()
        == counted()
        == {
            (first.pk, questions[0]): 2,
            (first.pk, questions[1]): 1,
            (first.pk, questions[2]): 1,
        }
    )


def test_an_erased_person_no_longer_counts(attempts, district):
    questions, first = attempts
    erase_person(district.para, by=district.district_admin)
    assert (
        tallied()
        == counted()
        == {
            (first.pk, questions[0]): 1,
            (first.pk, questions[2]): 1,
        }
    )


def test_a_deleted_account_no_longer_counts(attempts):
    """An account in no pair may be deleted outright (a pair's people are erased)."""
    questions, first = attempts
    newcomer = ParaFactory()
    take_quiz(newcomer, first, wrong=(0,))
    assert tallied()[first.pk, questions[0]] == 3
    newcomer.delete()
    assert tallied() == counted()
    assert tallied()[first.pk, questions[0]] == 2


@pytest.mark.parametrize("deleted", ["module", "course"])
def test_a_deleted_page_takes_its_tallies_without_counting_each_miss_down(attempts, deleted):
    _questions, first = attempts
    page = first if deleted == "module" else first.get_parent()
    with CaptureQueriesContext(connection) as queries:
        page.delete()
    assert not FirstTryMisses.objects.filter(module_id=first.pk).exists()
    assert not any(query["sql"].startswith('UPDATE "courses_firsttrymisses"') for query in queries)
    assert tallied() == counted()


def test_a_rebuilt_tally_is_the_kept_one(attempts, district):
    erase_person(district.other_pair.para, by=district.district_admin)
    kept = tallied()
    FirstTryMisses.objects.recount()
    assert tallied() == kept == counted()


def test_the_district_report_reads_the_tally_and_a_school_counts_its_own(
    client, attempts, district
):
    """Everyone's figure comes from the tally (one row per question, whatever the
    number of misses); a school's is counted from its people's misses."""
    from tests.test_reports import export_csv

    questions, first = attempts
    prompts = {question.id: question.prompt for question in questions_from_quiz(first.quiz)}
    # A tally out of step with the misses shows it is what the district report reads.
    FirstTryMisses.objects.filter(question_id=questions[2]).update(people=7)
    client.force_login(district.district_admin)
    rows = {row["Module"]: row for row in export_csv(client, "course_reports:modules")}
    assert rows[first.title]["Most missed on a first try"].startswith(
        f"{prompts[questions[2]]} (missed by 7 on a first try)"
    )
    client.force_login(district.school_admin)
    rows = {row["Module"]: row for row in export_csv(client, "course_reports:modules")}
    assert rows[first.title]["Most missed on a first try"].startswith(
        f"{prompts[questions[0]]} (missed by 2 on a first try)"
    )
