"""The administrators' reports: what each shows, to whom, their CSV exports, and
how many queries they cost as the district grows."""

import csv
import datetime
import io
import itertools
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Concat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.admin_filters import local_date
from courses.assignment_status import STATUS_LABELS, with_completion
from courses.grading import questions_from_quiz
from courses.models import Assignment, MissedQuestion, ModuleProgress, QuizAttempt
from pairs.models import Pair
from tests.clock import TODAY
from tests.factories import PairFactory, UserFactory
from tests.page_factories import make_course, take_quiz
from workspace.models import CheckIn, PairAction, WeeklyPlan
from workspace.plans import monday_of

pytestmark = pytest.mark.django_db

User = get_user_model()
DAY = datetime.timedelta(days=1)

REPORTS = [
    "course_reports:completion",
    "course_reports:modules",
    "pair_reports:by_pair",
    "pair_reports:health",
]


# Data --------------------------------------------------------------------------------


def complete(user, module):
    now = timezone.now()
    ModuleProgress.objects.update_or_create(
        user=user, module=module, defaults={"read_at": now, "passed_at": now, "completed_at": now}
    )


@pytest.fixture
def learning(district):
    """Maple: the pair's para is overdue, its teacher complete, the other pair's para
    in progress on one module. Riverside: far_pair's para not started, its teacher
    overdue halfway."""
    course = make_course("Stronger Together", modules=2)
    first, second = course.modules()
    d = district
    Assignment.objects.create(user=d.para, page=course, due_on=TODAY - 5 * DAY)
    Assignment.objects.create(user=d.teacher, page=course, due_on=TODAY + 10 * DAY)
    Assignment.objects.create(user=d.other_pair.para, page=first, due_on=TODAY + 10 * DAY)
    Assignment.objects.create(user=d.far_pair.para, page=course, due_on=TODAY + 10 * DAY)
    Assignment.objects.create(user=d.far_pair.teacher, page=course, due_on=TODAY - DAY)
    # The teacher needed two tries at the first module; its first question tripped
    # them and the other pair's para.
    take_quiz(d.teacher, first, wrong=(0, 1))
    take_quiz(d.teacher, first)
    take_quiz(d.teacher, second)
    take_quiz(d.other_pair.para, first, wrong=(0, 2))
    take_quiz(d.far_pair.teacher, first)
    complete(d.teacher, first)
    complete(d.teacher, second)
    complete(d.far_pair.teacher, first)
    # The pair: one action done by both, one waiting on the teacher since yesterday.
    now = timezone.now()
    PairAction.objects.create(
        pair=d.pair,
        module=first,
        block_id="a1",
        text="Meet",
        planned_for=TODAY - 3 * DAY,
        para_done_at=now,
        teacher_done_at=now,
    )
    PairAction.objects.create(
        pair=d.pair,
        module=first,
        block_id="a2",
        text="Try a prompt",
        planned_for=TODAY - DAY,
        para_done_at=now,
    )
    CheckIn.objects.create(pair=d.pair, author=d.para, happened_on=TODAY - 2 * DAY, minutes=15)
    WeeklyPlan.objects.create(pair=d.pair, week_of=monday_of(TODAY), priority_goals="Routines")
    return course


def export_csv(client, url_name, **params) -> list[dict]:
    response = client.get(reverse(url_name), {**params, "export": "csv"})
    assert response.status_code == HTTPStatus.OK
    assert response.streaming, "the CSV export streams"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def rows_by(rows: list[dict], *columns) -> dict:
    return {tuple(row[c] for c in columns[:-1]): row[columns[-1]] for row in rows}


# Who may see them ---------------------------------------------------------------------


@pytest.mark.parametrize("url_name", REPORTS)
@pytest.mark.parametrize("who", ["para", "teacher", "editor"])
def test_only_administrators_reach_a_report_or_its_export(client, district, url_name, who):
    client.force_login(getattr(district, who))
    for params in ({}, {"export": "csv"}):
        response = client.get(reverse(url_name), params)
        assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
        assert "csv" not in response.get("Content-Type", "")


