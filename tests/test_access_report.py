"""Reports → Record of access: its person and pair searches, the links that name
a person or a pair by id, its exports, and a first page whose cost does not grow
with the district."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.template import Context
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.admin.ui import tables as wagtail_tables
from wagtail.admin.ui.tables import Table

from privacy.access_report import (
    AccessFilterSet,
    AccessReport,
    access_rows,
)
from tests.factories import PairFactory, ParaFactory, TeacherFactory, UserFactory, signed_in
from workspace.access_log import Action, Part, record_access_by

pytestmark = pytest.mark.django_db

RESULTS = "privacy:pairs_results"


@pytest.fixture
def named(district):
    """Ana Ruiz (teacher) and Bo Li (para) work together in Maple; Cy Ruiz and
    Di Okafor in Riverside. Each pair's records were read by its para."""
    ruiz_li = PairFactory(
        school=district.school,
        teacher=TeacherFactory(first_name="Ana", last_name="Ruiz", username="ana.ruiz"),
        para=ParaFactory(first_name="Bo", last_name="Li", username="bo.li"),
    )
    ruiz_okafor = PairFactory(
        school=district.other_school,
        teacher=TeacherFactory(first_name="Cy", last_name="Ruiz", username="cy.ruiz"),
        para=ParaFactory(first_name="Di", last_name="Okafor", username="di.okafor"),
    )
    record_access_by(ruiz_li.para, ruiz_li, Part.PLAN, Action.VIEWED)
    record_access_by(ruiz_okafor.para, ruiz_okafor, Part.CHECK_INS, Action.CHANGED)
    return ruiz_li, ruiz_okafor


def shown(admin, **filters) -> str:
    response = signed_in(admin).get(reverse(RESULTS), filters)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def rows_shown(admin, **filters) -> int:
    """How many records the table lists: each row links to its pair's record."""
    return shown(admin, **filters).count('/access/"')


def test_the_person_search_finds_people_by_part_of_their_name_or_address(district, named):
    admin = district.district_admin
    for typed in ("li", "Bo Li", "  bo   LI ", "bo.li@example"):
        page = shown(admin, who=typed)
        assert "Bo Li" in page and "Di Okafor" not in page, typed
    assert rows_shown(admin, who="okafor") == 1


def test_the_pair_search_finds_a_pair_by_either_partners_name(district, named):
    admin = district.district_admin
    both = shown(admin, pair_of="ruiz")
    assert "Ana Ruiz &amp; Bo Li" in both and "Cy Ruiz &amp; Di Okafor" in both
    # Each word may name either partner; together they narrow to one pair.
    one = shown(admin, pair_of="ruiz okafor")
    assert "Cy Ruiz &amp; Di Okafor" in one and "Ana Ruiz" not in one
    assert rows_shown(admin, pair_of="ana.ruiz@example.org") == 1


def test_the_searches_combine_with_the_action_and_date_filters(district, named):
    admin = district.district_admin
    assert rows_shown(admin, pair_of="ruiz", action=Action.CHANGED) == 1
    assert rows_shown(admin, pair_of="ruiz", at_from="2026-11-19") == 0


def test_a_search_matching_nobody_says_so_and_shows_no_rows(district, named):
    page = shown(district.district_admin, who="Zebulon")
    assert "<table" not in page
    assert "No access record matches “Zebulon” with these filters." in page
    page = shown(district.district_admin, pair_of="ruiz", who="Zebulon")
    assert "No access record matches “Zebulon + ruiz” with these filters." in page


def test_a_school_administrators_search_never_matches_a_pair_outside_their_schools(district, named):
    """The report is the district administrator's; its rows and searches ask
    ``pairs.scoping``, so for anyone narrower they stay within their scope."""
    admin = district.school_admin
    request = RequestFactory().get("/")
    request.user = admin
    for data in ({"pair_of": "okafor"}, {"who": "okafor"}, {"pair_of": "ruiz"}):
        filters = AccessFilterSet(data, access_rows(admin), request=request)
        assert filters.is_valid()
        assert [record.pair_id for record in filters.qs] in ([], [named[0].pk]), data


def test_a_deleted_pairs_records_are_the_district_administrators_alone(district, named):
    """A record outlives its pair. A deleted pair names no school any more, so (as
    in the site history) only the district administrator still reads its records."""
    ruiz_li, ruiz_okafor = named
    ruiz_li.delete()
    assert rows_shown(district.district_admin) == 2
    assert "A deleted pair" in shown(district.district_admin)
    # The report is the district administrator's; its rows keep to anyone's scope.
    assert not access_rows(district.school_admin).exists()
    assert [record.pair_id for record in access_rows(district.other_school_admin)] == [
        ruiz_okafor.pk
    ]


