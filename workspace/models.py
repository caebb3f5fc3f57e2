"""The pair's workspace: try-tomorrow records, the weekly plan, and the check-in log.

Who may read which of these is ``pairs.scoping``'s rule (``pair_rows_for_user``);
nothing here filters by the person asking.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import AccessRole, ActionWho, PairRole
from courses.models.pages import MODULE_CONTENT_FIELDS
from pairs.models import Pair
from workspace.student_data import validate_no_personal_data, validate_student_initials

# Which timestamp records each partner's key; the roles are a pair's, not a person's.
DONE_FIELDS = {PairRole.PARA: "para_done_at", PairRole.TEACHER: "teacher_done_at"}


def needs_confirmation(role: PairRole) -> Q:
    """Actions still missing ``role``'s confirmation (among those meant for them)."""
    return Q(who__in=[ActionWho.TOGETHER, role], **{f"{DONE_FIELDS[role]}__isnull": True})


# ``PairAction.is_done`` as a query: nobody it concerns still has a key to turn.
DONE = ~(needs_confirmation(PairRole.PARA) | needs_confirmation(PairRole.TEACHER))
# A module page's big fields (body, quiz): a list of actions needs the module's
# title, URL and translation key only (``PairAction.module`` prefixes them).
MODULE_CONTENT = tuple(f"module__{field}" for field in MODULE_CONTENT_FIELDS)


class PairActionQuerySet(models.QuerySet):
    def done(self):
        return self.filter(DONE)

    def open(self):
        return self.exclude(DONE)

    def waiting_on(self, role: PairRole, today: datetime.date):
        """Actions whose day has passed and that still need ``role`` to confirm."""
        return self.filter(needs_confirmation(role), planned_for__lt=today)


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
    text = models.TextField(
        _("what to do"), max_length=1000, validators=[validate_no_personal_data]
    )
    who = models.CharField(max_length=16, choices=ActionWho.choices, default=ActionWho.TOGETHER)
    records_data = models.BooleanField(default=False)
    planned_for = models.DateField(_("day to try it"))
    para_done_at = models.DateTimeField(null=True, blank=True)
    teacher_done_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(
        _("what happened"), blank=True, max_length=4000, validators=[validate_no_personal_data]
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    # Who last wrote what happened, and when: shown with the note.
    noted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    noted_at = models.DateTimeField(null=True, blank=True)
    # What doing it well looks like: two to five steps, copied from the module's
    # action block when the action is added (an edit of the module later leaves
    # the pair's record as it was).
    look_fors = models.JSONField(default=list, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PairActionQuerySet.as_manager()

    class Meta:
        ordering = ["planned_for", "pk"]
        indexes = [models.Index(fields=["pair", "planned_for"])]
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
        return not self.missing_roles()

    def is_waiting(self, today: datetime.date) -> bool:
        return not self.is_done and self.planned_for < today

    def concerns(self, role: PairRole) -> bool:
        """Whether the partner in ``role`` has a key to turn for this action."""
        return self.who in (ActionWho.TOGETHER, role)

    def confirmed_by(self, role: PairRole) -> bool:
        return getattr(self, DONE_FIELDS[role]) is not None

    def missing_roles(self) -> tuple[PairRole, ...]:
        """The partners whose confirmation the action still needs, para first."""
        return tuple(
            role for role in PairRole if self.concerns(role) and not self.confirmed_by(role)
        )


class FidelityCheck(models.Model):
    """The teacher's look at one time the para carried out an action: which look-fors
    she saw, one line of feedback, and whether she asked for another try.

    The pair's record, scoped like the rest of the workspace; the share of the
    look-fors seen, strategy by strategy over the weeks, is what the pair page shows.
    """

    action = models.ForeignKey(PairAction, on_delete=models.CASCADE, related_name="checks")
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Indexes into the action's look-fors; ``total`` is how many it had then.
    seen = models.JSONField(default=list, blank=True)
    total = models.PositiveSmallIntegerField(default=0)
    feedback = models.CharField(
        _("one line of feedback"),
        max_length=300,
        blank=True,
        validators=[validate_no_personal_data],
    )
    try_again = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["action", "at"])]

    def __str__(self) -> str:
        return f"{len(self.seen)} of {self.total} look-fors"

    @property
    def share(self) -> float | None:
        return len(self.seen) / self.total if self.total else None


class Measure(models.Model):
    """One simple measure a pair keeps on an action, for one student by initials."""

    class Kind(models.TextChoices):
        COUNT = "count", _("How many times, each day")
        MINUTES = "minutes", _("How many minutes, each day")
        YES_NO = "yes_no", _("Yes or no, each day")

    action = models.OneToOneField(PairAction, on_delete=models.CASCADE, related_name="measure")
    kind = models.CharField(_("what to record"), max_length=16, choices=Kind.choices)
    what = models.CharField(
        _("what you count"),
        max_length=120,
        help_text=_("For example: used the break card."),
        validators=[validate_no_personal_data],
    )
    student = models.CharField(
        _("student (initials)"),
        max_length=12,
        help_text=_("Initials only, for example: J.M."),
        validators=[validate_student_initials],
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.student}: {self.what}"


