"""How a pair is doing, for many pairs at once: the last check-in, whether this
week has a plan, and the actions whose day has passed waiting on each partner.

Everything is a subquery on the pairs queryset, so a report of any length costs
one query. The caller scopes the pairs (``pairs_for_user(user)``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.roles import PairRole
from workspace.models import CheckIn, PairAction, WeeklyPlan
from workspace.plans import monday_of


@dataclass(frozen=True)
class PairHealth:
    last_check_in: datetime.date | None
    has_plan_this_week: bool
    waiting_on_para: int
    waiting_on_teacher: int

    @property
    def waiting(self) -> int:
        return self.waiting_on_para + self.waiting_on_teacher

    def waiting_on(self, role: PairRole) -> int:
        return self.waiting_on_para if role == PairRole.PARA else self.waiting_on_teacher


def _waiting_count(role: PairRole, today: datetime.date) -> Coalesce:
    waiting = (
        PairAction.objects.filter(pair=OuterRef("pk"))
        .waiting_on(role, today)
        .order_by()
        .values("pair")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(waiting, output_field=IntegerField()), 0)


def with_health(pairs: QuerySet, today: datetime.date | None = None) -> QuerySet:
    """``pairs`` annotated with ``last_check_in``, ``has_plan_this_week``,
    ``waiting_on_para`` and ``waiting_on_teacher`` (sortable, filterable)."""
    today = today or timezone.localdate()
    last_check_in = (
        CheckIn.objects.filter(pair=OuterRef("pk"))
        .order_by()
        .values("pair")
        .annotate(last=Max("happened_on"))
        .values("last")
    )
    return pairs.annotate(
        last_check_in=Subquery(last_check_in),
        has_plan_this_week=Exists(
            WeeklyPlan.objects.filter(pair=OuterRef("pk"), week_of=monday_of(today))
        ),
        waiting_on_para=_waiting_count(PairRole.PARA, today),
        waiting_on_teacher=_waiting_count(PairRole.TEACHER, today),
    )


def pair_health(pairs: QuerySet, today: datetime.date | None = None) -> dict[int, PairHealth]:
    """``{pair id: PairHealth}`` for every pair in ``pairs``, in one query."""
    rows = with_health(pairs.order_by(), today).values_list(
        "pk", "last_check_in", "has_plan_this_week", "waiting_on_para", "waiting_on_teacher"
    )
    return {pk: PairHealth(*values) for pk, *values in rows}
