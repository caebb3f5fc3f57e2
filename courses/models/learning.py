"""Learner state: assignments, progress, quiz attempts and certificates.

Definitions live on the pages (versioned with their revisions); what people do
is stored here as plain rows, one rule per database constraint.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q
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


class ModuleProgress(models.Model):
    """Where one person is in one module. Completion is recorded here, once."""

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


def forget_first_try_miss(sender, instance: MissedQuestion, origin=None, **kwargs) -> None:
    """``post_delete`` of a miss: its person no longer counts in the tally.

    A deleted page (a module, or the course above it) takes its tallies with it,
    so its misses, thousands at a district, are not counted down one by one."""
    deleted = origin.model if isinstance(origin, models.QuerySet) else type(origin)
    if issubclass(deleted, Page):
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
