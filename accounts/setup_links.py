"""One-time set-up links, for people who have no email address of their own.

Many paras have no district email, so neither a welcome email nor a sign-in
code can reach them. An administrator gives them a username and a set-up link,
printed or shown on screen; the person opens it, chooses a password and is
signed in. The link works once and expires; a new one replaces any earlier one.

Only a SHA-256 hash of the link's secret is stored, so the table is no use to
someone who reads it: the secret is shown once, to the administrator.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import SetupLink
from config import links

LIFETIME = datetime.timedelta(days=7)
# Recorded on the person (Wagtail's history) when an administrator makes a link.
LOG_ACTION = "tandem.setup_link"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(person, *, issued_by) -> str:
    """A new link's secret for ``person``; earlier unused links stop working."""
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        SetupLink.objects.filter(user=person, used_at=None, expires_at__gt=now).update(
            expires_at=now
        )
        SetupLink.objects.create(
            user=person, token_hash=_hash(token), expires_at=now + LIFETIME, created_by=issued_by
        )
    return token


def url_for(token: str) -> str:
    """The link as it is printed: it is opened on another device, away from the admin."""
    return links.absolute_url(reverse("account_setup", kwargs={"token": token}))


def usable(token: str) -> SetupLink | None:
    """The link this secret opens, if it is unused, unexpired and its person active."""
    return (
        SetupLink.objects.select_related("user")
        .filter(
            token_hash=_hash(token),
            used_at=None,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )


def use(token: str, password: str):
    """Set the person's password and spend the link; None if it no longer works.

    The row is locked and checked again, so two submits of one link set up the
    account once.
    """
    with transaction.atomic():
        link = (
            SetupLink.objects.select_for_update()
            .filter(token_hash=_hash(token), used_at=None, expires_at__gt=timezone.now())
            .first()
        )
        if link is None or not link.user.is_active:
            return None
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        person = link.user
        person.set_password(password)
        person.save(update_fields=["password"])
    return person
