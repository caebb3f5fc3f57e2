"""Bulk actions on the district's screens, through Wagtail's bulk-action framework:
tick rows in a listing, confirm on the action's page, and it is done and logged.

Every action acts only on the records its rule (``queryset_for_user``, from
``pairs.scoping``) lets the administrator reach: an id of another school's record
in the request is dropped before anything is shown or done, as if it had not been
sent, and a request naming none of theirs answers 404. Those dropped are never
listed, since even their names belong to the other school.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property, classproperty
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.admin.widgets import AdminDateInput, ListingButton

from pairs.account_management import deactivate
from pairs.change_log import change, log_changes
from pairs.models import Pair
from pairs.scoping import accounts_managed_by, is_administrator, pairs_administered_by


class ScopedBulkAction(BulkAction):
    """A bulk action held to the administrator's schools.

    Subclasses name their model (``scoped_model``), the rule for the records it may
    act on, the Django permission it needs besides being an administrator, and what
    the confirmation page asks.
    """

    template_name = "pairs/admin/bulk_confirm.html"
    scoped_model = None
    # "app_label.codename", or None where being an administrator is the permission.
    permission_required: str | None = None
    question = ""
    confirm_label = _("Yes, go ahead")
    header_icon = "list-ul"

    @classproperty
    def models(cls):
        return [cls.scoped_model] if cls.scoped_model else []

    @staticmethod
    def queryset_for_user(user) -> QuerySet:
        raise NotImplementedError

    @classmethod
    def user_may_act(cls, user) -> bool:
        return is_administrator(user) and (
            cls.permission_required is None or user.has_perm(cls.permission_required)
        )

    def dispatch(self, request, *args, **kwargs):
        if not self.user_may_act(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def _chosen(self) -> list:
        ids = [value for value in self.request.GET.getlist("id") if value.isdigit()]
        chosen = list(self.queryset_for_user(self.request.user).filter(pk__in=ids))
        if not chosen:
            raise Http404
        return chosen

    def get_actionable_objects(self):
        return self._chosen, {"items_with_no_access": []}

    def object_context(self, obj):
        return {"item": obj, "edit_url": self.edit_url(obj)}

    def edit_url(self, obj) -> str | None:
        return None

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "header_icon": self.header_icon}

    def get_execution_context(self):
        data = self.cleaned_form.cleaned_data if self.cleaned_form else {}
        return {"by": self.request.user, **data}


def listing_buttons(model, user) -> list[ListingButton]:
    """The footer buttons of a listing: the scoped actions registered for ``model``
    that ``user`` may take. Wagtail's own actions on the same model (its Users
    screen's, on the user model) are left to its screens."""
    opts = model._meta
    actions = sorted(
        (
            action
            for action in bulk_action_registry.get_bulk_actions_for_model(
                opts.app_label, opts.model_name
            )
            if issubclass(action, ScopedBulkAction) and action.user_may_act(user)
        ),
        key=lambda action: action.action_priority,
    )
    return [
        ListingButton(
            action.display_name,
            reverse(
                "wagtail_bulk_action", args=[opts.app_label, opts.model_name, action.action_type]
            ),
            attrs={"aria-label": action.aria_label, "data-bulk-action-button": ""},
            priority=action.action_priority,
            classname=" ".join(action.classes | {"bulk-action-btn"}),
        )
        for action in actions
    ]


def counted(message_singular: str, message_plural: str, count: int) -> str:
    return ngettext(message_singular, message_plural, count) % {"count": count}


# People ------------------------------------------------------------------------------


class DeactivatePeople(ScopedBulkAction):
    """Deactivated people can no longer sign in and their active pairs end
    (``pairs.account_management.deactivate``); their records stay, and an
    administrator can make them active again on their edit screen."""

    scoped_model = get_user_model()
    display_name = _("Deactivate")
    action_type = "deactivate_people"
    aria_label = _("Deactivate the selected people")
    action_priority = 50
    classes = {"serious"}
    question = _("Deactivate these people? They can no longer sign in; everything they did stays.")
    confirm_label = _("Yes, deactivate")
    header_icon = "user"

    @staticmethod
    def queryset_for_user(user) -> QuerySet:
        # The account itself: narrower than who is listed (pairs.scoping).
        return accounts_managed_by(user).exclude(pk=user.pk)

    def edit_url(self, person):
        return reverse("people:edit", args=[person.pk])

    @classmethod
    def execute_action(cls, objects, by=None, **kwargs):
        deactivated = [person for person in objects if person.is_active]
        for person in deactivated:
            # As the edit screen does: their active pairs end and their sessions close.
            deactivate(person, by=by, reason=str(_("Deactivated with others from People.")))
        return len(deactivated), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return counted(
            "%(count)d person was deactivated.", "%(count)d people were deactivated.",
            num_parent_objects,
        )  # fmt: skip


# Pairs -------------------------------------------------------------------------------


class EndPairsForm(forms.Form):
    ends_on = forms.DateField(
        label=_("The pairs end on"),
        widget=AdminDateInput,
        help_text=_(
            "A pair that started later ends on the day it started. "
            "An ended pair keeps its plans, check-ins and actions."
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"ends_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class EndPairs(ScopedBulkAction):
    """Ends the pairs, as setting an end date on each would (``Pair.ended_on``):
    they keep their records and history, and leave the active listings."""

    scoped_model = Pair
    permission_required = "pairs.change_pair"
    display_name = _("End")
    action_type = "end_pairs"
    aria_label = _("End the selected pairs")
    action_priority = 50
    classes = {"serious"}
    form_class = EndPairsForm
    question = _("End these pairs? Their records stay with them.")
    confirm_label = _("Yes, end them")
    header_icon = "group"

    @staticmethod
    def queryset_for_user(user) -> QuerySet:
        return pairs_administered_by(user).select_related("school", "teacher", "para")

    def edit_url(self, pair):
        return reverse("pairs:edit", args=[pair.pk])

    @classmethod
    def execute_action(cls, objects, by=None, ends_on: datetime.date | None = None, **kwargs):
        label = capfirst(Pair._meta.get_field("ended_on").verbose_name)
        ended = 0
        with transaction.atomic():
            for pair in Pair.objects.select_for_update().filter(
                pk__in=[pair.pk for pair in objects], ended_on__isnull=True
            ):
                pair.ended_on = max(ends_on, pair.started_on)
                pair.save(update_fields=["ended_on"])
                log_changes(pair, [change("ended_on", label, None, pair.ended_on)], by)
                ended += 1
        return ended, len(objects) - ended

    def get_success_message(self, num_parent_objects, num_child_objects):
        message = counted(
            "%(count)d pair was ended.", "%(count)d pairs were ended.", num_parent_objects
        )
        if num_child_objects:
            message += " " + counted(
                "%(count)d had already ended.", "%(count)d had already ended.", num_child_objects
            )
        return message
