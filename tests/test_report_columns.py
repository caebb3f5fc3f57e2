"""The reports' table and columns write the same markup as Wagtail's templates."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import RequestFactory
from django.test.html import parse_html
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from wagtail.admin.ui import tables

from content.tables import (
    Column,
    DateColumn,
    NumberColumn,
    StatusTagColumn,
    Table,
    TitleColumn,
)
from tests.clock import START

TABLE_CONTEXT = {"row": None, "table": None, "request": None}


def assert_same_cell(column, row):
    written = column.render_cell_html(row, TABLE_CONTEXT)
    templated = column.cell_template.render(column.get_cell_context_data(row, TABLE_CONTEXT))
    assert parse_html(written) == parse_html(templated)
    return written


VALUES = [
    None,
    "",
    "   ",
    0,
    1234567,
    2.5,
    True,
    datetime.date(2026, 11, 18),
    "Ruiz & <Sons>",
    gettext_lazy("Not assigned"),
    # Equal values written differently: none may be shown as another was.
    1,
    1.0,
    -0.0,
    Decimal("1.0"),
    Decimal("1.00"),
    datetime.datetime(2026, 11, 18, 3, 30, tzinfo=datetime.UTC),
]


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("column_class", [Column, NumberColumn])
def test_a_plain_cell_is_the_templates(column_class, value, language):
    with translation.override(language):
        assert_same_cell(column_class("value"), SimpleNamespace(value=value))
        assert_same_cell(column_class("value", classname="w-num"), SimpleNamespace(value=value))


def test_a_cell_shows_a_day_in_the_readers_language_and_a_time_in_their_zone():
    """Days and numbers are written once for each language (``content.tables.localized``):
    the same day read in Spanish after English is still written the Spanish way, and a
    day with a time, which is not kept, follows the time zone."""
    column = Column("value")
    day = SimpleNamespace(value=datetime.date(2026, 11, 18))
    moment = SimpleNamespace(value=datetime.datetime(2026, 11, 18, 3, 30, tzinfo=datetime.UTC))
    with translation.override("en"):
        assert "Nov. 18, 2026" in assert_same_cell(column, day)
    with translation.override("es"):
        assert "18 de noviembre de 2026" in assert_same_cell(column, day)
    with timezone.override("America/New_York"):
        assert "10:30" in assert_same_cell(column, moment)
    with timezone.override("UTC"):
        assert "3:30" in assert_same_cell(column, moment)


@pytest.mark.parametrize("primary", [True, False, None])
@pytest.mark.parametrize("value", ["Overdue", "", "<b>Done</b>"])
def test_a_status_cell_is_the_templates(value, primary):
    column = StatusTagColumn("status", primary=lambda row: primary)
    assert_same_cell(column, SimpleNamespace(status=value))


@pytest.mark.parametrize("url", ["/admin/reports/people/3/?a=1&b=2", None, ""])
@pytest.mark.parametrize("value", ["Ana <Ruiz>", None, ""])
def test_a_title_cell_is_the_templates(value, url):
    column = TitleColumn("name", get_url=lambda row: url)
    assert_same_cell(column, SimpleNamespace(name=value))
    styled = TitleColumn(
        "name",
        get_url=lambda row: url,
        classname="w-wide",
        link_classname="w-link",
        link_attrs={"data-report": "people", "hidden": True, "lang": False},
    )
    written = assert_same_cell(styled, SimpleNamespace(name=value))
    if url:
        assert "&amp;b=2" in written


def test_a_title_cell_with_an_id_is_left_to_the_template():
    column = TitleColumn("name", get_url=lambda row: "/x/", get_title_id=lambda row: "title-3")
    written = assert_same_cell(column, SimpleNamespace(name="Ana"))
    assert 'id="title-3"' in written


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        datetime.date(2026, 11, 2),
        datetime.datetime(2026, 11, 18, 3, 30, tzinfo=datetime.UTC),
        "now",
    ],
)
@pytest.mark.parametrize("language", ["en", "es"])
def test_a_date_cell_is_the_templates(value, language):
    if value == "now":
        value = timezone.now()
    with translation.override(language):
        assert_same_cell(DateColumn("at"), SimpleNamespace(at=value))
        assert_same_cell(DateColumn("at", classname="w-date"), SimpleNamespace(at=value))


# How long ago, one of each of ``timesince``'s units and counts, and a moment to come.
AGO = [
    datetime.timedelta(minutes=-5),
    datetime.timedelta(seconds=30),
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(hours=1),
    datetime.timedelta(hours=3, minutes=20),
    datetime.timedelta(days=1),
    datetime.timedelta(days=3, hours=2),
    datetime.timedelta(weeks=1),
    datetime.timedelta(weeks=2, days=3),
    datetime.timedelta(days=31),
    datetime.timedelta(days=160),
    datetime.timedelta(days=366),
    datetime.timedelta(days=800),
]


def test_how_long_ago_is_wagtails_in_each_language_at_every_distance(clock):
    """``how_long_ago`` keeps each unit's text per language; its cells are still
    Wagtail's, read in English and Spanish in turn, for a day and for a moment."""
    now = clock.move_to(START, tick=False)
    written = {}
    for language in ["en", "es", "en"]:
        with translation.override(language):
            for ago in AGO:
                moment = now - ago
                cell = assert_same_cell(DateColumn("at"), SimpleNamespace(at=moment))
                written.setdefault(language, []).append(cell)
                assert_same_cell(DateColumn("at"), SimpleNamespace(at=moment.date()))
    with translation.override("en"):
        assert "Just now" in written["en"][0]
        assert "3\xa0days ago" in written["en"][7]
    with translation.override("es"):
        assert "días" in written["es"][7]
    assert written["en"][: len(AGO)] == written["en"][len(AGO) :]