def test_links_naming_a_pair_or_a_person_by_id_keep_working(district, named):
    ruiz_li, ruiz_okafor = named
    admin = district.district_admin
    by_pair = shown(admin, pair=ruiz_okafor.pk)
    assert "Di Okafor" in by_pair and "Bo Li" not in by_pair
    # The filter in use says whose records these are, with a way to clear it.
    assert "Pair from a link:" in by_pair and "Cy Ruiz &amp; Di Okafor" in by_pair
    by_person = shown(admin, person=ruiz_li.para.pk)
    assert "Bo Li" in by_person and "Di Okafor" not in by_person


@pytest.mark.parametrize("link", [{"pair": 999_999}, {"person": 999_999}, {"pair": "x"}])
def test_a_link_naming_nobody_in_the_records_shows_nothing_rather_than_everything(
    district, named, link
):
    page = shown(district.district_admin, **link)
    assert "<table" not in page
    assert "This link names a person or pair who is not in the record of access." in page


def test_the_filter_menu_offers_the_searches_and_hides_the_link_ids(district, named):
    page = signed_in(district.district_admin).get(reverse("privacy:pairs")).content.decode()
    assert 'name="who"' in page and 'name="pair_of"' in page
    assert 'name="pair"' not in page and 'name="person"' not in page
    assert "<option" not in page.split('name="pair_of"')[0].split('name="who"')[-1]
    linked = signed_in(district.district_admin).get(reverse("privacy:pairs"), {"pair": named[0].pk})
    assert f'<input type="hidden" name="pair" value="{named[0].pk}"' in linked.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_exports_follow_the_searches(district, named, fmt):
    response = signed_in(district.district_admin).get(
        reverse("privacy:pairs"), {"pair_of": "okafor", "export": fmt}
    )
    assert response.status_code == HTTPStatus.OK
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        lines = data.decode("utf-8-sig").splitlines()
        assert len(lines) == 2 and "Cy Ruiz & Di Okafor" in lines[1]
    else:
        from io import BytesIO

        from openpyxl import load_workbook

        sheet = load_workbook(BytesIO(data)).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        assert len(rows) == 2 and rows[1][3] == "Cy Ruiz & Di Okafor"


def add_records(district, pairs: int) -> None:
    """``pairs`` more pairs, each with a record read by its para and one by an administrator."""
    for _ in range(pairs):
        pair = PairFactory(school=district.school)
        record_access_by(pair.para, pair, Part.PLAN, Action.VIEWED)
        record_access_by(district.school_admin, pair, Part.CHECKLIST, Action.EXPORTED)


@pytest.mark.parametrize("filters", [{}, {"who": "a"}, {"pair_of": "a", "action": "viewed"}])
def test_the_first_page_does_not_grow_with_the_district(district, named, filters):
    """Neither its queries nor what it lists beside the table: no list of every
    pair or person of the district to choose from."""
    client = signed_in(district.district_admin)
    url = reverse("privacy:pairs")
    client.get(url, filters)  # the session and the admin's permissions, once

    def first_page() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, filters)
        assert response.status_code == HTTPStatus.OK
        return len(captured), response.content.decode()

    few, _ = first_page()
    add_records(district, pairs=30)
    unread = PairFactory(
        teacher=TeacherFactory(last_name="Unread"), para=ParaFactory(last_name="Unopened")
    )
    UserFactory.create_batch(20)
    many, page = first_page()
    assert many == few
    assert str(unread.teacher) not in page and str(unread.para) not in page


# The cells written in Python (content.tables) give the markup of Wagtail's templates --


def rendered(column, record) -> str:
    table = Table([column], [record])
    return column.render_cell_html(record, Context({"table": table, "row": None}))


def wagtails_own(column):
    """Wagtail's column of the same kind, reading the same value and link."""
    kind = getattr(wagtail_tables, type(column).__name__)
    if isinstance(column, wagtail_tables.TitleColumn):
        return kind(column.name, accessor=column.accessor, get_url=column._get_url_func)
    return kind(column.name, accessor=column.accessor)


def test_the_reports_cells_are_written_in_python_as_wagtail_writes_them(district, named):
    """Each column of the report against Wagtail's own column of the same kind, on
    a real record (tests/test_report_columns.py covers the columns in general)."""
    from django.test.html import parse_html

    record = access_rows(district.district_admin).first()
    for ours in AccessReport.columns:
        assert type(ours).__module__ == "content.tables"
        wagtails = wagtails_own(ours)
        assert parse_html(rendered(ours, record)) == parse_html(rendered(wagtails, record))
