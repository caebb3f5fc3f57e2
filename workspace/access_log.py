"""The record of access to pairs' workspaces: one row each time someone views,
changes or exports a pair's plan, checklist or check-ins.

Views call ``record_access``; the district administrator reads the rows per
pair in the admin (``privacy.views``). The rows cannot be changed or
deleted by the application (see ``AccessRecord``).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.roles import AccessRole
from pairs.models import Pair
from workspace.access import role_in_pair
from workspace.models import AccessRecord

Part = AccessRecord.Part
Action = AccessRecord.Action


def role_towards(pair: Pair, user) -> AccessRole:
    """In what capacity ``user`` reaches this pair: partner first, then administrator."""
    if role := role_in_pair(pair, user):
        return AccessRole(role)
    if user.is_district_admin:
        return AccessRole.DISTRICT_ADMINISTRATOR
    return AccessRole.SCHOOL_ADMINISTRATOR


def access_action(request: HttpRequest) -> str:
    """A GET (or HEAD) views; anything else that reaches a view changes."""
    return Action.VIEWED if request.method in ("GET", "HEAD") else Action.CHANGED


def record_access(
    request: HttpRequest, pair: Pair, what: str, action: str | None = None
) -> AccessRecord:
    """Write one access record: ``request.user`` did ``action`` (by default, viewed
    for GET and changed otherwise) to ``what`` (an ``AccessRecord.Part``) of ``pair``."""
    return record_access_by(request.user, pair, what, action or access_action(request))


def record_access_by(user, pair: Pair, what: str, action: str) -> AccessRecord:
    return AccessRecord.objects.create(
        pair_id=pair.pk, user_id=user.pk, role=role_towards(pair, user), part=what, action=action
    )


def access_records_for(pair: Pair) -> QuerySet:
    return AccessRecord.objects.filter(pair_id=pair.pk).order_by("-at", "-pk")
