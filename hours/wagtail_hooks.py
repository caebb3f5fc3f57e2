"""The PD-hours screens of the Wagtail admin: outside PD and hire dates, in the
District menu. The compliance report is ``reporting``'s."""

from __future__ import annotations

from wagtail import hooks

from hours.viewsets import OutsidePDViewSet, PersonnelRecordViewSet, TitleIQualificationViewSet


@hooks.register("register_admin_viewset")
def register_outside_pd_viewset():
    return OutsidePDViewSet("outside_pd", url_prefix="outside-pd")


@hooks.register("register_admin_viewset")
def register_personnel_record_viewset():
    return PersonnelRecordViewSet("hire_dates", url_prefix="hire-dates")


@hooks.register("register_admin_viewset")
def register_title_i_viewset():
    return TitleIQualificationViewSet("title_i", url_prefix="title-i")
