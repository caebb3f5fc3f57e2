"""What the state rules a district follows require it to keep, for
``privacy.retention.purge_old_records``.

A rule's ``retention.years`` counts school years as the purge does (this one and
the ones before it). A record a rule counts toward its hours is kept while any
rule in force needs it: verified check-ins past the purge's own cutoff, and
outside PD with its evidence, which is purged only once no rule needs it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from courses.transcript import SCHOOL_YEAR_STARTS, school_year_of
from hours.compliance import rules_followed
from hours.ledger import verified_check_ins
from hours.models import OutsidePD
from hours.rules import COLLABORATION, OUTSIDE, Rule
from workspace.models import CheckIn


def kept_from(today: datetime.date, rule: Rule) -> datetime.date:
    """The first day of the oldest school year ``rule`` requires kept."""
    return datetime.date(school_year_of(today) - (rule.retention_years - 1), SCHOOL_YEAR_STARTS, 1)


@dataclass(frozen=True)
class Kept:
    """Records the purge would have deleted and keeps, and the rule that says so."""

    what: str
    count: int
    since: datetime.date
    rule: Rule

    def __str__(self) -> str:
        return (
            f"Kept {self.count} {self.what} dated from {self.since:%Y-%m-%d} on: "
            f"{self.rule.name} requires records kept {self.rule.retention_years} years "
            f"({self.rule.citation})."
        )


@dataclass
class Retention:
    """What the purge may delete of the hours' records, given its own cutoff."""

    check_ins_kept: QuerySet
    outside_pd_to_delete: QuerySet
    outside_pd_cutoff: datetime.date
    kept: list[Kept] = field(default_factory=list)


def longest(
    rules: list[Rule], source: str, today: datetime.date
) -> tuple[datetime.date, Rule] | None:
    """The earliest day any rule counting ``source`` requires kept, and that rule."""
    found = [(kept_from(today, rule), rule) for rule in rules if rule.counts(source)]
    return min(found, key=lambda item: item[0]) if found else None


def retention_for(today: datetime.date, cutoff: datetime.date) -> Retention:
    """What the rules in force keep past ``cutoff``, the purge's own first day kept."""
    rules = rules_followed()
    kept = []

    check_ins_kept = CheckIn.objects.none()
    if (need := longest(rules, COLLABORATION, today)) and need[0] < cutoff:
        since, rule = need
        roles = [role for rule in rules if rule.counts(COLLABORATION) for role in rule.roles]
        check_ins_kept = verified_check_ins().filter(
            Q(pair__para__role__in=roles) | Q(pair__teacher__role__in=roles),
            happened_on__gte=since,
            happened_on__lt=cutoff,
        )
        if count := check_ins_kept.count():
            kept.append(Kept("verified check-ins", count, since, rule))

    outside_cutoff = cutoff
    if (need := longest(rules, OUTSIDE, today)) and need[0] < cutoff:
        since, rule = need
        outside_cutoff = since
        count = OutsidePD.objects.filter(completed_on__gte=since, completed_on__lt=cutoff).count()
        if count:
            kept.append(Kept("outside PD entries (with their evidence)", count, since, rule))
    return Retention(
        check_ins_kept=check_ins_kept,
        outside_pd_to_delete=OutsidePD.objects.filter(completed_on__lt=outside_cutoff),
        outside_pd_cutoff=outside_cutoff,
        kept=kept,
    )
