"""Bulk actions on assignments (re-date, unassign, remind) and on people (remind),
held to the administrator's schools like every district screen
(``pairs.bulk_actions.ScopedBulkAction``)."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Case, Exists, OuterRef, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.widgets import AdminDateInput
from wagtail.log_actions import log

from courses.assigning import redate
from courses.assignment_status import with_status
from courses.models import Assignment, ReminderLog
from courses.progress import COMPLETE
from courses.tasks import send_reminder
from pairs.bulk_actions import ScopedBulkAction, counted
from pairs.scoping import people_managed_by, rows_of_people_in_scope

REMIND_NOW_ACTION = "tandem.remind_now"
UNASSIGN_ACTION = "wagtail.delete"


def assignments_in_scope(user) -> QuerySet:
    return rows_of_people_in_scope(Assignment.objects.all(), user).select_related("user", "page")


class AssignmentBulkAction(ScopedBulkAction):
    scoped_model = Assignment
    permission_required = "courses.change_assignment"
    header_icon = "date"

    @staticmethod
    def queryset_for_user(user) -> QuerySet:
        return assignments_in_scope(user)

    def edit_url(self, assignment):
        return reverse("assignments:edit", args=[assignment.pk])


class RedateForm(forms.Form):
    due_on = forms.DateField(label=gettext_lazy("New due date"), widget=AdminDateInput)

    def clean_due_on(self) -> datetime.date:
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(_("Choose a due date from today on."))
        return due_on


class RedateAssignments(AssignmentBulkAction):
    display_name = gettext_lazy("Change due date")
    action_type = "redate"
    aria_label = gettext_lazy("Change the due date of the selected assignments")
    action_priority = 10
    form_class = RedateForm
    question = gettext_lazy(
        "Move these assignments to a new due date? Each person whose date moves is emailed."
    )
    confirm_label = gettext_lazy("Yes, change the date")

    @classmethod
    def execute_action(cls, objects, by=None, due_on=None, **kwargs):
        moved = redate(objects, due_on, by)
        return len(moved), len(objects) - len(moved)

    def get_success_message(self, num_parent_objects, num_child_objects):
        message = counted(
            "%(count)d assignment has the new due date; its person was emailed.",
            "%(count)d assignments have the new due date; their people were emailed.",
            num_parent_objects,
        )
        if num_child_objects:
            message += " " + counted(
                "%(count)d already had it.", "%(count)d already had it.", num_child_objects
            )
        return message


class UnassignAssignments(AssignmentBulkAction):
    permission_required = "courses.delete_assignment"
    display_name = gettext_lazy("Unassign")
    action_type = "unassign"
    aria_label = gettext_lazy("Unassign the selected assignments")
    action_priority = 40
    classes = {"serious"}
    question = gettext_lazy(
        "Unassign these? What each person already did (progress, attempts, hours) stays."
    )
    confirm_label = gettext_lazy("Yes, unassign")

    @classmethod
    def execute_action(cls, objects, by=None, **kwargs):
        with transaction.atomic():
            for assignment in objects:
                log(assignment, UNASSIGN_ACTION, user=by)
            Assignment.objects.filter(pk__in=[a.pk for a in objects]).delete()
        return len(objects), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return counted(
            "%(count)d assignment was removed.", "%(count)d assignments were removed.",
            num_parent_objects,
        )  # fmt: skip


def remind_now(assignments: QuerySet, by) -> tuple[int, int]:
    """Queue a reminder for each assignment not complete yet: overdue if its date
    has passed, due soon otherwise. Each email goes at most once for an assignment,
    kind and due date (``courses.tasks.send_once``), so one already sent is not sent
    again. Returns (queued, already sent)."""
    today = timezone.localdate()
    sent = ReminderLog.objects.filter(assignment=OuterRef("pk"), due_on=OuterRef("due_on"))
    open_work = (
        with_status(assignments, today)
        .exclude(status=COMPLETE)
        .filter(user__is_active=True)
        .exclude(user__email="")
        .annotate(
            kind=Case(
                When(due_on__lt=today, then=Value(ReminderLog.Kind.OVERDUE)),
                default=Value(ReminderLog.Kind.DUE_SOON),
            )
        )
        .annotate(already_sent=Exists(sent.filter(kind=OuterRef("kind"))))
    )
    queued = already = 0
    for assignment in open_work.order_by("pk"):
        if assignment.already_sent:
            already += 1
            continue
        log(assignment, REMIND_NOW_ACTION, user=by, data={"kind": assignment.kind})
        args = (assignment.pk, assignment.kind, assignment.due_on.isoformat())
        transaction.on_commit(lambda args=args: send_reminder.enqueue(*args))
        queued += 1
    return queued, already


def reminded_message(queued: int, already: int) -> str:
    message = counted(
        "%(count)d reminder is on its way.", "%(count)d reminders are on their way.", queued
    )
    if already:
        message += " " + counted(
            "%(count)d had already been sent for the same due date.",
            "%(count)d had already been sent for the same due date.",
            already,
        )
    return message


class RemindAssignments(AssignmentBulkAction):
    display_name = gettext_lazy("Send a reminder")
    action_type = "remind"
    aria_label = gettext_lazy("Send a reminder now about the selected assignments")
    action_priority = 20
    question = gettext_lazy(
        "Email a reminder now about these assignments? Complete work is skipped, and "
        "nobody gets the same reminder twice for the same due date."
    )
    confirm_label = gettext_lazy("Yes, send")

    @classmethod
    def execute_action(cls, objects, by=None, **kwargs):
        return remind_now(Assignment.objects.filter(pk__in=[a.pk for a in objects]), by)

    def get_success_message(self, num_parent_objects, num_child_objects):
        return reminded_message(num_parent_objects, num_child_objects)


class RemindPeople(ScopedBulkAction):
    scoped_model = get_user_model()
    permission_required = "courses.change_assignment"
    display_name = gettext_lazy("Send a reminder")
    action_type = "remind_people"
    aria_label = gettext_lazy("Send the selected people a reminder of their open assignments")
    action_priority = 20
    header_icon = "user"
    question = gettext_lazy(
        "Email each of these people a reminder of every assignment they have not "
        "finished? Nobody gets the same reminder twice for the same due date."
    )
    confirm_label = gettext_lazy("Yes, send")

    @staticmethod
    def queryset_for_user(user) -> QuerySet:
        return people_managed_by(user)

    def edit_url(self, person):
        return reverse("people:edit", args=[person.pk])

    def get_execution_context(self):
        # Their assignments the administrator may see: the same rows as the listing.
        return {
            **super().get_execution_context(),
            "in_scope": assignments_in_scope(self.request.user),
        }

    @classmethod
    def execute_action(cls, objects, by=None, in_scope=None, **kwargs):
        people = [person.pk for person in objects]
        return remind_now(in_scope.filter(user__in=people), by)

    def get_success_message(self, num_parent_objects, num_child_objects):
        return reminded_message(num_parent_objects, num_child_objects)


BULK_ACTIONS = (RedateAssignments, UnassignAssignments, RemindAssignments, RemindPeople)
