"""The try-tomorrow checklist: adding a module's actions, and the two keys."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import PairRole
from content.models import (
    default_content_language,
    reader_content_language,
    show_in_reader_language,
)
from courses.models import ModulePage
from pairs.models import Pair
from workspace.coaching import can_coach
from workspace.models import DONE_FIELDS, PairAction


def add_module_actions(
    pair: Pair, module: ModulePage, planned_for: datetime.date, added_by
) -> list[PairAction]:
    """Copy the module's try-tomorrow actions onto the pair's checklist.

    Actions already there are left as they are (their day, their keys); the
    database constraint makes a double submit or a race add nothing twice.
    Returns the actions that were new.
    """
    present = set(pair.actions.filter(module=module).values_list("block_id", flat=True))
    new = [
        PairAction(
            pair=pair,
            module=module,
            block_id=block.id,
            text=block.value["text"],
            who=block.value["who"],
            records_data=bool(block.value["records_data"]),
            look_fors=[str(step) for step in block.value.get("look_fors") or []],
            planned_for=planned_for,
            added_by=added_by,
        )
        for block in module.actions
        if block.block_type == "try_tomorrow" and block.id not in present
    ]
    PairAction.objects.bulk_create(new, ignore_conflicts=True)
    return new


def show_actions_in_reader_language(actions: Iterable[PairAction]) -> list[PairAction]:
    """The actions, each copied from a module shown as the reader reads that module.

    Its module's title, and its own words (text and look-fors), come from the
    module's live translation in the reader's language, found by the block id the
    two pages share: the record stays the English page's, in one query for all the
    modules. A pair's own action keeps the words it was written in; one whose module
    has no such translation says its language in ``other_language`` for ``lang``.
    For showing only: the actions must not be saved.
    """
    actions = list(actions)
    from_modules = [action for action in actions if action.module_id and action.block_id]
    if not from_modules or reader_content_language() == default_content_language():
        return actions
    modules = {action.module_id: action.module for action in from_modules}
    show_in_reader_language(modules.values(), ("title", "actions"))
    # A module without a translation kept its deferred English actions: not loaded.
    words = {
        module.pk: {} if module.other_language else {b.id: b.value for b in module.actions}
        for module in modules.values()
    }
    for action in from_modules:
        action.module = modules[action.module_id]
        block = words[action.module_id].get(action.block_id)
        if block is None:
            action.other_language = default_content_language()
            continue
        action.text = block["text"]
        action.look_fors = [str(step) for step in block.get("look_fors") or []]
    return actions


class Confirmation(enum.Enum):
    CONFIRMED = "confirmed"
    ALREADY = "already"
    UNDONE = "undone"
    NOT_CONFIRMED = "not_confirmed"
    NOT_YOURS = "not_yours"


CONFIRMATION_MESSAGES = {
    Confirmation.CONFIRMED: _("Thank you. Your part is marked as done."),
    Confirmation.ALREADY: _("Your part was already marked as done."),
    Confirmation.UNDONE: _("Your part is no longer marked as done."),
    Confirmation.NOT_CONFIRMED: _(
        "Your part was not marked as done, so there was nothing to undo."
    ),
    Confirmation.NOT_YOURS: _("This action is your partner's to confirm."),
}


def set_confirmation(
    actions, action_pk: int, role: PairRole, *, done: bool
) -> tuple[PairAction, Confirmation]:
    """Set (or, with ``done=False``, clear) one partner's key on one action.

    Setting is idempotent: a second "I did my part" keeps the first time. The
    row is locked so the two partners confirming at once both land.
    ``actions`` is the scoped queryset the action must come from.
    """
    field = DONE_FIELDS[role]
    with transaction.atomic():
        action = get_object_or_404(actions.select_for_update(of=("self",)), pk=action_pk)
        if not action.concerns(role):
            return action, Confirmation.NOT_YOURS
        current = getattr(action, field)
        if done and current is None:
            setattr(action, field, timezone.now())
            outcome = Confirmation.CONFIRMED
        elif not done and current is not None:
            setattr(action, field, None)
            outcome = Confirmation.UNDONE
        else:
            return action, Confirmation.ALREADY if done else Confirmation.NOT_CONFIRMED
        action.save(update_fields=[field])
    return action, outcome


@dataclass(frozen=True)
class PartnerKey:
    """One partner's key on an action: whose it is, and when they turned it."""

    role: PairRole
    partner: object
    turned_at: datetime.datetime | None


@dataclass(frozen=True)
class ActionView:
    """One action as one partner (or an administrator) sees it."""

    action: PairAction
    keys: tuple[PartnerKey, ...]
    missing: tuple[PairRole, ...]
    waiting: bool
    waiting_on_you: bool
    waiting_on_partner: bool
    yours_to_confirm: bool
    you_confirmed: bool
    # The teacher may confirm with the look-fors she saw, or ask for another try.
    coachable: bool = False


def partner_keys(action: PairAction) -> tuple[PartnerKey, ...]:
    """The keys ``action`` needs, para first.

    Actions read through ``pair.actions`` of a pair loaded with its partners
    (``readable_pair``) have that pair as ``action.pair``: this costs no query.
    """
    pair = action.pair
    return tuple(
        PartnerKey(role, pair.partner_in(role), getattr(action, DONE_FIELDS[role]))
        for role in PairRole
        if action.concerns(role)
    )


def action_view(action: PairAction, role: PairRole | None, today: datetime.date) -> ActionView:
    missing = action.missing_roles()
    waiting = action.is_waiting(today)
    concerns_you = role is not None and action.concerns(role)
    return ActionView(
        action=action,
        keys=partner_keys(action),
        missing=missing,
        waiting=waiting,
        waiting_on_you=waiting and role in missing,
        waiting_on_partner=waiting and any(other != role for other in missing),
        yours_to_confirm=concerns_you,
        you_confirmed=concerns_you and action.confirmed_by(role),
        coachable=can_coach(action, role),
    )
