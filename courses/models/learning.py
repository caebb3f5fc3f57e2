"""Learner state: assignments, progress, quiz attempts and certificates.

Definitions live on the pages (versioned with their revisions); what people do
is stored here as plain rows, one rule per database constraint.
"""

from __future__ import annotations

import secrets
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page


class Assignment(models.Model):
    """A course or module an administrator asked one person to complete by a date."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("A course or a module."),
    )
    due_on = models.DateField(_("due on"))
    note = models.TextField(_("note"), blank=True, max_length=1000)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "page"], name="one_assignment_per_person"),
        ]
        indexes = [models.Index(fields=["due_on"])]

    def __str__(self) -> str:
        return f"{self.page.title} for {self.user} by {self.due_on:%Y-%m-%d}"

    @property
    def percent(self) -> int:
        """How far the person got, in percent of the live modules assigned: from the
        counts ``courses.assignment_status.with_completion`` annotates, rounded as
        PostgreSQL rounds the same ratio to sort by it (half to even)."""
        if not self.module_count:
            return 0
        return round(100 * self.completed_count / self.module_count)


# What a progress row adds to its module's ``ModuleTally``: the columns it is read from.
TALLIED_FIELDS = ("module_id", "completed_at", "attempts_to_pass")


class ModuleProgress(models.Model):
    """Where one person is in one module. Completion is recorded here, once.

    Each save and each delete keeps the module's running tally (``ModuleTally``)
    in step. The values a row was read with are kept with it (``from_db``, as
    Django's documentation does to track a field's change), so that saving it counts
    only the difference.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_progress"
    )
    module = models.ForeignKey(
        "courses.ModulePage", on_delete=models.CASCADE, related_name="progress"
    )
    started_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    passed_at = models.DateTimeField(null=True, blank=True)
    # How many attempts the first pass took, recorded with ``passed_at`` so the
    # module report averages it without replaying everyone's attempts.
    attempts_to_pass = models.PositiveSmallIntegerField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "module progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], name="one_progress_per_module"),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(read_at__isnull=False),
                name="completed_modules_were_read",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "completed_at"]),
            # Covers the module report's counts, which read only these columns.
            models.Index(
                fields=["module", "completed_at", "attempts_to_pass"], name="progress_by_module"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.module_id}"

    def save(self, *args, update_fields=None, **kwargs) -> None:
        before = None if self._state.adding else self._tallied_in_database()
        super().save(*args, update_fields=update_fields, **kwargs)
        after = self._tallied_now()
        if update_fields is not None and before is not None:
            # A field left out of ``update_fields`` keeps what the database holds.
            saved = {self._meta.get_field(name).attname for name in update_fields}
            after = {name: after[name] if name in saved else before[name] for name in after}
        ModuleTally.objects.count_change(before, after)
        self._tallied = after

    @classmethod
    def from_db(cls, db, field_names, values):
        progress = super().from_db(db, field_names, values)
        loaded = dict(zip(field_names, values, strict=True))
        if all(name in loaded for name in TALLIED_FIELDS):
            progress._tallied = {name: loaded[name] for name in TALLIED_FIELDS}
        return progress

    def refresh_from_db(self, *args, **kwargs) -> None:
        super().refresh_from_db(*args, **kwargs)
        # The values it is counted by are read again from the database when it is saved.
        self._tallied = None

    def tallied(self) -> dict:
        """The values the row counts in its module's tally by, as it was read."""
        return getattr(self, "_tallied", None) or self._tallied_now()

    def _tallied_now(self) -> dict:
        return {name: getattr(self, name) for name in TALLIED_FIELDS}

    def _tallied_in_database(self) -> dict | None:
        """The values as the database holds them now (None if the row is gone)."""
        tallied = getattr(self, "_tallied", None)
        if tallied is None:
            tallied = type(self)._base_manager.filter(pk=self.pk).values(*TALLIED_FIELDS).first()
        return tallied


