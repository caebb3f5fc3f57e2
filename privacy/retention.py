"""How long a pair's records are kept: plans, actions and check-ins from school
years older than ``TANDEM_RETENTION_SCHOOL_YEARS`` (default 3: this school year
and the two before it) are deleted by ``manage.py purge_old_records``, run from cron.

Outside PD (with its evidence files) follows the same cutoff, and neither it nor a
verified check-in is deleted while a state rule the district follows requires it
kept (``hours.retention``): the purge reports what it keeps and why.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from courses.transcript import SCHOOL_YEAR_STARTS, school_year_of
from hours.retention import Kept, retention_for
from workspace.models import CheckIn, PairAction, WeeklyPlan

DEFAULT_SCHOOL_YEARS = 3


def retention_school_years() -> int:
    years = int(getattr(settings, "TANDEM_RETENTION_SCHOOL_YEARS", DEFAULT_SCHOOL_YEARS))
    if years < 1:
        raise ValueError("TANDEM_RETENTION_SCHOOL_YEARS must be at least 1.")
    return years


def retention_cutoff(today: datetime.date, school_years: int) -> datetime.date:
    """The first day kept: the start of the oldest school year still kept."""
    return datetime.date(school_year_of(today) - (school_years - 1), SCHOOL_YEAR_STARTS, 1)


@dataclass(frozen=True)
class Purge:
    cutoff: datetime.date
    plans: int
    actions: int
    check_ins: int
    outside_pd: int = 0
    kept: tuple[Kept, ...] = ()

    @property
    def total(self) -> int:
        return self.plans + self.actions + self.check_ins + self.outside_pd


# Each record dates from the day it is about, not the day it was typed in.
DATED_BY = ((WeeklyPlan, "week_of"), (PairAction, "planned_for"), (CheckIn, "happened_on"))


def old_records(cutoff: datetime.date) -> list:
    return [model.objects.filter(**{f"{field}__lt": cutoff}) for model, field in DATED_BY]


def purge_old_records(today: datetime.date, *, dry_run: bool = False) -> Purge:
    cutoff = retention_cutoff(today, retention_school_years())
    with transaction.atomic():
        retention = retention_for(today, cutoff)
        plans, actions, check_ins = old_records(cutoff)
        check_ins = check_ins.exclude(pk__in=retention.check_ins_kept.values("pk"))
        querysets = [plans, actions, check_ins, retention.outside_pd_to_delete]
        counts = [queryset.count() for queryset in querysets]
        if not dry_run:
            # Outside PD is deleted row by row (its signal removes the evidence file).
            for queryset in querysets:
                queryset.delete()
    return Purge(cutoff, *counts, kept=tuple(retention.kept))
