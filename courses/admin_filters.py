"""Filters and columns shared by the admin screens that list assignments: the
Assignments screen here, and the reports in ``reporting`` built on the same rows."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import (
    F,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.models import Page

from content.models import reader_content_language
from courses.assignment_status import STATUS_CHOICES, STATUS_LABELS
from courses.models import (
    Assignment,
    CoursePage,
)
from pairs.models import School
from pairs.scoping import administered_schools, memberships


def local_date(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(value).date() if value else None


def status_label(row) -> str:
    return str(STATUS_LABELS[row.status])


def school_choices(request) -> QuerySet[School]:
    return administered_schools(request.user).order_by("name")


def course_choices(request) -> QuerySet[CoursePage]:
    """Each course once, with ``title_shown``: its title in the reader's language."""
    translated = Page.objects.filter(
        translation_key=OuterRef("translation_key"),
        locale__language_code=reader_content_language(),
        live=True,
    ).values("title")[:1]
    return (
        CoursePage.objects.live()
        .sources()
        .annotate(title_shown=Coalesce(Subquery(translated), F("title")))
        .order_by("path")
    )


class LongSelect(forms.Select):
    """A ``<select>`` written in Python, not one template include per option: a
    district's 250 schools took 8 ms to render, on every report page, and each
    course's option about 0.1 ms."""

    def render(self, name, value, attrs=None, renderer=None):
        # Straight from the choices: Django's ``get_context`` builds a dictionary of
        # attributes and template names for each option first.
        # Each option joined from escaped pieces: ``format_html`` parses its format
        # string again for each of them.
        chosen = set(self.format_value(value))
        options = mark_safe(  # noqa: S308 - each value and label escaped
            "".join(
                f'<option value="{conditional_escape(option_value)}"'
                f"{' selected' if str(option_value) in chosen else ''}"
                f">{conditional_escape(label)}</option>"
                for option_value, label in self._flat_choices()
            )
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, attributes, options)

    def _flat_choices(self):
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):  # a group: its options, in order
                yield from label
            else:
                yield ("" if option_value is None else option_value), label


class LabelledChoiceIterator(ModelChoiceIterator):
    """A model choice field's choices read as ``(id, label)`` rows, the label the
    field's ``label_field``, rather than as model instances. Each report page
    offers a district's 250 schools, and building them as ``School`` instances
    took longer than writing their options."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        # Read whole, not through ``iterator()`` as Django's own iterator reads: on
        # PostgreSQL that opens a server-side cursor, three round trips for a few
        # hundred short rows.
        yield from self.queryset.values_list("pk", self.field.label_field)


class SchoolChoiceField(forms.ModelChoiceField):
    iterator = LabelledChoiceIterator
    label_field = "name"
    widget = LongSelect


class CourseChoiceField(forms.ModelChoiceField):
    iterator = LabelledChoiceIterator
    label_field = "title_shown"
    widget = LongSelect

    def label_from_instance(self, course) -> str:
        return getattr(course, "title_shown", course.title)


class CourseChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = CourseChoiceField


class SchoolChoiceFilter(django_filters.ModelChoiceFilter):
    """The administrator's schools, by name (a value outside them answers 404, see
    ``reporting.base.AdministratorReportView``); the filter set says what a school
    means for its rows in ``filter_school``."""

    field_class = SchoolChoiceField

    def __init__(self, **kwargs):
        super().__init__(
            label=_("School"),
            queryset=school_choices,
            empty_label=_("All my schools"),
            method="filter_school",
            **kwargs,
        )


class ReportFilterSet(WagtailFilterSet):
    """The school and course filters every report offers. Each report's filter set
    says what they mean for its rows in ``filter_school`` and ``filter_course``;
    the choices are limited to the administrator's schools (a value outside them
    answers 404, see ``AdministratorReportView``)."""

    school = SchoolChoiceFilter()
    course = CourseChoiceFilter(
        label=_("Course"),
        queryset=course_choices,
        empty_label=_("All courses"),
        method="filter_course",
    )

    def filter_school(self, queryset, name, school):
        raise NotImplementedError

    def filter_course(self, queryset, name, course):
        raise NotImplementedError


class CompletionFilterSet(ReportFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, empty_label=_("Any status")
    )

    class Meta:
        model = Assignment
        fields: list[str] = []

    def filter_school(self, queryset, name, school):
        return queryset.filter(memberships(school.pk, OuterRef("user")))

    def filter_course(self, queryset, name, course):
        return queryset.filter(page__path__startswith=course.path)