class QuizAttempt(models.Model):
    """One submitted quiz. Attempts are never changed or deleted by a re-take."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    module = models.ForeignKey(
        "courses.ModulePage", on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answers = models.JSONField(default=dict)
    # The order the choices were shown in, {question id: [choice ids]}, seeded by the
    # form token (courses.choice_order). Empty for attempts from before choices were
    # shuffled: they showed the quiz's own order.
    choice_order = models.JSONField(default=dict, blank=True)
    score = models.FloatField()
    passed = models.BooleanField()
    # The token printed in the form: a second submit of the same form is the same attempt.
    form_token = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "form_token"], name="one_attempt_per_form"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=1), name="score_0_to_1"),
        ]
        indexes = [models.Index(fields=["user", "module"])]

    def __str__(self) -> str:
        return f"{self.user} on {self.module_id}: {self.score:.0%}"


class MissedQuestion(models.Model):
    """A question one attempt got wrong, graded against the quiz it was taken on.

    Recorded with the attempt, so the module report counts the most-missed
    questions in the database instead of re-grading every attempt it shows.
    It counts first attempts: what people get wrong before any feedback, each
    person once, however many retakes someone needed.
    """

    attempt = models.ForeignKey(
        QuizAttempt, on_delete=models.CASCADE, related_name="missed_questions"
    )
    # The attempt's person and module, copied so misses are counted per module, and
    # within a school administrator's people, without joining the attempts.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    module = models.ForeignKey("courses.ModulePage", on_delete=models.CASCADE, related_name="+")
    # The question's StreamField block id in the module's quiz.
    question_id = models.CharField(max_length=64)
    # Whether the attempt was the person's first at this module.
    first_attempt = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question_id"], name="one_miss_per_question"
            ),
        ]
        indexes = [
            models.Index(
                fields=["module", "first_attempt", "question_id"], name="missed_by_module"
            ),
            # A school's counts, and erasure, find a person's misses by this index.
            models.Index(
                fields=["user", "module", "first_attempt", "question_id"], name="missed_by_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} missed in {self.attempt_id}"


class FirstTryMissesQuerySet(models.QuerySet):
    def count_first_try(self, module_id: int, question_ids: list[str]) -> None:
        """One more person missed each of ``question_ids`` on their first attempt."""
        self.bulk_create(
            [self.model(module_id=module_id, question_id=id, people=0) for id in question_ids],
            ignore_conflicts=True,
        )
        self.filter(module_id=module_id, question_id__in=question_ids).update(
            people=F("people") + 1
        )

    def recount(self) -> None:
        """Rebuild every tally from the recorded misses (after a bulk load)."""
        self.all().delete()
        counted = (
            MissedQuestion.objects.filter(first_attempt__in=[True])
            .values("module_id", "question_id")
            .annotate(people=Count("*"))
            .order_by()
        )
        self.bulk_create(self.model(**row) for row in counted.iterator())


class FirstTryMisses(models.Model):
    """How many people missed one question on their first attempt at a module.

    A running tally, kept with the misses themselves: counted up when a first
    attempt is recorded (``courses.recording``) and down when a miss is deleted
    (erasure, a deleted account or module: the receiver in ``courses.apps``). The
    district's module report reads a row per question from it instead of counting
    every first-attempt miss ever recorded (434,000 rows at the benchmark's scale
    5: 21 ms on PostgreSQL, and growing with every school year). A school
    administrator's figures are counted from their people's misses.
    """

    module = models.ForeignKey("courses.ModulePage", on_delete=models.CASCADE, related_name="+")
    question_id = models.CharField(max_length=64)
    # Not a PositiveIntegerField: a check constraint must never stop an erasure.
    people = models.IntegerField(default=0)

    objects = FirstTryMissesQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "first-try misses"
        constraints = [
            models.UniqueConstraint(fields=["module", "question_id"], name="one_tally_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.question_id} in {self.module_id}: {self.people}"


# A module's running numbers; a progress row adds ``ModuleTally.numbers_of`` its values.
TALLY_NUMBERS = ("started", "completed", "passed", "attempts_to_pass")


class ModuleTallyQuerySet(models.QuerySet):
    def count_change(self, before: dict | None, after: dict | None) -> None:
        """A progress row's values (``TALLIED_FIELDS``) went from ``before`` to
        ``after`` (None for a row that did not exist, or no longer does). One
        update a module changed, none when nothing counted changed; the tally's
        row is made the first time its module is counted."""
        changes: dict[int, dict[str, int]] = {}
        for values, sign in ((before, -1), (after, 1)):
            if values is None:
                continue
            change = changes.setdefault(values["module_id"], dict.fromkeys(TALLY_NUMBERS, 0))
            for name, number in ModuleTally.numbers_of(values).items():
                change[name] += sign * number
        for module_id, change in changes.items():
            updates = {name: F(name) + number for name, number in change.items() if number}
            if not updates:
                continue
            if not self.filter(module_id=module_id).update(**updates):
                self.bulk_create([self.model(module_id=module_id)], ignore_conflicts=True)
                self.filter(module_id=module_id).update(**updates)

    def recount(self) -> None:
        """Rebuild every tally from the progress recorded (after a bulk load)."""
        self.all().delete()
        counted = (
            ModuleProgress.objects.values("module_id")
            .annotate(
                started_count=Count("*"),
                completed_count=Count("completed_at"),
                passed_count=Count("attempts_to_pass"),
                attempts=Coalesce(Sum("attempts_to_pass"), 0),
            )
            .order_by()
        )
        self.bulk_create(
            self.model(
                module_id=row["module_id"],
                started=row["started_count"],
                completed=row["completed_count"],
                passed=row["passed_count"],
                attempts_to_pass=row["attempts"],
            )
            for row in counted.iterator()
        )


class ModuleTally(models.Model):
    """How many people started and completed one module, and how many attempts
    their first passes took: the district's figures in the module report.

    A running tally, kept by ``ModuleProgress`` as its rows are saved and deleted
    (and by ``forget_progress`` for rows a deletion takes with it). Aggregating
    every person's progress in each module read 130,000 rows at the benchmark's
    scale 5 (20 ms on PostgreSQL), and grew with every school year; this is a row
    a module. A school administrator's figures, and a chosen school's, are still
    counted from their people's progress.
    """

    module = models.OneToOneField(
        "courses.ModulePage", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    started = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)
    # The people whose first pass is on record, and the attempts those passes took
    # in all: their average is ``attempts_to_pass / passed``.
    passed = models.IntegerField(default=0)
    attempts_to_pass = models.IntegerField(default=0)

    objects = ModuleTallyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "module tallies"

    def __str__(self) -> str:
        return f"{self.module_id}: {self.started} started, {self.completed} completed"

    @staticmethod
    def numbers_of(values: dict) -> dict[str, int]:
        """What a progress row with these values (``TALLIED_FIELDS``) adds to its
        module's tally."""
        attempts = values["attempts_to_pass"]
        return {
            "started": 1,
            "completed": int(values["completed_at"] is not None),
            "passed": int(attempts is not None),
            "attempts_to_pass": attempts or 0,
        }

    @property
    def average_attempts_to_pass(self) -> Decimal | None:
        """Rounded to a tenth, half away from zero, as the database rounds the
        average it computes for a school (``ROUND(AVG(...), 1)``)."""
        if not self.passed:
            return None
        average = Decimal(self.attempts_to_pass) / self.passed
        return average.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def taken_with_a_page(origin) -> bool:
    """Whether a deletion started at a page (a module, or the course above it):
    its tallies go with it, so its rows, thousands at a district, are not counted
    down one by one."""
    deleted = origin.model if isinstance(origin, models.QuerySet) else type(origin)
    return issubclass(deleted, Page)


