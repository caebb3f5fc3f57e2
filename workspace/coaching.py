"""The teacher coaches inside the two keys: confirming an action the para carried
out, she ticks the look-fors she saw and adds one line of feedback, or asks the
para to try it again. Each look is a ``FidelityCheck``; the pair page sums them
up strategy by strategy, week by week.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.roles import PairRole
from config.database import ANY_ID, JSONArrayLength, compiled_once
from pairs.models import Pair
from workspace import notifications
from workspace.models import MODULE_CONTENT, FidelityCheck, Notification, PairAction
from workspace.plans import monday_of, next_school_day

Kind = Notification.Kind
# Weeks of the per-strategy summary on the pair page, the latest last.
SUMMARY_WEEKS = 6


def can_coach(action: PairAction, role: PairRole | None) -> bool:
    """The teacher looks at what the para did: the para's key is turned."""
    return (
        role == PairRole.TEACHER
        and action.concerns(PairRole.PARA)
        and action.confirmed_by(PairRole.PARA)
    )


def coach(
    pair: Pair,
    actions,
    action_pk: int,
    teacher,
    *,
    seen: list[int],
    feedback: str,
    try_again: bool,
) -> FidelityCheck | None:
    """Record the teacher's look at one action from the scoped ``actions``.

    Confirming turns her key (if the action is hers too) and tells the para; "try
    again" takes the para's key back, puts the action on the next school day, and
    tells the para. Returns None if the para has not done their part (any more).
    The row is locked: a para taking their key back at that moment is not lost.
    """
    with transaction.atomic():
        action = get_object_or_404(actions.select_for_update(of=("self",)), pk=action_pk)
        if not can_coach(action, PairRole.TEACHER):
            return None
        check = FidelityCheck.objects.create(
            action=action,
            observer=teacher,
            seen=sorted({index for index in seen if 0 <= index < len(action.look_fors)}),
            total=len(action.look_fors),
            feedback=feedback,
            try_again=try_again,
        )
        if try_again:
            action.para_done_at = None
            action.planned_for = next_school_day(pair.today())
            action.save(update_fields=["para_done_at", "planned_for"])
        elif action.concerns(PairRole.TEACHER) and not action.confirmed_by(PairRole.TEACHER):
            action.teacher_done_at = timezone.now()
            action.save(update_fields=["teacher_done_at"])
        notifications.clear(teacher, pair, Kind.PARTNER_CONFIRMED, action=action)
        notifications.notify(
            pair, teacher, Kind.TRY_AGAIN if try_again else Kind.FEEDBACK, action=action
        )
    return check


@dataclass(frozen=True)
class WeekShare:
    monday: datetime.date
    times: int
    share: float | None  # of the look-fors seen, over the week's looks


@dataclass(frozen=True)
class StrategySummary:
    action: PairAction
    times: int
    share: float | None
    weeks: list[WeekShare]


def strategy_summaries(pair: Pair, today: datetime.date) -> list[StrategySummary]:
    """Per strategy (action) the teacher looked at: how many times it was done, the
    share of look-fors seen overall, and week by week for the last few weeks.

    Three queries, however many looks: the database sums each action's looks, and
    only the last weeks' looks are read one by one (a strategy looked at weekly
    for a year has 52). Each is SQL compiled once for any pair
    (``config.database.CompiledQuery``): putting one together took 0.4 to 1.2 ms,
    more than the database took to answer it (0.15 to 0.4).
    """
    totals = {
        action_id: [times, seen, total]
        for action_id, times, seen, total in _looks_summed().rows(pair.pk)
    }
    if not totals:
        return []
    mondays = [
        monday_of(today) - datetime.timedelta(weeks=n) for n in reversed(range(SUMMARY_WEEKS))
    ]
    weekly: dict[tuple[int, datetime.date], list[int]] = defaultdict(lambda: [0, 0, 0])
    since = timezone.make_aware(datetime.datetime.combine(mondays[0], datetime.time.min))
    for action_id, at, seen, total in _looks_since(since).rows(pair.pk):
        week = weekly[(action_id, monday_of(timezone.localdate(at)))]
        week[0] += 1
        week[1] += len(seen)
        week[2] += total
    actions = _looked_at().instances(pair.pk)
    return [
        StrategySummary(
            action=action,
            times=totals[action.pk][0],
            share=_share(totals[action.pk]),
            weeks=[
                WeekShare(
                    monday, weekly[(action.pk, monday)][0], _share(weekly[(action.pk, monday)])
                )
                for monday in mondays
            ],
        )
        for action in actions
        # A look saved since the sums were read waits for the next view.
        if action.pk in totals
    ]


def _looks_of_a_pair():
    """The teacher's looks at a pair's actions, the pair's id stood for by ``ANY_ID``."""
    return FidelityCheck.objects.filter(action__pair=ANY_ID).order_by()


@compiled_once(FidelityCheck)
def _looks_summed():
    """Each of a pair's actions the teacher looked at: her looks, and the look-fors
    she saw and could have seen in them."""
    return (
        _looks_of_a_pair()
        .values("action_id")
        .annotate(times=Count("pk"), seen=Sum(JSONArrayLength("seen")), total=Sum("total"))
        .values_list("action_id", "times", "seen", "total")
    )


@compiled_once(FidelityCheck, keep=4)
def _looks_since(since: datetime.datetime):
    """A pair's looks since ``since`` (the summary's first Monday), one by one."""
    return _looks_of_a_pair().filter(at__gte=since).values_list("action_id", "at", "seen", "total")


@compiled_once(PairAction)
def _looked_at():
    """A pair's actions the teacher has looked at, with their modules' titles."""
    looked_at = Exists(FidelityCheck.objects.filter(action=OuterRef("pk")))
    return (
        PairAction.objects.filter(looked_at, pair=ANY_ID)
        .select_related("module")
        .defer(*MODULE_CONTENT)
        .order_by("pk")
    )


def _share(bucket: list[int]) -> float | None:
    return bucket[1] / bucket[2] if bucket[2] else None
