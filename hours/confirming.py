"""The partner's confirmation of a check-in or planning meeting: one person's log
becomes verified collaboration time once the other partner confirms it."""

from __future__ import annotations

from django.utils.translation import gettext as _

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


def awaiting_confirmation(pair, user):
    """The pair's check-ins that ``user`` (a partner) has still to confirm, newest first."""
    return (
        CheckIn.objects.filter(pair=pair, confirmation__isnull=True)
        .exclude(author=user)
        .exclude(author__isnull=True)
        .order_by("-happened_on", "-pk")
    )
