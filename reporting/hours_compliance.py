"""The PD-hours reports. Compliance: for each person under a rule the district
follows, this period's hours by source, the hours required (prorated by hire
date), on track, behind or met, and the next deadline; per school or for the
whole district, with CSV and XLSX exports and each person's statement PDF.

Standings come from ``hours.compliance``, which reads everyone listed in a fixed
number of queries, so the report's query count does not grow with the district.
And the paras with no Title I qualification route on record.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from accounts import roles
from config.reversing import url_of
from content.tables import Column, StatusTagColumn, TitleColumn
from courses.admin_filters import SchoolChoiceFilter
from hours.compliance import (
    BEHIND,
    STATUS_CHOICES,
    Standing,
    compliance_for,
    rules_followed,
    stream_compliance,
)
from hours.models import PersonnelRecord, TitleIQualification
from hours.rules import COLLABORATION, MODULE, OUTSIDE, rule_choices
from pairs.scoping import memberships, people_in_scope, school_name_of
from reporting.base import AdministratorReportView


@dataclass(frozen=True)
class ComplianceRow:
    """One person under one rule, as the report lists them."""

    person: object
    school_name: str
    hired_on: datetime.date | None
    standing: Standing

    @property
    def person_name(self) -> str:
        return str(self.person)

    @property
    def rule_name(self) -> str:
        return self.standing.rule.name

    @property
    def status(self) -> str:
        return self.standing.status

    @property
    def status_label(self) -> str:
        return self.standing.label

    @property
    def period(self) -> str:
        if self.standing.period is None:
            return ""
        first, last = self.standing.period
        return f"{first:%Y-%m-%d} – {last:%Y-%m-%d}"

    @property
    def required_hours(self) -> Decimal | None:
        return self.standing.required_hours if self.standing.period else None

    @property
    def module_hours(self) -> Decimal:
        return self.standing.hours_from(MODULE)

    @property
    def collaboration_hours(self) -> Decimal:
        return self.standing.hours_from(COLLABORATION)

    @property
    def outside_hours(self) -> Decimal:
        return self.standing.hours_from(OUTSIDE)

    @property
    def credited_hours(self) -> Decimal:
        return self.standing.credited_hours

    @property
    def next_deadline(self) -> str:
        if self.standing.next_deadline is None:
            return ""
        label, day = self.standing.next_deadline
        return f"{label}: {day:%Y-%m-%d}"


class HoursComplianceFilterSet(WagtailFilterSet):
    school = SchoolChoiceFilter()
    rule = django_filters.ChoiceFilter(
        label=_("Rule"), choices=rule_choices, empty_label=_("Every rule"), method="keep"
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, empty_label=_("Any status"), method="keep"
    )

    class Meta:
        model = get_user_model()
        fields: list[str] = []

    def filter_school(self, queryset, name, school):
        return queryset.filter(memberships(school.pk, OuterRef("pk")))

    def keep(self, queryset, name, value):
        # Rule and status are a person's standing, computed after the query:
        # ``HoursComplianceReport.get_filtered_queryset`` applies them.
        return queryset


class HoursComplianceReport(AdministratorReportView):
    page_title = _("PD hours compliance")
    header_icon = "time"
    index_url_name = "hours_reports:compliance"
    index_results_url_name = "hours_reports:compliance_results"
    filterset_class = HoursComplianceFilterSet
    export_filename = "pd-hours-compliance"
    columns = [
        TitleColumn(
            "person",
            label=_("Person"),
            get_url=lambda row: url_of("hours:statement", row.person.pk),
        ),
        Column("school_name", label=_("School")),
        Column("rule_name", label=_("Rule")),
        Column("period", label=_("Period")),
        Column("required_hours", label=_("Required")),
        Column("module_hours", label=_("Modules")),
        Column("collaboration_hours", label=_("Collaboration")),
        Column("outside_hours", label=_("Outside PD")),
        Column("credited_hours", label=_("Credited")),
        StatusTagColumn(
            "status",
            label=_("Status"),
            accessor="status_label",
            primary=lambda row: row.status == BEHIND,
        ),
        Column("next_deadline", label=_("Next deadline")),
    ]
    list_export = [
        "person_name",
        "school_name",
        "hired_on",
        "rule_name",
        "period",
        "required_hours",
        "module_hours",
        "collaboration_hours",
        "outside_hours",
        "credited_hours",
        "status_label",
        "next_deadline",
    ]
    export_headings = {
        "person_name": _("Person"),
        "school_name": _("School"),
        "hired_on": _("Hired on"),
        "rule_name": _("Rule"),
        "period": _("Period"),
        "required_hours": _("Hours required"),
        "module_hours": _("Hours from modules"),
        "collaboration_hours": _("Hours from verified collaboration"),
        "outside_hours": _("Hours from outside PD"),
        "credited_hours": _("Hours credited"),
        "status_label": _("Status"),
        "next_deadline": _("Next deadline"),
    }

    @cached_property
    def rules(self):
        return rules_followed()

    def get_base_queryset(self) -> QuerySet:
        roles = {role for rule in self.rules for role in rule.roles}
        return (
            people_in_scope(self.request.user)
            .filter(is_active=True, role__in=roles)
            .annotate(school_name=school_name_of(self.request.user, OuterRef("pk")))
            .order_by("last_name", "first_name", "pk")
        )

    def get_paginate_by(self, queryset) -> int:
        # A page holds about ``paginate_by`` rows: a person has a row for each rule.
        if isinstance(queryset, list):
            return self.paginate_by
        rules = 1 if self.filter_value("rule") else max(1, len(self.rules))
        return max(1, self.paginate_by // rules)

    def rows_for(self, people: Sequence) -> list[ComplianceRow]:
        """The report's rows for ``people``: one per rule that applies to each."""
        rule = self.filter_value("rule")
        return [
            ComplianceRow(found.person, found.person.school_name or "", found.hired_on, standing)
            for found in compliance_for(people, self.today, self.rules)
            for standing in found.standings
            if not rule or standing.rule.slug == rule
        ]

    def all_rows(self, people: QuerySet) -> Iterator[ComplianceRow]:
        """Every row, read as streams in a fixed number of queries, memory kept flat."""
        rule = self.filter_value("rule")
        for found in stream_compliance(people, self.today, self.rules):
            for standing in found.standings:
                if not rule or standing.rule.slug == rule:
                    yield ComplianceRow(
                        found.person, found.person.school_name or "", found.hired_on, standing
                    )

    def get_filtered_queryset(self):
        people = super().get_filtered_queryset()
        status = self.filter_value("status")
        if not status:
            # Paged by person: standings are computed for one page's people only.
            return people
        # A status is known only once standings are computed: for everyone listed.
        return [row for row in self.all_rows(people) if row.status == status]

    def page_rows(self, rows) -> Sequence[ComplianceRow]:
        rows = list(rows)
        if rows and isinstance(rows[0], ComplianceRow):
            return rows
        return self.rows_for(rows)

    def export_rows(self, rows) -> Iterable[ComplianceRow]:
        return rows if isinstance(rows, list) else self.all_rows(rows)


