"""Record of access: every view, change and export of a pair's records, with
filters by person, pair, action and date, and the CSV and XLSX exports Wagtail's
``ReportView`` gives, holding the rows the screen shows.

The district administrator's alone; the pairs come from ``pairs.scoping``.
"""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView

from courses.admin_filters import LongSelect
from pairs.models import Pair
from pairs.scoping import pairs_for_user
from workspace.models import AccessRecord


def _name(prefix: str = "") -> Coalesce:
    """A person's name as ``User.__str__`` gives it: full name, else username."""
    full = Trim(
        Concat(f"{prefix}first_name", Value(" "), f"{prefix}last_name", output_field=CharField())
    )
    return Coalesce(NullIf(full, Value("")), f"{prefix}username", output_field=CharField())


def access_rows(admin) -> QuerySet[AccessRecord]:
    """The records of every pair ``admin`` may see, newest first, each with the
    person's and the pair's names. The ids carry no database constraint (a record
    outlives what it names), so the names are looked up, not joined."""
    User = get_user_model()
    person = User.objects.filter(pk=OuterRef("user_id")).annotate(name=_name()).values("name")
    pair = (
        Pair.objects.filter(pk=OuterRef("pair_id"))
        .annotate(
            name=Concat(_name("teacher__"), Value(" & "), _name("para__"), output_field=CharField())
        )
        .values("name")
    )
    return (
        AccessRecord.objects.filter(pair_id__in=pairs_for_user(admin).values("pk"))
        .annotate(
            person_name=Coalesce(Subquery(person[:1]), Value(str(_("A deleted person")))),
            pair_name=Coalesce(Subquery(pair[:1]), Value(str(_("A deleted pair")))),
        )
        .order_by("-at", "-pk")
    )


def people_in_records(request):
    User = get_user_model()
    seen = access_rows(request.user).values("user_id")
    return User.objects.filter(pk__in=seen).order_by("last_name", "first_name", "pk")


def pairs_in_scope(request):
    return (
        pairs_for_user(request.user)
        .select_related("teacher", "para")
        .order_by("teacher__last_name", "para__last_name", "pk")
    )


class AccessFilterSet(WagtailFilterSet):
    person = django_filters.ModelChoiceFilter(
        label=_("Person"),
        field_name="user",
        queryset=people_in_records,
        empty_label=_("Anyone"),
        widget=LongSelect,
    )
    pair = django_filters.ModelChoiceFilter(
        label=_("Pair"),
        queryset=pairs_in_scope,
        empty_label=_("Any pair"),
        widget=LongSelect,
    )
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=AccessRecord.Action.choices, empty_label=_("Any action")
    )
    at = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)

    class Meta:
        model = AccessRecord
        fields: list[str] = []


def _label(choices):
    labels = dict(choices)
    return {fmt: lambda value: str(labels.get(value, value)) for fmt in ReportView.FORMATS}


def local_time(value):
    """The site's time, to the second, as the screen shows it (a spreadsheet cell
    holds no time zone)."""
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0)


class AccessReport(ReportView):
    page_title = _("Record of access")
    header_icon = "history"
    index_url_name = "privacy:pairs"
    index_results_url_name = "privacy:pairs_results"
    filterset_class = AccessFilterSet
    columns = [
        DateColumn("at", label=_("When")),
        Column("person_name", label=_("Who")),
        Column("role", label=_("As"), accessor="get_role_display"),
        TitleColumn(
            "pair_name",
            label=_("Pair"),
            get_url=lambda record: reverse("privacy:pair_access", args=[record.pair_id]),
        ),
        Column("action", label=_("Action"), accessor="get_action_display"),
        Column("part", label=_("Records"), accessor="get_part_display"),
    ]
    list_export = ["at", "person_name", "role", "pair_name", "action", "part"]
    export_headings = {
        "at": _("When"),
        "person_name": _("Who"),
        "role": _("As"),
        "pair_name": _("Pair"),
        "action": _("Action"),
        "part": _("Records"),
    }
    custom_field_preprocess = {
        "at": {fmt: local_time for fmt in ReportView.FORMATS},
        "role": _label(AccessRecord._meta.get_field("role").choices),
        "action": _label(AccessRecord.Action.choices),
        "part": _label(AccessRecord.Part.choices),
    }

    def dispatch(self, request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_district_admin):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return access_rows(self.request.user)

    def get_filename(self) -> str:
        return f"record-of-access-{timezone.localdate():%Y-%m-%d}"
