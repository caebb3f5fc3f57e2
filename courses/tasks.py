"""Email to learners about their assignments, sent through django-tasks.

Each email is sent at most once for an assignment, a kind and a due date: the
``ReminderLog`` row is written in the same transaction as the send, so a send
that fails leaves no row (the next run of ``send_reminders`` tries again), and
a second task for the same email finds the row and sends nothing.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django_tasks import task
from wagtail.log_actions import log

from accounts.language import in_language_of
from config import links
from courses.models import Assignment, ReminderLog

REMIND_ACTION = "tandem.remind"

TEMPLATES = {
    ReminderLog.Kind.ASSIGNED: "emails/assigned",
    ReminderLog.Kind.DUE_SOON: "emails/due_soon",
    ReminderLog.Kind.OVERDUE: "emails/overdue",
}


def absolute_url(path_or_url: str | None) -> str:
    """A link that works from an inbox: relative paths get the site's base URL."""
    return links.absolute_url(path_or_url)


def render_email(template: str, context: dict, recipient) -> EmailMessage:
    """``<template>_subject.txt`` and ``<template>.txt`` as one plain-text email to
    ``recipient``, in their language, whoever or whatever sends it."""
    with in_language_of(recipient):
        subject = settings.EMAIL_SUBJECT_PREFIX + " ".join(
            render_to_string(f"{template}_subject.txt", context).split()
        )
        body = render_to_string(f"{template}.txt", context)
    return EmailMessage(subject, body, to=[recipient.email])


def assignment_email(assignment: Assignment, kind: str) -> EmailMessage:
    context = {
        "assignment": assignment,
        "person": assignment.user,
        "page": assignment.page,
        "url": absolute_url(assignment.page.url),
    }
    return render_email(TEMPLATES[kind], context, assignment.user)


def send_once(assignment_id: int, kind: str, due_on: datetime.date) -> bool:
    """Email one assignment's person about it, unless that email already went out.

    Returns whether an email was sent. Nothing is sent for an assignment that
    is gone, whose due date has moved since the task was queued (the new date
    earns its own reminder), or whose person has no email address.
    """
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_related("user", "page")
            .filter(pk=assignment_id, due_on=due_on)
            .first()
        )
        if assignment is None or not assignment.user.email:
            return False
        _, created = ReminderLog.objects.get_or_create(
            assignment=assignment, kind=kind, due_on=due_on
        )
        if not created:
            return False
        # Raising here rolls the log row back with it.
        assignment_email(assignment, kind).send()
        if kind != ReminderLog.Kind.ASSIGNED:
            log(assignment, REMIND_ACTION, title=assignment.page.title, data={"kind": kind})
    return True


@task()
def send_assignment_email(assignment_id: int, due_on: str) -> bool:
    """Tell a newly assigned person what, why, by when, and where to start."""
    return send_once(assignment_id, ReminderLog.Kind.ASSIGNED, datetime.date.fromisoformat(due_on))


@task()
def send_reminder(assignment_id: int, kind: str, due_on: str) -> bool:
    """A due-soon or overdue reminder (``ReminderLog.Kind``)."""
    return send_once(assignment_id, kind, datetime.date.fromisoformat(due_on))