class ParasWithoutRouteFilterSet(WagtailFilterSet):
    school = SchoolChoiceFilter()

    class Meta:
        model = get_user_model()
        fields: list[str] = []

    def filter_school(self, queryset, name, school):
        return queryset.filter(memberships(school.pk, OuterRef("pk")))


class ParasWithoutTitleIRoute(AdministratorReportView):
    """Active paras with no Title I qualification route on record (34 CFR 200.58):
    those an administrator still has to document."""

    page_title = _("Paras without a Title I route")
    header_icon = "warning"
    index_url_name = "hours_reports:without_title_i"
    index_results_url_name = "hours_reports:without_title_i_results"
    filterset_class = ParasWithoutRouteFilterSet
    export_filename = "paras-without-title-i-route"
    columns = [
        TitleColumn(
            "person", label=_("Para"), accessor=str, get_url=lambda person: reverse("title_i:add")
        ),
        Column("school_name", label=_("School")),
        Column("hired_on", label=_("Hired on")),
        Column("email", label=_("Email")),
    ]
    list_export = ["name", "school_name", "hired_on", "email"]
    export_headings = {
        "name": _("Para"),
        "school_name": _("School"),
        "hired_on": _("Hired on"),
        "email": _("Email"),
    }

    def get_base_queryset(self) -> QuerySet:
        admin = self.request.user
        return (
            people_in_scope(admin)
            .filter(is_active=True, role=roles.LearnerRole.PARA)
            # NOT IN, not NOT EXISTS: PostgreSQL then hashes the qualified once, where
            # with few of them on record it looked each para up in turn (8 ms to 2 ms
            # for 10,000 paras).
            .exclude(pk__in=TitleIQualification.objects.values("person"))
            .annotate(
                school_name=school_name_of(admin, OuterRef("pk")),
                hired_on=Subquery(
                    PersonnelRecord.objects.filter(person=OuterRef("pk")).values("hired_on")[:1]
                ),
                name=Concat("first_name", Value(" "), "last_name"),
            )
            .order_by("last_name", "first_name", "pk")
        )
