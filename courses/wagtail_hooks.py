"""The administrators' side of courses in the Wagtail admin: assignments and their
audit-log actions. The reports on them are ``reporting``'s."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from courses import bulk_actions
from courses.admin_views import AssignmentViewSet
from courses.assigning import ASSIGN_ACTION, REASSIGN_ACTION
from courses.models import ReminderLog
from courses.tasks import REMIND_ACTION
from pairs.change_log import display


@hooks.register("register_admin_viewset")
def register_assignment_viewset():
    return AssignmentViewSet("assignments")


for bulk_action in bulk_actions.BULK_ACTIONS:
    hooks.register("register_bulk_action", bulk_action)


def display_date(iso_date: str | None) -> str:
    return display(datetime.date.fromisoformat(iso_date)) if iso_date else "?"


class DueDateFormatter(LogFormatter):
    template = ""

    def format_message(self, log_entry):
        return self.template % {"due_on": display_date((log_entry.data or {}).get("due_on"))}


@hooks.register("register_log_actions")
def register_assignment_log_actions(actions):
    @actions.register_action(ASSIGN_ACTION)
    class Assigned(DueDateFormatter):
        label = _("Assign")
        template = _("Assigned, due %(due_on)s")

    @actions.register_action(REASSIGN_ACTION)
    class Reassigned(DueDateFormatter):
        label = _("Assign again")
        template = _("Assigned again: now due %(due_on)s")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            if data.get("was_due_on") in (None, data.get("due_on")):
                return super().format_message(log_entry)
            return _("Assigned again: Due on: %(was)s → %(due_on)s") % {
                "was": display_date(data["was_due_on"]),
                "due_on": display_date(data["due_on"]),
            }

    @actions.register_action(bulk_actions.REMIND_NOW_ACTION)
    class RemindNow(LogFormatter):
        label = _("Send a reminder now")

        def format_message(self, log_entry):
            kind = (log_entry.data or {}).get("kind")
            labels = dict(ReminderLog.Kind.choices)
            return _("Reminder asked for (%(kind)s)") % {"kind": labels.get(kind, kind)}

    @actions.register_action(REMIND_ACTION)
    class Reminded(LogFormatter):
        label = _("Send reminder")

        def format_message(self, log_entry):
            return _("Reminder sent (%(kind)s)") % {"kind": (log_entry.data or {}).get("kind")}
