"""Record of access: every view, change and export of a pair's records, with
filters by person and pair (a name or an email address, typed), action and
date, and the CSV and XLSX exports Wagtail's ``ReportView`` gives, holding the
rows the screen shows.

The district administrator's alone; the pairs come from ``pairs.scoping``.
"""

from __future__ import annotations

import operator
from functools import reduce

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.views.reports import ReportView

from config.reversing import url_of
from content.tables import Column, DateColumn, Table, TitleColumn
from pairs.models import Pair
from pairs.scoping import in_scope, pairs_for_user
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
    # One row each by primary key: ``order_by()`` drops the models' default
    # orderings, which sorted it (and joined the pair's school to do so).
    person = (
        User.objects.filter(pk=OuterRef("user_id")).order_by().annotate(name=_name()).values("name")
    )
    pair = (
        Pair.objects.filter(pk=OuterRef("pair_id"))
        .order_by()
        .annotate(
            name=Concat(_name("teacher__"), Value(" & "), _name("para__"), output_field=CharField())
        )
        .values("name")
    )
    return (
        # The district administrator's scope is every pair, so also a deleted one:
        # a record outlives its pair and, naming no school, is theirs alone.
        in_scope(AccessRecord.objects.all(), "pair_id", pairs_for_user(admin))
        .annotate(
            person_name=Coalesce(Subquery(person[:1]), Value(str(_("A deleted person")))),
            pair_name=Coalesce(Subquery(pair[:1]), Value(str(_("A deleted pair")))),
        )
        .order_by("-at", "-pk")
    )


def person_matches(words: list[str], prefix: str = "") -> Q:
    """Whether every word is part of the person's first or last name, email
    address or username: "ana lopez" finds Ana López, "lopez@" her address."""
    fields = ("first_name", "last_name", "email", "username")
    matches = Q()
    for word in words:
        matches &= reduce(
            operator.or_, (Q(**{f"{prefix}{field}__icontains": word}) for field in fields)
        )
    return matches


def pair_matches(words: list[str]) -> Q:
    """Whether every word is part of either partner's name, email address or
    username: "ruiz li" finds the pair of Ana Ruiz and Bo Li."""
    matches = Q()
    for word in words:
        matches &= person_matches([word], "teacher__") | person_matches([word], "para__")
    return matches


def people_in_records(request) -> QuerySet:
    """The people a link may name (``?person=``): those in the records ``request.user`` reads."""
    seen = access_rows(request.user).values("user_id")
    return get_user_model().objects.filter(pk__in=seen)


def pairs_in_scope(request) -> QuerySet[Pair]:
    """The pairs a link may name (``?pair=``): those ``request.user`` may see."""
    return pairs_for_user(request.user).select_related("teacher", "para")


class AccessFilterSet(WagtailFilterSet):
    """Person and pair are found by what an administrator knows of them, a name or
    an email address, typed: a list of every person or pair of the district
    would be thousands long, and rendering it made the page grow with the district.

    ``person`` and ``pair`` take an id, for links that name one; the form holds
    them, hidden, only when the request does, so the filter menu shows the searches.
    """

    who = django_filters.CharFilter(
        label=_("Person"),
        method="filter_who",
        help_text=_("Part of a name, an email address or a username."),
    )
    pair_of = django_filters.CharFilter(
        label=_("Pair"),
        method="filter_pair_of",
        help_text=_("Part of either partner's name, email address or username."),
    )
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=AccessRecord.Action.choices, empty_label=_("Any action")
    )
    at = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)
    person = django_filters.ModelChoiceFilter(
        label=_("Person from a link"),
        field_name="user",
        queryset=people_in_records,
        widget=forms.HiddenInput,
        help_text=_("The link that opened this page chose the person; clear it above the table."),
    )
    pair = django_filters.ModelChoiceFilter(
        label=_("Pair from a link"),
        queryset=pairs_in_scope,
        widget=forms.HiddenInput,
        help_text=_("The link that opened this page chose the pair; clear it above the table."),
    )

    LINKED = ("person", "pair")

    class Meta:
        model = AccessRecord
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        for name in self.LINKED:
            if not self.data.get(name):
                del self.filters[name]

    def filter_who(self, queryset, name, value):
        # The rows are already those of the pairs in scope; whoever opened them is
        # findable, whichever school (if any) that person belongs to.
        people = get_user_model().objects.filter(person_matches(value.split()))
        return queryset.filter(user_id__in=people.values("pk"))

    def filter_pair_of(self, queryset, name, value):
        pairs = pairs_for_user(self.request.user).filter(pair_matches(value.split()))
        return queryset.filter(pair_id__in=pairs.values("pk"))

    @property
    def names_an_unknown_link(self) -> bool:
        """Whether the request names, by id, a person or pair not in the records shown."""
        return any(name in self.form.errors for name in self.LINKED)

    @property
    def searched_for(self) -> list[str]:
        """The texts typed in the person and pair searches, as they were typed."""
        if not self.is_valid():
            return []
        return [
            self.form.cleaned_data[name]
            for name in ("who", "pair_of")
            if self.form.cleaned_data[name]
        ]


ROLE_LABELS = dict(AccessRecord._meta.get_field("role").choices)
ACTION_LABELS = dict(AccessRecord.Action.choices)
PART_LABELS = dict(AccessRecord.Part.choices)


def label_of(labels: dict, attribute: str):
    """A row's choice shown by its label. Django's ``get_FOO_display()`` rebuilds
    the whole mapping on every call: 150 calls a page cost 10 ms."""
    return lambda record: labels.get(getattr(record, attribute), getattr(record, attribute))


def _label(labels: dict):
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
    # Cells and rows written in Python (content.tables): a template each cost more
    # than the rest of the row, 300 cells a page.
    table_class = Table
    columns = [
        DateColumn("at", label=_("When")),
        Column("person_name", label=_("Who")),
        Column("role", label=_("As"), accessor=label_of(ROLE_LABELS, "role")),
        TitleColumn(
            "pair_name",
            label=_("Pair"),
            get_url=lambda record: url_of("privacy:pair_access", record.pair_id),
        ),
        Column("action", label=_("Action"), accessor=label_of(ACTION_LABELS, "action")),
        Column("part", label=_("Records"), accessor=label_of(PART_LABELS, "part")),
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
        "role": _label(ROLE_LABELS),
        "action": _label(ACTION_LABELS),
        "part": _label(PART_LABELS),
    }

    def dispatch(self, request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_district_admin):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return access_rows(self.request.user)

    def filter_queryset(self, queryset):
        # Wagtail lists every row when a filter is invalid; a link naming a person
        # or pair outside the records must not widen to all of them.
        if self.filters and not self.filters.is_valid() and self.filters.names_an_unknown_link:
            return queryset.none()
        return super().filter_queryset(queryset)

    @cached_property
    def no_results_message(self):
        if self.filters and self.filters.names_an_unknown_link:
            return _("This link names a person or pair who is not in the record of access.")
        if searched := self.filters and self.filters.searched_for:
            return _(
                "No access record matches “%(search)s” with these filters. Try part of "
                "a name or of an email address."
            ) % {"search": " + ".join(searched)}
        if self.is_filtering:
            return _("No access record matches these filters.")
        return _("Nobody has viewed, changed or exported a pair's records yet.")

    def get_filename(self) -> str:
        return f"record-of-access-{timezone.localdate():%Y-%m-%d}"
