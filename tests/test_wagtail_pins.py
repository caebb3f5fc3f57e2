"""What the project's stand-ins for Wagtail's own methods rely on.

Each test names the Wagtail (or Django) behaviour that one of the project's
overrides depends on; when an upgrade changes it, the test says which override
to revisit (the override's comment links the upstream source).
"""

import inspect
import io

import openpyxl
import pytest
from django.test import RequestFactory
from wagtail.admin.views.generic.base import BaseListingView
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from accounts.backends import AuthenticationBackend
from reporting.base import AdministratorReportView
from reporting.completion_reports import CompletionByPersonReport

pytestmark = pytest.mark.django_db


def test_wagtails_paginate_queryset_returns_the_four_parts_the_report_view_replaces():
    """``AdministratorReportView.paginate_queryset`` swaps the page's rows in the
    tuple Wagtail returns: (paginator, page, rows, is_paginated)."""
    view = BaseListingView()
    view.request = RequestFactory().get("/", {"p": "2"})
    view.kwargs = {}
    paginator, page, rows, is_paginated = view.paginate_queryset(list(range(120)), 50)
    assert (paginator.num_pages, page.number, list(rows)[:1], is_paginated) == (3, 2, [50], True)
    assert "page_kwarg" in dir(view) and view.page_kwarg == "p"


def test_wagtails_xlsx_writer_takes_any_file_the_report_view_gives_it():
    """``write_xlsx_response`` hands ``write_xlsx`` a temporary file instead of
    Wagtail's BytesIO: it must only write to the file it is given."""
    assert list(inspect.signature(SpreadsheetExportMixin.write_xlsx).parameters) == [
        "self",
        "queryset",
        "output",
    ]
    view = CompletionByPersonReport()
    view.request = RequestFactory().get("/")
    output = io.BytesIO()
    view.write_xlsx([], output)
    output.seek(0)
    sheet = openpyxl.load_workbook(output).active
    assert [cell.value for cell in sheet[1]][:2] == ["Person", "School"]


def test_the_report_views_overrides_are_still_wagtails_method_names():
    for name in ("get", "paginate_queryset", "write_xlsx_response", "as_spreadsheet"):
        assert hasattr(SpreadsheetExportMixin, name) or hasattr(BaseListingView, name), name
        assert name in AdministratorReportView.__dict__ or name == "as_spreadsheet"


def test_django_asks_the_backend_for_each_requests_person(client, district, monkeypatch):
    """``AuthenticationBackend.get_user`` loads the person with their access flags:
    Django's session middleware must still call it for each request."""
    client.force_login(district.para)
    calls = []
    original = AuthenticationBackend.get_user

    def counted(self, user_id):
        calls.append(user_id)
        return original(self, user_id)

    monkeypatch.setattr(AuthenticationBackend, "get_user", counted)
    client.get("/learning/")
    assert calls == [district.para.pk]
