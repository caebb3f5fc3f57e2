"""What an edit changed, written into Wagtail's log so each record's history says
"Due on: 1 Dec 2026 → 8 Dec 2026" rather than "Edited".

The values are stored as the words shown at the time (a school's name, a date),
so the history still reads correctly after the school is renamed or the choice
list changes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TypedDict

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.log_actions import log

EDIT_ACTION = "tandem.edit"


class Change(TypedDict):
    field: str  # the form field's name, for machines
    label: str  # its label, as the form showed it
    old: str
    new: str


def display(value, field: forms.Field | None = None) -> str:
    """``value`` as a person reads it: a date as "1 Dec 2026", a choice by its label,
    a record by its name, nothing as "—"."""
    if field is not None:
        value = _as_python(value, field)
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.date):
        return date_format(value, "j M Y")
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return str(dict(field.choices).get(value, value))
    if isinstance(value, Iterable) and not isinstance(value, str):
        return ", ".join(sorted(str(item) for item in value)) or "—"
    return str(value)


def _as_python(value, field: forms.Field):
    """A form's initial value (ids, for choices of records) as the records it names."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        ids = [getattr(item, "pk", item) for item in value or []]
        return list(field.queryset.model._base_manager.filter(pk__in=ids))
    if isinstance(field, forms.ModelChoiceField) and value not in (None, ""):
        if isinstance(value, Model):
            return value
        try:
            return field.queryset.model._base_manager.get(pk=value)
        except (field.queryset.model.DoesNotExist, ValueError, ValidationError):
            return value
    return value


def changes_in(form: forms.BaseForm) -> list[Change]:
    """What a valid bound form changes, field by field, in the words a person reads.
    Call it before the form is saved."""
    changes = []
    for name in form.changed_data:
        field = form.fields[name]
        old = display(form[name].initial, field)
        new = display(form.cleaned_data.get(name), field)
        if old != new:
            changes.append(Change(field=name, label=str(field.label), old=old, new=new))
    return changes


def change(name: str, label: str, old, new) -> Change:
    """One change made outside a form (a bulk action), in the same words."""
    return Change(field=name, label=str(label), old=display(old), new=display(new))


def log_changes(instance: Model, changes: list[Change], user, **kwargs) -> None:
    """Record ``changes`` to ``instance`` in its history (nothing if there are none)."""
    if changes:
        log(instance, EDIT_ACTION, user=user, data={"changes": changes}, **kwargs)


def describe(changes: list[Change]) -> str:
    """ "Due on: 1 Dec 2026 → 8 Dec 2026; Note: — → Read it first"."""
    return "; ".join(f"{c['label']}: {c['old']} → {c['new']}" for c in changes)
