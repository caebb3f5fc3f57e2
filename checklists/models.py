"""The pair's workspace: try-tomorrow records, the weekly plan, and the check-in log.

Every query for these goes through ``Pair.objects.for_user`` (see ``pairs.scoping``):
the managers here take a user and filter through the pairs they may see.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.blocks import ACTION_WHO_CHOICES
from pairs.models import Pair


class PairScopedQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(pair__in=Pair.objects.for_user(user))


class PairAction(models.Model):
    """One try-tomorrow action on a pair's checklist, done when both keys are turned."""

    class Outcome(models.TextChoices):
        HELPED = "helped", _("It helped")
        NOT_SURE = "not_sure", _("Not sure yet")
        DID_NOT_HELP = "did_not_help", _("It did not help")

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="actions")
    # Null for an action the pair wrote themselves.
    module = models.ForeignKey(
        "courses.ModulePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pair_actions",
    )
    block_id = models.CharField(max_length=64, blank=True)
    text = models.TextField(_("what to do"), max_length=1000)
    who = models.CharField(max_length=16, choices=ACTION_WHO_CHOICES, default="together")
    records_data = models.BooleanField(default=False)
    planned_for = models.DateField(_("day to try it"))
    para_done_at = models.DateTimeField(null=True, blank=True)
    teacher_done_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("what happened"), blank=True, max_length=4000)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PairScopedQuerySet.as_manager()

    class Meta:
        ordering = ["planned_for", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pair", "module", "block_id"],
                condition=~Q(block_id=""),
                name="module_action_once_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_done(self) -> bool:
        if self.who == "para":
            return self.para_done_at is not None
        if self.who == "teacher":
            return self.teacher_done_at is not None
        return self.para_done_at is not None and self.teacher_done_at is not None

    def is_waiting(self, today: datetime.date) -> bool:
        return not self.is_done and self.planned_for < today


class WeeklyPlan(models.Model):
    """The toolkit's five-field planning template, one per pair per week (Monday start)."""

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="plans")
    week_of = models.DateField(_("week of"))
    students = models.CharField(
        _("students supported"),
        max_length=200,
        blank=True,
        help_text=_("Initials only, separated by commas, for example: J.M., AB"),
    )
    priority_goals = models.TextField(_("priority goals this week"), blank=True, max_length=2000)
    strategies = models.TextField(_("strategies and accommodations"), blank=True, max_length=2000)
    data_collection = models.TextField(_("data collection plan"), blank=True, max_length=2000)
    communication = models.TextField(
        _("communication method and frequency"), blank=True, max_length=1000
    )
    # Bumped on every save; a save based on an older version is refused, not lost.
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = PairScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-week_of"]
        constraints = [
            models.UniqueConstraint(fields=["pair", "week_of"], name="one_plan_per_week"),
        ]

    def __str__(self) -> str:
        return f"Plan for the week of {self.week_of:%Y-%m-%d}"


class CheckIn(models.Model):
    class Kind(models.TextChoices):
        CHECK_IN = "check_in", _("Check-in")
        PLANNING = "planning", _("Planning meeting")

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="check_ins")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CHECK_IN)
    happened_on = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(_("minutes spent"))
    note = models.TextField(_("notes"), blank=True, max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PairScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["pair", "happened_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.happened_on:%Y-%m-%d}"


class AdminDigest(models.Model):
    """A weekly digest that went to one administrator, so it is sent once a week."""

    administrator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    week_of = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["administrator", "week_of"], name="one_digest_per_admin_per_week"
            ),
        ]

    def __str__(self) -> str:
        return f"Digest for {self.administrator_id}, week of {self.week_of:%Y-%m-%d}"
