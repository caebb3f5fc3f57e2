"""Admin forms for outside PD and hire dates. Wagtail passes the signed-in
administrator as ``for_user``; the person chosen must be one of their people,
and any other choice fails validation like any invalid choice."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm

from accounts import roles
from hours.models import OutsidePD, PersonnelRecord, TitleIQualification
from pairs.scoping import people_managed_by


def learners_of(admin):
    return (
        people_managed_by(admin)
        .filter(role__in=roles.LEARNER_ROLES)
        .order_by("last_name", "first_name")
    )


class OutsidePDForm(WagtailAdminModelForm):
    class Meta:
        model = OutsidePD
        fields = ["person", "title", "provider", "completed_on", "hours", "delivery", "evidence"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = learners_of(self.for_user)

    def clean_completed_on(self):
        completed_on = self.cleaned_data["completed_on"]
        if completed_on > timezone.localdate():
            raise forms.ValidationError(_("Outside PD is recorded once it has taken place."))
        return completed_on

    def save(self, commit=True):
        if self.instance.pk is None:
            self.instance.entered_by = self.for_user
        return super().save(commit)


class PersonnelRecordForm(WagtailAdminModelForm):
    class Meta:
        model = PersonnelRecord
        fields = ["person", "hired_on", "registration_starts_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = learners_of(self.for_user)
        if self.instance.pk:
            self.fields["person"].disabled = True

    def clean_hired_on(self):
        hired_on = self.cleaned_data["hired_on"]
        if hired_on and hired_on > timezone.localdate() + datetime.timedelta(days=366):
            raise forms.ValidationError(_("A hire date more than a year ahead is likely a typo."))
        return hired_on


class TitleIQualificationForm(WagtailAdminModelForm):
    class Meta:
        model = TitleIQualification
        fields = ["person", "route", "qualified_on", "evidence", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = learners_of(self.for_user).filter(
            role=roles.LearnerRole.PARA
        )
        if self.instance.pk:
            self.fields["person"].disabled = True

    def clean_qualified_on(self):
        qualified_on = self.cleaned_data["qualified_on"]
        if qualified_on > timezone.localdate():
            raise forms.ValidationError(_("Record the route once the para has met it."))
        return qualified_on