class MeasureDay(models.Model):
    """A measure's value on one day: a count, minutes, or 1/0 for yes/no."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    value = models.PositiveIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "day"], name="one_value_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}: {self.value}"


# The toolkit's planning template, in its order.
PLAN_FIELDS = ("students", "priority_goals", "strategies", "data_collection", "communication")


class WeeklyPlan(models.Model):
    """The toolkit's five-field planning template, one per pair per week (Monday start)."""

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="plans")
    week_of = models.DateField(_("week of"))
    students = models.CharField(
        _("students supported"),
        max_length=200,
        blank=True,
        help_text=_("Initials only, separated by commas, for example: J.M., AB"),
        validators=[validate_student_initials],
    )
    priority_goals = models.TextField(
        _("priority goals this week"),
        blank=True,
        max_length=2000,
        validators=[validate_no_personal_data],
    )
    strategies = models.TextField(
        _("strategies and accommodations"),
        blank=True,
        max_length=2000,
        validators=[validate_no_personal_data],
    )
    data_collection = models.TextField(
        _("data collection plan"),
        blank=True,
        max_length=2000,
        validators=[validate_no_personal_data],
    )
    communication = models.TextField(
        _("communication method and frequency"),
        blank=True,
        max_length=1000,
        validators=[validate_no_personal_data],
    )
    # Bumped on every save; a save based on an older version is refused, not lost.
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

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
    note = models.TextField(
        _("notes"), blank=True, max_length=4000, validators=[validate_no_personal_data]
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["pair", "happened_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.happened_on:%Y-%m-%d}"


class AccessRecordQuerySet(models.QuerySet):
    """Access records are written once and never changed or removed by the application."""

    def update(self, **kwargs):
        raise PermissionError("Access records cannot be changed.")

    def delete(self):
        raise PermissionError("Access records cannot be deleted.")

    def pseudonymise(self, user_id: int, pseudonym_id: int) -> int:
        """The one change allowed: erasing a person points their records at a
        pseudonym (see ``privacy.personal_data``), keeping the record itself."""
        return models.QuerySet.update(self.filter(user_id=user_id), user_id=pseudonym_id)


class AccessRecord(models.Model):
    """Who viewed, changed or exported a pair's plan, checklist or check-ins, and when.

    The pair and the person are kept as ids without a database constraint: the
    record outlives a deleted pair or person (``DO_NOTHING``), and deleting them
    never cascades into the log.
    """

    class Part(models.TextChoices):
        WORKSPACE = "workspace", _("Pair page")
        CHECKLIST = "checklist", _("Checklist")
        PLAN = "plan", _("Weekly plan")
        CHECK_INS = "check_ins", _("Check-in log")

    class Action(models.TextChoices):
        VIEWED = "viewed", _("Viewed")
        CHANGED = "changed", _("Changed")
        EXPORTED = "exported", _("Exported")

    pair = models.ForeignKey(
        Pair, on_delete=models.DO_NOTHING, db_constraint=False, related_name="access_records"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    role = models.CharField(max_length=32, choices=AccessRole.choices)
    part = models.CharField(max_length=16, choices=Part.choices)
    action = models.CharField(max_length=16, choices=Action.choices)
    at = models.DateTimeField(default=timezone.now)

    objects = AccessRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["pair", "at"]),
            # The Record of access lists the newest first across every pair in scope.
            # A record is written on each view of a pair's records, so the table
            # grows fastest of all: at a million rows the first page took 186 ms
            # sorting them, 0.1 ms reading this index.
            models.Index(fields=["-at", "-id"], name="accessrecord_newest_first"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.get_part_display()} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Access records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Access records cannot be deleted.")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def mark_read(self) -> int:
        return self.unread().update(read_at=timezone.now())


class Notification(models.Model):
    """Something a partner did that waits on the recipient, in the app first.

    It says who did what, never what a student did: the email made from it
    (``workspace.notifications``) carries the same sentence and a link, and the
    action's text and notes stay in the app. ``emailed_at`` is set once, by the
    one send that wins it, so no notification is emailed twice.
    """

    class Kind(models.TextChoices):
        PARTNER_CONFIRMED = "partner_confirmed", _("confirmed an action on your checklist")
        PLAN_CHANGED = "plan_changed", _("changed your weekly plan")
        FEEDBACK = "feedback", _("left you feedback on an action")
        TRY_AGAIN = "try_again", _("asked you to try an action again")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    action = models.ForeignKey(
        PairAction, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    week_of = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.actor} {self.get_kind_display()}"
