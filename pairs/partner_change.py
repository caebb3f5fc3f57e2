"""Changing a partner: the pair ends, its records stay with it, and a new pair
begins with the new partner.

A pair's two people never change (``Pair.save`` and the database refuse it),
because its plans, check-ins and checklist are the record of those two people's
work together. Moving them to someone else would put one para's notes under
another para's name.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from wagtail.log_actions import log

from accounts import roles
from pairs.models import Pair

PARTNER_CHANGED_ACTION = "tandem.pair_partner_changed"
CONTINUED_FROM_ACTION = "tandem.pair_continued_from"


@dataclass(frozen=True)
class PartnerChange:
    ended: Pair
    started: Pair


def change_partner(pair: Pair, new_partner, starts_on: datetime.date, by) -> PartnerChange:
    """End ``pair`` the day before ``starts_on`` (or that day, if it began then) and
    make a new pair in the same school of the partner who stays and ``new_partner``,
    who takes the place of the partner in the same role. Both pairs' histories
    name the other.
    """
    with transaction.atomic():
        pair = Pair.objects.select_for_update().get(pk=pair.pk)
        pair.ended_on = max(starts_on - datetime.timedelta(days=1), pair.started_on)
        pair.save(update_fields=["ended_on"])
        people = {"teacher": pair.teacher, "para": pair.para}
        people["para" if new_partner.role == roles.LearnerRole.PARA else "teacher"] = new_partner
        started = Pair(school=pair.school, started_on=starts_on, **people)
        started.full_clean()
        started.save()
        log(pair, PARTNER_CHANGED_ACTION, user=by, data=_summary(pair, started))
        log(started, CONTINUED_FROM_ACTION, user=by, data=_summary(pair, started))
    return PartnerChange(ended=pair, started=started)


def _summary(ended: Pair, started: Pair) -> dict:
    return {
        "ended_pair": ended.pk,
        "ended_pair_title": str(ended),
        "ended_on": ended.ended_on.isoformat(),
        "new_pair": started.pk,
        "new_pair_title": str(started),
        "started_on": started.started_on.isoformat(),
    }
