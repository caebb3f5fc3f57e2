"""One person to an email address, counting every address of every person.

An address signs in (accounts.backends), receives password resets and is shown
on records, so it must lead to one account. allauth keeps a person's addresses
in two places: ``User.email``, which administrators set and the database keeps
unique (accounts.models), and ``EmailAddress`` rows, which people add on the
account's email page. allauth compares the rows with each other, exactly as
typed; these checks compare the two places with each other, whatever the case
of the letters.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

# On the email page's "add" form, under the address typed.
TAKEN_BY_SOMEONE_ELSE = _(
    "This address belongs to another account, so it cannot be added to yours. "
    "Enter an address that only you use; if this one is yours, ask your school "
    "administrator to sort out the two accounts."
)
# After "Make primary" or "Re-send verification" on an address in the list.
LISTED_BUT_TAKEN = _(
    "%(email)s now belongs to another account, so it cannot be your primary address "
    "or be confirmed for your account. Remove it from your list; if it is yours, ask "
    "your school administrator to sort out the two accounts."
)
# On the page a confirmation link opens.
NOT_CONFIRMED_TAKEN = _(
    "%(email)s belongs to another account, so it was not confirmed for this one. "
    "Nothing has changed."
)


def belongs_to_someone_else(email: str, person_id: int | None) -> bool:
    """Whether anyone but ``person_id`` has ``email``, as their sign-in address
    or as any address on their account, confirmed or not.

    Unconfirmed addresses count: a confirmation link goes to the address's
    owner, who may click it without reading which account it confirms for.
    """
    if not email:
        return False
    people = get_user_model()._default_manager.filter(email__iexact=email)
    addresses = EmailAddress.objects.filter(email__iexact=email)
    if person_id is not None:
        people = people.exclude(pk=person_id)
        addresses = addresses.exclude(user_id=person_id)
    return people.exists() or addresses.exists()
