"""District → Outside PD and District → Hire dates: per-person records an
administrator keeps, each screen scoped by ``pairs.scoping`` through
``ScopedModelViewSet`` (another school's record answers 404 wherever its id is typed)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, TitleColumn

from hours.forms import OutsidePDForm, PersonnelRecordForm, TitleIQualificationForm
from hours.models import OutsidePD, PersonnelRecord, TitleIQualification
from pairs.scoping import rows_of_people_in_scope
from pairs.viewsets import ScopedModelViewSet


class OutsidePDViewSet(ScopedModelViewSet):
    model = OutsidePD
    form_class = OutsidePDForm
    icon = "doc-full"
    menu_label = _("Outside PD")
    menu_hook = "register_district_menu_item"
    search_fields = ["title", "provider", "person__first_name", "person__last_name"]
    list_display = [
        TitleColumn(
            "title",
            label=_("Title"),
            get_url=lambda entry: reverse("outside_pd:edit", args=[entry.pk]),
        ),
        Column("person", label=_("Person")),
        Column("provider", label=_("Provider")),
        Column("completed_on", label=_("Date"), sort_key="completed_on"),
        Column("hours", label=_("Hours")),
        Column("delivery", label=_("Delivery"), accessor="get_delivery_display"),
    ]

    @staticmethod
    def queryset_for_user(user):
        return rows_of_people_in_scope(OutsidePD.objects.all(), user, "person").select_related(
            "person"
        )


class PersonnelRecordViewSet(ScopedModelViewSet):
    model = PersonnelRecord
    form_class = PersonnelRecordForm
    icon = "date"
    menu_label = _("Hire dates")
    menu_hook = "register_district_menu_item"
    search_fields = ["person__first_name", "person__last_name"]
    list_display = [
        TitleColumn(
            "person",
            label=_("Person"),
            get_url=lambda record: reverse("hire_dates:edit", args=[record.pk]),
        ),
        Column("hired_on", label=_("Hired on"), sort_key="hired_on"),
        Column("registration_starts_on", label=_("Registration period starts")),
    ]

    @staticmethod
    def queryset_for_user(user):
        return rows_of_people_in_scope(
            PersonnelRecord.objects.all(), user, "person"
        ).select_related("person")


class TitleIQualificationViewSet(ScopedModelViewSet):
    """Each para's Title I qualification route (34 CFR 200.58); the paras without one
    are listed by Reports → Paras without a Title I route."""

    model = TitleIQualification
    form_class = TitleIQualificationForm
    icon = "tick-inverse"
    menu_label = _("Title I qualifications")
    menu_hook = "register_district_menu_item"
    search_fields = ["person__first_name", "person__last_name"]
    list_display = [
        TitleColumn(
            "person",
            label=_("Para"),
            get_url=lambda record: reverse("title_i:edit", args=[record.pk]),
        ),
        Column("route", label=_("Route"), accessor="get_route_display"),
        Column("qualified_on", label=_("Date met"), sort_key="qualified_on"),
    ]

    @staticmethod
    def queryset_for_user(user):
        return rows_of_people_in_scope(
            TitleIQualification.objects.all(), user, "person"
        ).select_related("person")