@pytest.mark.parametrize("url_name", REPORTS)
def test_another_schools_id_answers_404_and_exports_nothing(client, district, learning, url_name):
    client.force_login(district.school_admin)
    other = district.other_school.pk
    assert client.get(reverse(url_name), {"school": other}).status_code == HTTPStatus.NOT_FOUND
    # The results-only view Wagtail's filters refresh the table from.
    results = reverse(f"{url_name}_results")
    assert client.get(results, {"school": district.school.pk}).status_code == HTTPStatus.OK
    assert client.get(results, {"school": other}).status_code == HTTPStatus.NOT_FOUND
    response = client.get(reverse(url_name), {"school": other, "export": "csv"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "csv" not in response.get("Content-Type", "")


def test_the_reports_menu_lists_them_for_administrators_only(client, district):
    names = ["Completion by person", "Completion by module", "Assigned work by pair", "Pair health"]
    client.force_login(district.school_admin)
    page = client.get(reverse("wagtailadmin_home")).text
    assert all(name in page for name in names)
    client.force_login(district.editor)
    page = client.get(reverse("wagtailadmin_home")).text
    assert not any(name in page for name in names)


# Completion by person -------------------------------------------------------------------


def test_completion_by_person_for_two_school_admins_does_not_mix(client, district, learning):
    d = district
    client.force_login(d.school_admin)
    maple = rows_by(
        export_csv(client, "course_reports:completion"), "Person", "Assignment", "Status"
    )
    assert maple == {
        (str(d.para), "Stronger Together"): "Overdue",
        (str(d.teacher), "Stronger Together"): "Complete",
        (str(d.other_pair.para), "Stronger Together: module 1"): "In progress",
    }
    client.force_login(d.other_school_admin)
    riverside = export_csv(client, "course_reports:completion")
    assert rows_by(riverside, "Person", "Progress (percent of modules complete)") == {
        (str(d.far_pair.para),): "0",
        (str(d.far_pair.teacher),): "50",
    }
    assert {row["School"] for row in riverside} == {"Riverside"}


def test_the_district_admin_sees_every_school_and_filters_them(client, district, learning):
    client.force_login(district.district_admin)
    everyone = export_csv(client, "course_reports:completion")
    assert len(everyone) == 5
    assert {row["School"] for row in everyone} == {"Maple", "Riverside"}
    overdue = export_csv(client, "course_reports:completion", status="overdue")
    assert {row["Person"] for row in overdue} == {
        str(district.para),
        str(district.far_pair.teacher),
    }
    riverside = export_csv(client, "course_reports:completion", school=district.other_school.pk)
    assert {row["School"] for row in riverside} == {"Riverside"}
    first_module = learning.get_children().first()
    by_course = export_csv(client, "course_reports:completion", course=learning.pk)
    assert len(by_course) == 5  # a module of the course counts under the course
    assert first_module.title in {row["Assignment"] for row in by_course}


def test_someone_in_two_schools_shows_under_the_first_by_name(client, district, learning):
    d = district
    # Riverside's para is also a member of Maple (first by name) without a pair there.
    d.school.members.add(d.far_pair.para)
    client.force_login(d.district_admin)
    schools = rows_by(export_csv(client, "course_reports:completion"), "Person", "School")
    assert schools[(str(d.far_pair.para),)] == "Maple"
    assert schools[(str(d.far_pair.teacher),)] == "Riverside"
    # Riverside's administrator sees them under the school they run.
    client.force_login(d.other_school_admin)
    schools = rows_by(export_csv(client, "course_reports:completion"), "Person", "School")
    assert schools[(str(d.far_pair.para),)] == "Riverside"


def test_a_page_of_completion_reads_its_rows_as_the_reports_query_gives_them(
    client, district, learning
):
    """The screen reads a page's rows from a query compiled once for any list of
    assignments (and held for the administrator it names); each administrator sees
    the rows ``completion_rows`` gives them, with their own school's name."""
    from reporting.completion_reports import completion_rows

    d = district
    d.school.members.add(d.far_pair.para)

    def described(rows):
        return sorted(
            (row.pk, row.user_id, row.school_name, row.status, row.percent, row.last_activity_at)
            for row in rows
        )

    names = {}
    for admin in (d.school_admin, d.other_school_admin, d.district_admin, d.school_admin):
        client.force_login(admin)
        response = client.get(reverse("course_reports:completion"))
        assert response.status_code == HTTPStatus.OK
        shown = response.context["object_list"]
        assert described(shown) == described(completion_rows(admin, TODAY))
        names[admin.username] = {row.school_name for row in shown if row.user == d.far_pair.para}
    # Riverside's para, a member of Maple too, under each school administrator's own
    # school, and under the first by name for the district's.
    assert names == {
        "maple.admin": {"Maple"},
        "riverside.admin": {"Riverside"},
        d.district_admin.username: {"Maple"},
    }


def test_the_completion_page_shows_status_words_and_last_activity(client, district, learning):
    client.force_login(district.school_admin)
    response = client.get(reverse("course_reports:completion"))
    assert response.status_code == HTTPStatus.OK
    page = response.text
    for word in ("Overdue", "Complete", "In progress", str(district.para)):
        assert word in page
    assert str(district.far_pair.para) not in page
    export = export_csv(client, "course_reports:completion")
    teacher = next(row for row in export if row["Person"] == str(district.teacher))
    assert teacher["Last activity"] == TODAY.isoformat()
    assert next(row for row in export if row["Person"] == str(district.para))["Last activity"] == ""


def test_the_xlsx_export_holds_the_same_rows(client, district, learning):
    from openpyxl import load_workbook

    client.force_login(district.school_admin)
    response = client.get(reverse("course_reports:completion"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    people = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert people == {str(district.para), str(district.teacher), str(district.other_pair.para)}


# By module -----------------------------------------------------------------------------


def test_the_module_report_counts_attempts_and_the_most_missed_question(client, district, learning):
    first, second = learning.modules()
    prompts = [q.prompt for q in questions_from_quiz(first.quiz)]
    # A retake missing the first question again does not count twice for one person.
    take_quiz(district.other_pair.para, first, wrong=(0,))
    client.force_login(district.school_admin)
    rows = {row["Module"]: row for row in export_csv(client, "course_reports:modules")}
    row = rows[first.title]
    assert (row["Started"], row["Completed"]) == ("2", "1")
    # The teacher passed on the second try; the other pair's para has not passed.
    assert row["Average attempts to pass"] == "2.0"
    missed = row["Most missed on a first try"].split("; ")
    assert missed == [
        f"{prompts[0]} (missed by 2 on a first try)",
        f"{prompts[1]} (missed by 1 on a first try)",
        f"{prompts[2]} (missed by 1 on a first try)",
    ]
    assert rows[second.title]["Average attempts to pass"] == "1.0"
    page = client.get(reverse("course_reports:modules")).text
    assert "2.0" in page and f"{prompts[0]} (missed by 2 on a first try)" in page
    # Riverside's numbers are not Maple's.
    client.force_login(district.other_school_admin)
    rows = {row["Module"]: row for row in export_csv(client, "course_reports:modules")}
    assert (rows[first.title]["Started"], rows[first.title]["Completed"]) == ("1", "1")
    assert rows[first.title]["Average attempts to pass"] == "1.0"
    assert rows[first.title]["Most missed on a first try"] == ""
    # The district administrator's numbers are everyone's.
    client.force_login(district.district_admin)
    rows = {row["Module"]: row for row in export_csv(client, "course_reports:modules")}
    assert (rows[first.title]["Started"], rows[first.title]["Completed"]) == ("3", "2")
    assert rows[first.title]["Average attempts to pass"] == "1.5"
    assert rows[first.title]["Most missed on a first try"].startswith(
        f"{prompts[0]} (missed by 2 on a first try)"
    )


def test_the_module_report_leaves_out_questions_the_quiz_no_longer_has(client, district, learning):
    first, _second = learning.modules()
    # As if an editor had since replaced every question the learners missed.
    MissedQuestion.objects.filter(module=first).update(
        question_id=Concat(Value("removed-"), "question_id")
    )
    client.force_login(district.school_admin)
    rows = {row["Module"]: row for row in export_csv(client, "course_reports:modules")}
    assert rows[first.title]["Most missed on a first try"] == ""


def test_the_module_report_filters_by_learner_status(client, district, learning):
    first, second = learning.modules()
    client.force_login(district.school_admin)
    in_progress = export_csv(client, "course_reports:modules", status="in_progress")
    assert [row["Module"] for row in in_progress] == [first.title]
    overdue = export_csv(client, "course_reports:modules", status="overdue")
    assert [row["Module"] for row in overdue] == [first.title, second.title]


@pytest.mark.parametrize(
    ("ordering", "column"),
    [
        ("started_count", "Started"),
        ("-completed_count", "Completed"),
        ("average_attempts_to_pass", "Average attempts to pass"),
    ],
)
def test_the_module_report_sorts_by_the_numbers_it_shows(
    client, district, learning, ordering, column
):
    first, _second = learning.modules()
    take_quiz(district.other_pair.para, first, wrong=(0,))
    client.force_login(district.district_admin)
    shown = {row["Module"]: row for row in export_csv(client, "course_reports:modules")}
    rows = export_csv(client, "course_reports:modules", ordering=ordering)
    assert {row["Module"]: row for row in rows} == shown
    # Empty (nobody's attempts) sorts last either way.
    values = [(row[column] == "", float(row[column] or 0)) for row in rows]
    descending = ordering.startswith("-")
    assert values == sorted(
        values, key=lambda value: (value[0], -value[1] if descending else value[1])
    )


def test_the_module_reports_links_read_the_sites_once(client, district, learning, monkeypatch):
    from wagtail.models import Site

    reads = []
    read_site_root_paths = Site.get_site_root_paths
    monkeypatch.setattr(
        Site, "get_site_root_paths", lambda: reads.append(1) or read_site_root_paths()
    )
    client.force_login(district.district_admin)
    links = [f'href="{module.url}"' for module in learning.modules()]
    reads.clear()
    page = client.get(reverse("course_reports:modules")).text
    assert all(link in page for link in links)
    # Once for the page, not once a module (as ``module.url`` reads them).
    assert len(reads) == 1


# By pair ----------------------------------------------------------------------------------


def more_pairs_with_work(school, course, count: int) -> list[Pair]:
    """``count`` pairs at ``school``: each para assigned ``course``, each teacher its
    first module."""
    pairs = [PairFactory(school=school) for _ in range(count)]
    for pair in pairs:
        Assignment.objects.create(user=pair.para, page=course, due_on=TODAY + DAY)
        Assignment.objects.create(user=pair.teacher, page=course.modules()[0], due_on=TODAY)
    return pairs


def test_the_pair_reports_page_runs_as_many_queries_however_many_pairs(client, district, learning):
    client.force_login(district.district_admin)
    url = reverse("pair_reports:by_pair")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == HTTPStatus.OK
        return len(captured)

    queries()  # The first request also fills caches (the site, the session).
    few = queries()
    more_pairs_with_work(district.school, learning, 45)
    assert queries() == few


def listing(shown_by: str, district, learning) -> dict:
    """The query string of one way of listing a report."""
    return {
        "report's order": {},
        "person": {"ordering": "person"},
        "school, descending": {"ordering": "-school_name"},
        "last activity": {"ordering": "last_activity_at"},
        "progress, descending": {"ordering": "-percent"},
        "not started": {"status": "not_started"},
        "overdue": {"status": "overdue"},
        "a school": {"school": district.other_school.pk},
        "a course": {"course": learning.pk},
    }[shown_by]


def every_page(client, url_name: str, params: dict) -> list[list]:
    """The rows of each page of the report, first to last."""
    pages, number = [], 1
    while True:
        page = client.get(reverse(url_name), {**params, "p": number}).context["page_obj"]
        pages.append(list(page.object_list))
        if not page.has_next():
            return pages
        number += 1


@pytest.mark.parametrize(
    "shown_by",
    ["report's order", "school, descending", "not started", "a school", "a course"],
)
def test_the_pair_reports_pages_hold_whole_pairs_and_together_every_row(
    client, district, learning, shown_by
):
    more_pairs_with_work(district.other_school, learning, 45)
    params = listing(shown_by, district, learning)
    client.force_login(district.district_admin)
    exported = [
        (row["Para"], row["Assignment"])
        for row in export_csv(client, "pair_reports:by_pair", **params)
    ]
    pages = every_page(client, "pair_reports:by_pair", params)
    assert len(pages) > 1
    shown = [(str(row.pair.para), row.page.title) for row in itertools.chain(*pages)]
    assert sorted(shown) == sorted(exported)
    # Each pair's rows are on one page.
    pairs_by_page = [{row.pair_id for row in rows} for rows in pages]
    assert sum(map(len, pairs_by_page)) == len(set().union(*pairs_by_page))


@pytest.mark.parametrize(
    "shown_by",
    [
        "report's order",
        "person",
        "school, descending",
        "last activity",
        "progress, descending",
        "overdue",
        "a school",
        "a course",
    ],
)
def test_the_person_reports_pages_show_every_row_in_the_exports_order(
    client, district, learning, shown_by
):
    """The listing pages through rows without their completion unless it filters or
    sorts by it (``CompletionByPersonReport.get_base_queryset``); the export always
    reads it. Page by page, the rows are the export's, in its order."""
    pairs = more_pairs_with_work(district.other_school, learning, 30)
    modules = learning.modules()
    for n, pair in enumerate(pairs[:12]):
        # Some started, some finished, some late: statuses, progress and last
        # activity that differ from row to row.
        at = timezone.now() - datetime.timedelta(hours=n + 1)
        ModuleProgress.objects.create(
            user=pair.para,
            module=modules[0],
            started_at=at,
            read_at=at if n % 2 else None,
            passed_at=at if n % 2 else None,
            completed_at=at if n % 2 else None,
        )
        Assignment.objects.filter(user=pair.teacher).update(due_on=TODAY - DAY)
    params = listing(shown_by, district, learning)
    client.force_login(district.district_admin)
    exported = [
        (row["Person"], row["Assignment"], row["Status"], row["Last activity"])
        for row in export_csv(client, "course_reports:completion", **params)
    ]
    pages = every_page(client, "course_reports:completion", params)
    shown = [
        (
            str(row.user),
            row.page.title,
            str(STATUS_LABELS[row.status]),
            str(local_date(row.last_activity_at) or ""),
        )
        for row in itertools.chain(*pages)
    ]
    assert len(pages) > 1 or shown_by == "overdue"
    assert shown == exported
    assert len(shown) > 12


def test_the_pair_report_puts_both_partners_side_by_side(client, district, learning):
    d = district
    client.force_login(d.school_admin)
    rows = export_csv(client, "pair_reports:by_pair")
    by_para = {row["Para"]: row for row in rows}
    assert set(by_para) == {str(d.para), str(d.other_pair.para)}  # Maple only
    row = by_para[str(d.para)]
    assert (row["Assignment"], row["Para's status"], row["Teacher's status"]) == (
        "Stronger Together",
        "Overdue",
        "Complete",
    )
    assert (row["Actions done"], row["Actions"]) == ("1", "2")
    assert row["Last check-in"] == (TODAY - 2 * DAY).isoformat()
    assert row["Plan this week"] == "Yes"
    page = client.get(reverse("pair_reports:by_pair")).text
    assert "1 of 2" in page and "Not assigned" in page
    other = by_para[str(d.other_pair.para)]
    assert (other["Para's status"], other["Teacher's status"]) == ("In progress", "Not assigned")
    assert other["Plan this week"] == "No"


def test_the_district_pair_export_gives_every_row_its_own_pair(client, district, learning):
    d = district
    # A pair with nothing assigned sorts between the others and is passed over.
    Pair.objects.create(school=d.other_school, teacher=UserFactory(), para=UserFactory())
    client.force_login(d.district_admin)
    rows = export_csv(client, "pair_reports:by_pair")
    assert {(row["Para"], row["Teacher"], row["School"]) for row in rows} == {
        (str(d.para), str(d.teacher), d.school.name),
        (str(d.other_pair.para), str(d.other_pair.teacher), d.school.name),
        (str(d.far_pair.para), str(d.far_pair.teacher), d.other_school.name),
    }
    far = next(row for row in rows if row["Para"] == str(d.far_pair.para))
    assert (far["Para's status"], far["Teacher's status"]) == ("Not started", "Overdue")


def test_a_teacher_only_assignment_shows_once_for_each_of_their_pairs(client, district, learning):
    second_pair = Pair.objects.create(
        school=district.school, teacher=district.teacher, para=district.other_pair.para
    )
    client.force_login(district.school_admin)
    rows = export_csv(client, "pair_reports:by_pair", status="complete")
    assert sorted((row["Para"], row["Teacher's status"]) for row in rows) == sorted(
        [(str(district.para), "Complete"), (str(second_pair.para), "Complete")]
    )


@pytest.mark.parametrize(
    "narrowed_by", ["nothing", "a course", "a module", "complete", "overdue", "not_started"]
)
def test_a_page_of_pairs_reads_the_same_rows_as_the_reports_query(district, learning, narrowed_by):
    """The screen reads a page of pairs' rows from two plain queries
    (``assigned_work_of_pairs``); the exports read ``pair_assignment_rows``. Both give
    the same rows, partner statuses and action counts: a page both partners hold, a
    page only the teacher holds, a teacher in two pairs, actions under one module.
    The pairs with rows are counted as every pair less those without
    (``count_pairs_with_assigned_work``): one pair has none."""
    from reporting.pair_reports import (
        assigned_work_of_pairs,
        count_pairs_with_assigned_work,
        pair_assignment_rows,
    )

    d = district
    first, second = learning.modules()
    second_pair = Pair.objects.create(school=d.school, teacher=d.teacher, para=UserFactory())
    idle_pair = Pair.objects.create(school=d.school, teacher=UserFactory(), para=UserFactory())
    Assignment.objects.create(user=d.teacher, page=second, due_on=TODAY - DAY)
    Assignment.objects.create(user=second_pair.para, page=first, due_on=TODAY + DAY)
    PairAction.objects.create(
        pair=second_pair, module=second, block_id="b1", text="Model it", planned_for=TODAY
    )
    course = {"a course": learning, "a module": first}.get(narrowed_by)
    status = narrowed_by if narrowed_by in ("complete", "overdue", "not_started") else None

    def described(rows):
        return sorted(
            (
                row.pair_id,
                row.pk,
                row.school_name,
                row.para_status,
                row.teacher_status,
                row.actions_done,
                row.actions_total,
            )
            for row in rows
        )

    pairs = list(Pair.objects.active().select_related("school").order_by("pk"))
    queried = pair_assignment_rows(d.district_admin, TODAY)
    if course is not None:
        queried = queried.filter(page__path__startswith=course.path)
    if status is not None:
        queried = queried.filter(para_status=status) | queried.filter(teacher_status=status)
    expected = described(queried)
    assert expected, "the case shows some rows"
    assert described(assigned_work_of_pairs(pairs, TODAY, course, status)) == expected
    # The page's count of pairs: those with rows, counted as all less those without.
    assert idle_pair.pk not in {pair_id for pair_id, *_row in expected}
    active = Pair.objects.active()
    for scope in (active, active.filter(school=d.school), active.filter(school=d.other_school)):
        assert count_pairs_with_assigned_work(scope, TODAY, course, status) == len(
            {pair_id for pair_id, *_row in expected} & set(scope.values_list("pk", flat=True))
        )


# Pair health ---------------------------------------------------------------------------


def test_pair_health_names_what_needs_attention(client, district, learning):
    d = district
    client.force_login(d.school_admin)
    rows = {row["Para"]: row for row in export_csv(client, "pair_reports:health")}
    assert set(rows) == {str(d.para), str(d.other_pair.para)}
    assert rows[str(d.para)]["Needs attention"] == "1 waiting on the teacher"
    assert rows[str(d.other_pair.para)]["Needs attention"] == (
        "No check-in for two weeks; No plan this week"
    )
    assert "1 waiting on the teacher" in client.get(reverse("pair_reports:health")).text
    quiet = export_csv(client, "pair_reports:health", status="quiet")
    assert [row["Para"] for row in quiet] == [str(d.other_pair.para)]
    client.force_login(d.other_school_admin)
    rows = export_csv(client, "pair_reports:health", course=learning.pk)
    assert [row["Para"] for row in rows] == [str(d.far_pair.para)]


# Queries and memory as the district grows ---------------------------------------------


def grow(district, course, pairs: int) -> None:
    """``pairs`` more pairs in Maple, both partners assigned the course, with progress,
    attempts, actions and check-ins: about eight rows of learner state a pair."""
    first = course.modules()[0]
    start = User.objects.count()
    people = User.objects.bulk_create(
        User(username=f"bulk{start + i}", role="para" if i % 2 else "teacher")
        for i in range(2 * pairs)
    )
    teachers, paras = people[0::2], people[1::2]
    made = Pair.objects.bulk_create(
        Pair(school=district.school, teacher=t, para=p, started_on=datetime.date(2026, 8, 1))
        for t, p in zip(teachers, paras, strict=True)
    )
    district.school.members.add(*people)
    Assignment.objects.bulk_create(
        Assignment(user=person, page=course, due_on=TODAY + (i % 7 - 3) * DAY)
        for i, person in enumerate(people)
    )
    now = timezone.now()
    ModuleProgress.objects.bulk_create(
        ModuleProgress(user=p, module=first, read_at=now, completed_at=now if i % 2 else None)
        for i, p in enumerate(paras)
    )
    questions = questions_from_quiz(first.quiz)
    right = {q.id: sorted(q.correct_ids) for q in questions}
    QuizAttempt.objects.bulk_create(
        QuizAttempt(user=p, module=first, answers=right, score=1, passed=True, form_token=str(i))
        for i, p in enumerate(paras)
    )
    PairAction.objects.bulk_create(
        PairAction(pair=pair, module=first, block_id="b", text="Meet", planned_for=TODAY - DAY)
        for pair in made
    )
    CheckIn.objects.bulk_create(
        CheckIn(pair=pair, happened_on=TODAY - (i % 20) * DAY, minutes=10)
        for i, pair in enumerate(made)
    )


def count_queries(client, django_assert_max_num_queries, url_name, limit, **params):
    # What the process keeps between requests (the site and its root paths) is read once.
    client.get(reverse(url_name), params)
    with django_assert_max_num_queries(limit):
        assert client.get(reverse(url_name), params).status_code == HTTPStatus.OK
    with django_assert_max_num_queries(limit):
        response = client.get(reverse(url_name), {**params, "export": "csv"})
        rows = sum(1 for _ in itertools.islice(response.streaming_content, 1, None))
    return rows


@pytest.mark.parametrize("url_name", REPORTS)
def test_report_queries_do_not_grow_with_the_district(
    client, district, learning, django_assert_max_num_queries, url_name
):
    client.force_login(district.district_admin)
    # Session, user, permissions and menus, the filters' choices, the rows (and pairs,
    # or the modules' progress, missed questions and pre-checks); the locales, twice
    # (Wagtail's admin with its localisation on). The module report, the most, runs 17.
    limit = 18
    small = count_queries(client, django_assert_max_num_queries, url_name, limit)
    grow(district, learning, pairs=1500)
    large = count_queries(client, django_assert_max_num_queries, url_name, limit)
    if url_name != "course_reports:modules":
        assert large > small + 1000


def test_the_school_filter_writes_what_djangos_select_would(district):
    """The reports' school filter reads its choices as (id, name) rows and writes
    them in Python: the options are those of Django's own field and widget."""
    from django import forms
    from django.test.html import parse_html

    from courses.admin_filters import LongSelect, SchoolChoiceField
    from pairs.models import School

    School.objects.create(name='Lincoln & "Park" <Annex>')
    schools = School.objects.order_by("name")
    chosen = str(district.other_school.pk)
    rendered = []
    for field_class, widget in (
        (forms.ModelChoiceField, forms.Select),
        (SchoolChoiceField, LongSelect),
    ):
        field = field_class(queryset=schools, empty_label="All", widget=widget)
        rendered.append(field.widget.render("school", chosen, {"id": "id_school", "class": "a&b"}))
    # The same elements, attributes and text (parse_html ignores attribute order).
    assert parse_html(rendered[0]) == parse_html(rendered[1])
    assert f'<option value="{chosen}" selected>' in rendered[1]
    assert "Lincoln &amp; &quot;Park&quot; &lt;Annex&gt;</option>" in rendered[1]
    assert SchoolChoiceField(queryset=schools).clean(chosen) == district.other_school


# Sorting, links and drill-downs ------------------------------------------------------


def table_order(html: str, names: list[str]) -> list[str]:
    """``names`` in the order the page shows them."""
    return sorted((name for name in names if name in html), key=html.index)


@pytest.mark.parametrize(
    ("url_name", "ordering", "column"),
    [
        ("course_reports:completion", "person", "Person"),
        ("course_reports:completion", "-due_on", "Due"),
        ("course_reports:completion", "percent", "Progress (percent of modules complete)"),
        ("course_reports:modules", "-completed_count", "Completed"),
        ("pair_reports:by_pair", "-assignment", "Assignment"),
        ("pair_reports:health", "-last_check_in", "Last check-in"),
    ],
)
def test_a_sorted_report_and_its_export_keep_the_same_order(
    client, district, learning, url_name, ordering, column
):
    client.force_login(district.district_admin)
    page = client.get(reverse(url_name), {"ordering": ordering}).content.decode()
    direction = "descending" if ordering.startswith("-") else "ascending"
    assert page.count("aria-sort=") == 1 and f'aria-sort="{direction}"' in page
    values = [row[column] for row in export_csv(client, url_name, ordering=ordering)]
    last_names = {str(user): user.last_name for user in User.objects.all()}
    key = {
        "Person": last_names.get,
        "Completed": int,
        "Progress (percent of modules complete)": int,
    }.get(column, str)
    assert values == sorted(values, key=key, reverse=ordering.startswith("-"))


def test_an_unknown_ordering_is_ignored(client, district, learning):
    client.force_login(district.district_admin)
    url = reverse("course_reports:completion")
    plain = export_csv(client, "course_reports:completion")
    assert export_csv(client, "course_reports:completion", ordering="user__password") == plain
    assert client.get(url, {"ordering": "user__password"}).status_code == HTTPStatus.OK


def test_names_in_the_reports_lead_to_their_drill_downs(client, district, learning):
    d = district
    client.force_login(d.school_admin)
    completion = client.get(reverse("course_reports:completion")).content.decode()
    assert reverse("drilldowns:person", args=[d.para.pk]) in completion
    health = client.get(reverse("pair_reports:health")).content.decode()
    assert reverse("drilldowns:pair", args=[d.pair.pk]) in health
    by_pair = client.get(reverse("pair_reports:by_pair")).content.decode()
    assert reverse("drilldowns:pair", args=[d.pair.pk]) in by_pair
    modules = client.get(reverse("course_reports:modules")).content.decode()
    first = learning.modules()[0]
    assert f'href="{first.url}"' in modules


def test_a_persons_drill_down_shows_everything_assigned_progress_attempts_and_hours(
    client, district, learning
):
    d = district
    client.force_login(d.school_admin)
    response = client.get(reverse("drilldowns:person", args=[d.teacher.pk]))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    first, second = learning.modules()
    for shown in ("Stronger Together", "Complete", first.title, second.title, "PD hours"):
        assert shown in page, shown
    # Two attempts at the first module (one failed), one at the second.
    assert page.count("Not passed") == 1 and page.count(">Passed<") == 2
    assert reverse("drilldowns:pair", args=[d.pair.pk]) in page
    assert reverse("people:edit", args=[d.teacher.pk]) in page


def test_a_pairs_drill_down_shows_side_by_side_checklist_plans_check_ins_and_health(
    client, district, learning
):
    d = district
    client.force_login(d.school_admin)
    response = client.get(reverse("drilldowns:pair", args=[d.pair.pk]))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    first = learning.modules()[0]
    assert first.title in page and "1 of 2" in page  # actions done together
    assert "<dt>Actions</dt><dd>2</dd>" in page and "<dt>Done by both</dt><dd>1</dd>" in page
    assert "<dt>Weekly plans</dt><dd>1</dd>" in page and "<dt>Check-ins</dt><dd>1</dd>" in page
    assert "1 waiting on the teacher" in page  # health, in words
    assert str(d.para) in page and str(d.teacher) in page


@pytest.mark.parametrize("name", ["person", "pair"])
def test_drill_downs_are_scoped_like_the_reports(client, district, learning, name):
    d = district
    target = d.far_pair if name == "pair" else d.far_pair.para
    url = reverse(f"drilldowns:{name}", args=[target.pk])
    client.force_login(d.school_admin)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(d.other_school_admin)
    assert client.get(url).status_code == HTTPStatus.OK
    client.force_login(d.para)
    assert client.get(url).status_code != HTTPStatus.OK


@pytest.mark.parametrize("name", ["person", "pair"])
def test_drill_down_queries_do_not_grow_with_the_persons_or_pairs_history(
    client, district, learning, django_assert_max_num_queries, name
):
    d = district
    url = reverse(f"drilldowns:{name}", args=[d.pair.pk if name == "pair" else d.para.pk])
    client.force_login(d.school_admin)
    with django_assert_max_num_queries(40) as small:
        assert client.get(url).status_code == HTTPStatus.OK
    # A long history: many more modules, attempts, actions, plans and check-ins.
    course = make_course("Working Together", modules=6)
    Assignment.objects.create(user=d.para, page=course, due_on=TODAY)
    for module in course.modules():
        take_quiz(d.para, module, wrong=(0,))
        take_quiz(d.para, module)
        complete(d.para, module)
        PairAction.objects.create(
            pair=d.pair, module=module, block_id=f"m{module.pk}", text="Try", planned_for=TODAY
        )
    for week in range(1, 10):
        WeeklyPlan.objects.create(pair=d.pair, week_of=monday_of(TODAY) - week * 7 * DAY)
        CheckIn.objects.create(
            pair=d.pair, author=d.para, happened_on=TODAY - week * 7 * DAY, minutes=20
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == HTTPStatus.OK


def test_last_activity_is_the_later_of_reading_and_quizzes_either_may_be_missing(district):
    first, _second = make_course("Stronger Together", modules=2).modules()
    monday = timezone.make_aware(datetime.datetime(2026, 11, 16, 9))
    for person in (district.para, district.teacher, district.other_pair.para):
        Assignment.objects.create(user=person, page=first, due_on=TODAY + 10 * DAY)
    # The para read and took no quiz; the teacher's quiz came after her reading.
    ModuleProgress.objects.create(
        user=district.para, module=first, started_at=monday, read_at=monday + DAY
    )
    take_quiz(district.teacher, first)
    ModuleProgress.objects.filter(user=district.teacher).update(
        started_at=monday, read_at=monday, completed_at=None
    )
    QuizAttempt.objects.filter(user=district.teacher).update(created_at=monday + 2 * DAY)

    rows = with_completion(Assignment.objects.all(), TODAY).values_list("user", "last_activity_at")
    assert dict(rows) == {
        district.para.pk: monday + DAY,
        district.teacher.pk: monday + 2 * DAY,
        district.other_pair.para.pk: None,
    }
