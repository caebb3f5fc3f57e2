"""What every spreadsheet the site writes shares.

A CSV cell is read by Excel, LibreOffice and Google Sheets as a formula when its
text starts with ``=``, ``+``, ``-`` or ``@`` (and, in some of them, after a tab
or a carriage return): a name such as ``=HYPERLINK("http://…")`` typed by one
person would run on the administrator's machine who opens the export. The
advice followed here is OWASP's: prefix such a cell with an apostrophe, which
spreadsheet programs read as "this is text" and do not show.
https://owasp.org/www-community/attacks/CSV_Injection
"""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The UTF-8 byte-order mark every CSV export starts with: without it Excel reads the
# file as the machine's legacy code page, and "2026–2027" shows as "2026â€“2027".
# LibreOffice, Google Sheets and Python's "utf-8-sig" read it as the mark it is.
BYTE_ORDER_MARK = "\ufeff"

# Written as numbers and dates, which a spreadsheet reads as values, never as
# formulas: a negative number stays a number.
_NOT_TEXT = (int, float, Decimal, datetime.date, datetime.time)


def neutralise_formula(value):
    """``value`` as a CSV cell no spreadsheet program will run.

    Numbers, dates and empty cells are returned as they are; anything else is
    text (the ``csv`` module would write its ``str()``) and gets a leading
    apostrophe when it starts like a formula.
    """
    if value is None or isinstance(value, _NOT_TEXT):
        return value
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _NeutralisingWriter:
    """A ``csv.DictWriter`` whose rows are neutralised before they are written."""

    def __init__(self, writer):
        self.writer = writer

    def writerow(self, row: dict):
        return self.writer.writerow({field: neutralise_formula(v) for field, v in row.items()})


def neutralise_wagtail_csv_exports() -> None:
    """Make every CSV export of Wagtail's admin neutralise its cells.

    The administrators' reports, Wagtail's own (site history, with people's
    names and the titles of what they changed) and any listing with
    ``list_export`` all write CSV rows through one method,
    ``SpreadsheetExportMixin.write_csv_row``, after turning each value into
    what the cell holds:
    https://github.com/wagtail/wagtail/blob/v8.0.1/wagtail/admin/views/mixins.py
    It is wrapped once, at start-up, to hand Wagtail a writer that neutralises
    each cell (``tests/test_csv_exports.py`` pins what this relies on). The XLSX
    export needs nothing: Wagtail turns a cell openpyxl took for a formula back
    into a plain string.
    """
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    write_csv_row = SpreadsheetExportMixin.write_csv_row
    if getattr(write_csv_row, "neutralises_formulas", False):
        return

    @functools.wraps(write_csv_row)
    def neutralising_write_csv_row(self, writer, row_dict):
        return write_csv_row(self, _NeutralisingWriter(writer), row_dict)

    neutralising_write_csv_row.neutralises_formulas = True
    SpreadsheetExportMixin.write_csv_row = neutralising_write_csv_row


def mark_wagtail_csv_exports_as_utf8() -> None:
    """Start every CSV export of Wagtail's admin with ``BYTE_ORDER_MARK``.

    The exports stream through ``SpreadsheetExportMixin.stream_csv`` (same source
    as above), which is wrapped once, at start-up, to send the mark before the
    heading row (``tests/test_csv_exports.py`` checks it comes first).
    """
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    stream_csv = SpreadsheetExportMixin.stream_csv
    if getattr(stream_csv, "marks_utf8", False):
        return

    @functools.wraps(stream_csv)
    def marked_stream_csv(self, queryset):
        yield BYTE_ORDER_MARK
        yield from stream_csv(self, queryset)

    marked_stream_csv.marks_utf8 = True
    SpreadsheetExportMixin.stream_csv = marked_stream_csv