class StripedTable(Table):
    header_row_classname = "w-head"

    def get_row_attrs(self, instance):
        return {
            "class": "w-odd" if instance.n % 2 else "",
            "data-n": instance.n,
            "data-marked": True,
            "data-hidden": False,
            "title": instance.name,
        }


def rows(count):
    return [
        SimpleNamespace(
            n=n,
            name=f"Ana <{n}> & co" if n % 3 else None,
            status="Done" if n % 2 else "",
            at=datetime.datetime(2026, 11, 18, 3, n, tzinfo=datetime.UTC),
            url=f"/admin/people/{n}/?a=1&b=2" if n % 4 else None,
        )
        for n in range(count)
    ]


def every_column(width=None):
    return [
        TitleColumn("name", label="Who <they are>", get_url=lambda row: row.url, sort_key="name"),
        Column("name", label=gettext_lazy("Name")),
        NumberColumn("n", label="N", width=width),
        StatusTagColumn("status", primary=lambda row: row.n % 3 == 0),
        DateColumn("at", label="When", sort_key="at"),
        # A column Tandem does not write in Python, rendered by its template.
        tables.Column("name", label="Plain"),
    ]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    "table",
    [
        pytest.param(lambda: Table(every_column(), rows(7)), id="plain"),
        pytest.param(lambda: Table(every_column(), []), id="no rows"),
        pytest.param(
            lambda: StripedTable(
                every_column(width="10%"),
                rows(5),
                ordering="-at",
                base_url="/admin/reports/?school=3",
                classname="listing w-report",
                attrs={"id": "report", "aria-describedby": "report-help", "data-x": True},
                caption="Completion <by> person",
            ),
            id="every option",
        ),
    ],
)
def test_the_table_is_the_templates(table, language):
    """Rows, header, caption and column widths, as Wagtail's ``tables/table.html``
    writes them, with the context its loop gives each cell."""
    table = table()
    context = {"request": RequestFactory().get("/admin/reports/")}
    with translation.override(language):
        written = table.render_html(context)
        templated = tables.Table.render_html(table, context)
    assert parse_html(written) == parse_html(templated)
    assert written.count("<tr") == len(table.data) + 1
