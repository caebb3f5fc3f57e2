"""What every administrator's report shares: the view (its permission check, its
paging by key, its exports) and the filters."""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from django.core.exceptions import PermissionDenied
from django.db.models import F, OrderBy, QuerySet
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from wagtail.admin.views.reports import ReportView

from config.database import iterate_with_replica_reads, replica_reads
from content.models import show_in_reader_language
from content.tables import Table
from pairs.scoping import is_administrator

SORTABLE_HEADER = "reporting/admin/sortable_column_header.html"
# Rows an export reads from the database cursor at a time.
EXPORT_CHUNK = 2000


def sortable(column, *fields: str):
    """``column``, sortable by ``?ordering=<its sort_key>`` (or ``-<sort_key>``).

    Its header says which way the table is sorted (``aria-sort``), which
    Wagtail's own header does not. ``fields`` are what it sorts by, in order
    (``AdministratorReportView.sort_fields`` collects them); by default the sort
    key itself.
    """
    column.header_template_name = SORTABLE_HEADER
    column.sort_fields = fields or (column.sort_key,)
    return column


class ReadsFromReplica:
    """A view whose reads go to the read replica, when there is one (``config.database``).

    For views that write nothing: a report is a snapshot, so a replica a moment
    behind the primary is as good. Its template is rendered, and a streamed
    export produced, inside the scope too, since both happen after ``dispatch``
    returns and may still query.
    """

    def dispatch(self, request, *args, **kwargs):
        with replica_reads():
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
        if isinstance(response, StreamingHttpResponse) and not isinstance(response, FileResponse):
            response.streaming_content = iterate_with_replica_reads(response.streaming_content)
        return response


