"""The administrators' panels on the Wagtail dashboard, each held to their schools."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from courses.models import Assignment, ModuleProgress
from tests.clock import TODAY
from tests.page_factories import make_course
from tests.test_reports import grow
from workspace.models import CheckIn

pytestmark = pytest.mark.django_db

PANELS = [
    "Overdue assignments",
    "Completion by school",
    "The last twelve weeks",
    "Pairs needing attention",
]


@pytest.fixture
def course(district):
    """Maple: one of two assignments complete, one overdue. Riverside: one of one
    complete."""
    course = make_course("Stronger Together", modules=1)
    module = course.modules()[0]
    week_ago, next_week = TODAY - datetime.timedelta(days=7), TODAY + datetime.timedelta(days=7)
    Assignment.objects.create(user=district.para, page=course, due_on=week_ago)
    Assignment.objects.create(user=district.teacher, page=course, due_on=next_week)
    Assignment.objects.create(user=district.far_pair.para, page=course, due_on=week_ago)
    now = timezone.now()
    for person in (district.teacher, district.far_pair.para):
        ModuleProgress.objects.create(user=person, module=module, read_at=now, completed_at=now)
    return course


def dashboard(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == HTTPStatus.OK
    return response.text


def test_a_school_admin_sees_their_school_only(client, district, course):
    page = dashboard(client, district.school_admin)
    assert all(panel in page for panel in PANELS)
    assert "<strong>1</strong> assignment is past its due date" in page
    assert "Maple" in page and "50% (1 of 2)" in page
    assert "Riverside" not in page
    # Neither Maple pair has checked in or planned this week.
    assert "<strong>2</strong> pairs have gone quiet" in page
    assert escape(str(district.pair)) in page and escape(str(district.far_pair)) not in page


def test_the_district_admin_sees_every_school(client, district, course):
    page = dashboard(client, district.district_admin)
    assert "<strong>1</strong> assignment is past its due date" in page
    assert "50% (1 of 2)" in page and "100% (1 of 1)" in page
    assert "<strong>3</strong> pairs have gone quiet" in page


def test_the_bars_are_drawn_on_the_server_with_their_numbers_in_words(client, district, course):
    page = dashboard(client, district.district_admin)
    assert (
        '<rect width="50%"' in page
        and '<rect width="100%" height="16" rx="3" fill="currentColor"' in page
    )
    assert "<script" not in page.split('id="tandem-completion-section"')[1].split("</section>")[0]


@pytest.mark.parametrize("who", ["editor"])
def test_editors_see_only_wagtails_own_panels(client, district, course, who):
    page = dashboard(client, getattr(district, who))
    assert not any(panel in page for panel in PANELS)


def test_the_dashboard_costs_the_same_queries_as_the_district_grows(
    client, district, course, django_assert_max_num_queries
):
    client.force_login(district.district_admin)
    url = reverse("wagtailadmin_home")
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    grow(district, course, pairs=500)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert "Pairs needing attention" in client.get(url).text


def trends_section(page: str) -> str:
    return page.split('id="tandem-trends-section"')[1].split("</section>\n    </div>")[0]


def test_the_trends_say_each_schools_last_twelve_weeks_in_words(client, district, course, clock):
    # Two planning meetings for the Maple pair, three weeks apart.
    CheckIn.objects.create(
        pair=district.pair, author=district.para, kind=CheckIn.Kind.PLANNING,
        happened_on=TODAY - datetime.timedelta(weeks=3), minutes=30,
    )  # fmt: skip
    CheckIn.objects.create(
        pair=district.pair, author=district.teacher, kind=CheckIn.Kind.PLANNING,
        happened_on=TODAY, minutes=20,
    )  # fmt: skip
    # An ordinary check-in is not a planning meeting.
    CheckIn.objects.create(pair=district.pair, author=district.para, happened_on=TODAY, minutes=5)
    page = dashboard(client, district.school_admin)
    trends = trends_section(page)
    assert "Riverside" not in trends
    assert "Modules completed each week." in trends
    assert (
        "1 module completed in the last 12 weeks; the most, 1 module completed, in the week of "
        "Nov. 16, 2026; 1 module completed so far this week."
    ) in trends
    assert (
        "50 minutes of planning in the last 12 weeks; the most, 30 minutes of planning, in the "
        "week of Oct. 26, 2026; 20 minutes of planning so far this week."
    ) in trends
    # Twelve bars a chart, drawn on the server, each with its week and number.
    assert trends.count("<rect ") == 24
    assert "<title>Nov. 16, 2026: 20</title>" in trends
    assert "<script" not in trends


def test_a_school_with_nothing_yet_says_so(client, district):
    page = dashboard(client, district.other_school_admin)
    assert "None in the last 12 weeks." in trends_section(page)
