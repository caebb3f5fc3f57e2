"""What an administrator does to a person's account as a whole: deactivate it, and
see how the person signs in.

Deactivating keeps everything the person did (their pairs are ended, not
deleted, so each pair's records stay with it) and stops everything they could
still do: their sessions end at once, and the reports of active work and the
weekly digest leave them out (``pairs.scoping.rows_of_people_in_scope``, and
only active pairs are reported on).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from pairs.models import Pair
from pairs.scoping import pairs_of

DEACTIVATED_ACTION = "tandem.person_deactivated"
PAIR_ENDED_ACTION = "tandem.pair_ended_on_deactivation"


@dataclass(frozen=True)
class Deactivation:
    pairs_ended: list[Pair]
    sessions_ended: int


def deactivate(person, *, by, reason: str = "") -> Deactivation:
    """Deactivate ``person``: end their active pairs today (kept, with their records)
    and every session they have open, and record it in the person's history."""
    return deactivate_all([person], by=by, reason=reason)[person.pk]


def deactivate_all(people, *, by, reason: str = "") -> dict[int, Deactivation]:
    """``deactivate`` for several people, reading the session table once."""
    today = timezone.localdate()
    done = {}
    with transaction.atomic():
        sessions = end_sessions(people)
        for person in people:
            if person.is_active:
                person.is_active = False
                person.save(update_fields=["is_active"])
            ended = end_active_pairs(person, today, by=by)
            done[person.pk] = Deactivation(ended, sessions[person.pk])
            log(
                person,
                DEACTIVATED_ACTION,
                user=by,
                data={
                    "pairs_ended": [str(pair) for pair in ended],
                    "sessions_ended": sessions[person.pk],
                    "reason": reason,
                },
            )
    return done


def end_active_pairs(person, day: datetime.date, *, by) -> list[Pair]:
    """End the person's active pairs on ``day`` (or the day a pair starts, if later:
    a pair cannot end before it starts)."""
    ended = []
    for pair in pairs_of(person).active().select_for_update().select_related("teacher", "para"):
        pair.ended_on = max(day, pair.started_on)
        pair.save(update_fields=["ended_on"])
        log(pair, PAIR_ENDED_ACTION, user=by, data={"person": str(person)})
        ended.append(pair)
    return ended


def end_sessions(people) -> Counter:
    """Delete every session ``people`` are signed in with; how many each had, by id.

    A deactivated person's session already signs nobody in (Django's backend
    refuses inactive users on each request), but the session itself, and what
    it holds, should not outlive the account's right to it.
    """
    ended: Counter = Counter({person.pk: 0 for person in people})
    if apps.is_installed("allauth.usersessions"):
        from allauth.usersessions.models import UserSession

        for session in UserSession.objects.filter(user__in=people):
            session.end()
            ended[session.user_id] += 1
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if not issubclass(store_class, DatabaseSessionStore):
        return ended  # a cache or cookie store cannot be searched by person
    # Django's session table is keyed by session, not by person: read the live ones.
    session_model = store_class.get_model_class()
    ids = {str(person.pk): person.pk for person in people}
    owners = {}
    for session in session_model.objects.filter(expire_date__gt=timezone.now()).iterator():
        owner = ids.get(session.get_decoded().get(SESSION_KEY))
        if owner is not None:
            owners[session.session_key] = owner
    session_model.objects.filter(session_key__in=list(owners)).delete()
    ended.update(owners.values())
    return ended


# How people sign in -----------------------------------------------------------------

# allauth's provider ids, as the social accounts store them.
PROVIDER_LABELS = {
    "google": _("Google"),
    "microsoft": _("Microsoft"),
    "clever": _("Clever"),
    "classlink": _("ClassLink"),
}
PASSWORD = _("Password")
EMAILED_CODE = _("Code by email")


def sign_in_methods(person) -> list[str]:
    """How ``person`` can sign in: a password of their own, each provider account
    linked to theirs, and a code sent to their address.

    Reads ``person.socialaccount_set`` (prefetch it for a listing).
    """
    methods = []
    if person.has_usable_password():
        methods.append(str(PASSWORD))
    if apps.is_installed("allauth.socialaccount"):
        providers = sorted({account.provider for account in person.socialaccount_set.all()})
        methods += [str(PROVIDER_LABELS.get(p, p.replace("_", " ").title())) for p in providers]
    if person.email and getattr(settings, "ACCOUNT_LOGIN_BY_CODE_ENABLED", False):
        methods.append(str(EMAILED_CODE))
    return methods


def with_sign_in_methods(people):
    """``people`` with what ``sign_in_methods`` reads, in one more query."""
    if apps.is_installed("allauth.socialaccount"):
        return people.prefetch_related("socialaccount_set")
    return people