def forget_progress(sender, instance: ModuleProgress, origin=None, **kwargs) -> None:
    """``post_delete`` of a progress row (erasure, a deleted account): its person
    no longer counts in the module's tally."""
    if not taken_with_a_page(origin):
        ModuleTally.objects.count_change(instance.tallied(), None)


def forget_first_try_miss(sender, instance: MissedQuestion, origin=None, **kwargs) -> None:
    """``post_delete`` of a miss: its person no longer counts in the tally."""
    if taken_with_a_page(origin):
        return
    if instance.first_attempt:
        FirstTryMisses.objects.filter(
            module_id=instance.module_id, question_id=instance.question_id
        ).update(people=F("people") - 1)


class PreCheck(models.Model):
    """One person's answers to a module's pre-check ("What do you already know?").

    Taken once, before reading, and kept as first given: it counts toward nothing
    (passing, completion, eligibility) and only sets the baseline the quiz result
    and the module report compare with.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prechecks"
    )
    module = models.ForeignKey(
        "courses.ModulePage", on_delete=models.CASCADE, related_name="prechecks"
    )
    # The revision answered, so the answers are read against the questions shown.
    revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answers = models.JSONField(default=dict, blank=True)  # {question id: [choice ids]}
    choice_order = models.JSONField(default=dict, blank=True)  # as QuizAttempt's
    score = models.FloatField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pre-check answer")
        verbose_name_plural = _("pre-check answers")
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], name="one_precheck_per_module"),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=1), name="precheck_score_0_to_1"
            ),
        ]
        indexes = [models.Index(fields=["module", "user"], name="precheck_by_module")]

    def __str__(self) -> str:
        return f"{self.user} before {self.module_id}: {self.score:.0%}"


def new_verification_code() -> str:
    return secrets.token_hex(6).upper()


class Certificate(models.Model):
    """Issued once when a person completes a course. It stands even if the course grows."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.PROTECT, related_name="certificates"
    )
    # Copied at issue time so the certificate says what was true when it was earned.
    recipient_name = models.CharField(max_length=300)
    course_title = models.CharField(max_length=255)
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    # Who awarded it, from the District setting on the day it was issued: a district
    # that renames itself later does not rename its earlier certificates.
    district_name = models.CharField(max_length=200, blank=True)
    pd_sponsor = models.CharField(max_length=200, blank=True)
    issued_at = models.DateTimeField(default=timezone.now)
    verification_code = models.CharField(max_length=16, unique=True, default=new_verification_code)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="one_certificate_per_course"),
        ]

    def __str__(self) -> str:
        return f"{self.course_title} for {self.recipient_name}"


class ReminderLog(models.Model):
    """A reminder that was sent, so the daily command never sends it twice."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")
        ASSIGNED = "assigned", _("Newly assigned")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # The due date the reminder was about: moving the date earns a fresh reminder.
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "kind", "due_on"], name="one_reminder_per_due_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for assignment {self.assignment_id}"