class AdministratorReportView(ReadsFromReplica, ReportView):
    """A report for school and district administrators, over their own schools.

    A filter value outside what the filter offers (another school's id typed
    into the URL) answers 404 rather than quietly showing everything. An export
    holds exactly the rows the screen would, streamed from the database cursor:
    Wagtail's own export streams the CSV but first counts the rows by loading
    them all, which is what ``get`` sidesteps here. Its CSV cells are neutralised
    against spreadsheet formulas like every Wagtail export's
    (``content.spreadsheets.neutralise_wagtail_csv_exports``).

    Three methods stand in for Wagtail's (``tests/test_wagtail_pins.py`` pins
    what they rely on): ``get``, ``paginate_queryset`` and ``write_xlsx_response``,
    from https://github.com/wagtail/wagtail/blob/v8.0.1/wagtail/admin/views/generic/base.py
    (``BaseListingView``) and
    https://github.com/wagtail/wagtail/blob/v8.0.1/wagtail/admin/views/mixins.py
    (``SpreadsheetExportMixin``).
    """

    paginate_by = 50
    export_filename = "report"
    # Its rows written in Python, as its cells are (content.tables).
    table_class = Table
    # For rows whose columns cost more than sorting them: the fields that name a
    # row. The page's rows are then chosen by these alone, and their columns
    # computed for those rows only (SQLite computes them for every row it sorts).
    page_keys: tuple[str, ...] = ()
    # The attribute of a row holding the course or module it is about ("page"), so
    # the screen and the exports title it in the administrator's language.
    row_page: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if not is_administrator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def sort_fields(self) -> dict[str, tuple[str, ...]]:
        """``{sort key: fields}`` of the sortable columns: the only values ``?ordering=``
        may take (Wagtail's ``get_valid_orderings`` ignores any other)."""
        return {
            column.sort_key: getattr(column, "sort_fields", (column.sort_key,))
            for column in self.columns
            if column.sort_key
        }

    @property
    def sorted_by(self) -> str | None:
        """The sort key of the column chosen with ``?ordering=``, without its "-"."""
        return self.ordering.removeprefix("-") if self.ordering else None

    def in_chosen_direction(self, fields: tuple[str, ...]) -> list[OrderBy]:
        """``fields`` ordered the way ``?ordering=`` asks, empty values last either way."""
        if self.ordering and self.ordering.startswith("-"):
            return [F(field).desc(nulls_last=True) for field in fields]
        return [F(field).asc(nulls_last=True) for field in fields]

    def order_queryset(self, queryset):
        """The chosen column's fields first, then the report's own order for ties, so
        a page boundary never splits equal rows differently. An export is ordered
        here too, so it keeps matching the screen."""
        if not self.sorted_by:
            return queryset
        chosen = self.in_chosen_direction(self.sort_fields[self.sorted_by])
        return queryset.order_by(*chosen, *queryset.query.order_by)

    @cached_property
    def today(self) -> datetime.date:
        return timezone.localdate()

    def filter_value(self, name: str):
        return self.filters.form.cleaned_data.get(name) if self.filters else None

    def check_filters(self) -> None:
        if self.filters is not None and not self.filters.is_valid():
            raise Http404("A filter names something outside this administrator's schools.")

    def get_filtered_queryset(self):
        self.check_filters()
        return super().get_filtered_queryset()

    def get(self, request, *args, **kwargs):
        if self.is_export:
            rows = self.export_rows(self.get_filtered_queryset())
            return self.as_spreadsheet(rows, request.GET.get("export"))
        return super().get(request, *args, **kwargs)

    def export_rows(self, queryset: QuerySet) -> Iterator:
        rows = queryset.iterator(chunk_size=EXPORT_CHUNK)
        return self.titled_by_chunk(rows) if self.row_page else rows

    def titled_by_chunk(self, rows: Iterator) -> Iterator:
        """``rows`` with their pages titled in the reader's language: one query a
        chunk, so memory stays flat. The export streams after the view has returned,
        so the request's language is kept for it here."""
        language = translation.get_language()
        while chunk := list(islice(rows, EXPORT_CHUNK)):
            with translation.override(language):
                self.title_pages(chunk)
            yield from chunk

    def title_pages(self, rows: Sequence) -> None:
        if self.row_page:
            show_in_reader_language(getattr(row, self.row_page) for row in rows)

    def paginate_queryset(self, queryset, page_size):
        # Wagtail builds the table from the page's rows before its
        # ``decorate_paginated_queryset`` hook runs, so rows are completed here
        # (BaseListingView.get_context_data, wagtail/admin/views/generic/base.py).
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = self.page_rows(rows)
        return paginator, page, page.object_list, is_paginated

    def page_rows(self, rows: QuerySet) -> Sequence:
        """The rows of one page, as the table shows them: a hook to add what is
        computed for a page's rows only."""
        if not self.page_keys:
            if self.row_page:
                rows = list(rows)
                self.title_pages(rows)
            return rows
        keys = list(rows.values_list(*self.page_keys))
        computed = {
            tuple(getattr(row, field) for field in self.page_keys): row
            for row in self.rows_of_keys(keys)
        }
        rows = [computed[key] for key in keys]
        self.title_pages(rows)
        return rows

    def rows_of_keys(self, keys: list[tuple]) -> Iterable:
        """The rows named by ``keys`` (values of ``page_keys``), with their columns."""
        wanted = {
            f"{field}__in": {key[position] for key in keys}
            for position, field in enumerate(self.page_keys)
        }
        # The listing's own queryset, already built: building it again costs more
        # than the query.
        return self.object_list.filter(**wanted)

    def write_xlsx_response(self, rows):
        # Wagtail builds the workbook in a BytesIO (SpreadsheetExportMixin
        # .write_xlsx_response); a temporary file keeps memory flat (openpyxl's
        # write-only mode already spools each sheet to disk). The response closes
        # the file once it is sent.
        output = tempfile.TemporaryFile()  # noqa: SIM115
        self.write_xlsx(rows, output)
        output.seek(0)
        return FileResponse(
            output,
            as_attachment=True,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            filename=f"{self.get_filename()}.xlsx",
        )

    def get_filename(self) -> str:
        return f"{self.export_filename}-{self.today:%Y-%m-%d}"
