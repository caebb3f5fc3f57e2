"""The daily reminders: due-soon and overdue emails to learners, and the weekly
digest to administrators. ``manage.py send_reminders`` runs this from cron.

However often it runs, nothing is sent twice: each email has a unique row
(``ReminderLog``, ``AdminDigest``) written in the same transaction as its send
(see ``courses.tasks.send_once``). A send that fails leaves no row, so the next
run tries it again, and one failure does not stop the others.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django_tasks import TaskResultStatus, task

from accounts import roles
from config.database import replica_reads
from courses.assignment_status import OVERDUE, with_status
from courses.models import Assignment, ReminderLog
from courses.progress import COMPLETE
from courses.tasks import absolute_url, render_email, send_reminder
from hours.compliance import BEHIND, people_behind
from pairs.scoping import people_in_scope
from reporting.completion_reports import completion_rows
from reporting.models import AdminDigest
from reporting.pair_reports import ATTENTION, attention_reasons, pairs_needing_attention
from workspace.plans import monday_of

logger = logging.getLogger(__name__)

DUE_SOON_DAYS = 3
# How many overdue people and pairs a digest lists before pointing to the report.
DIGEST_LISTED = 25


# How long a newly assigned notice that could not be sent keeps being retried.
ASSIGNED_NOTICE_DAYS = 7


def learner_reminders(today: datetime.date) -> list[tuple[int, str, datetime.date]]:
    """``(assignment id, kind, due date)`` of every learner reminder not sent yet.

    Due-soon covers the three days before the due date (so a day cron missed is
    caught up), overdue any day after it; complete work gets neither. A
    newly-assigned notice that failed to send is retried for a week.
    """
    open_work = with_status(
        Assignment.objects.filter(user__is_active=True).exclude(user__email=""), today
    ).exclude(status=COMPLETE)
    sent = ReminderLog.objects.filter(assignment=OuterRef("pk"), due_on=OuterRef("due_on"))
    never_told = ~Exists(
        ReminderLog.objects.filter(assignment=OuterRef("pk"), kind=ReminderLog.Kind.ASSIGNED)
    )
    due = {
        # The notice sent when work is assigned, retried here if the mail failed
        # then; after a week the due-soon and overdue reminders take over.
        ReminderLog.Kind.ASSIGNED: open_work.filter(
            never_told,
            # Bounded above too: run as of an earlier day, work assigned since is not owed yet.
            created_at__date__range=(today - datetime.timedelta(days=ASSIGNED_NOTICE_DAYS), today),
        ),
        ReminderLog.Kind.DUE_SOON: open_work.filter(
            due_on__range=(today, today + datetime.timedelta(days=DUE_SOON_DAYS))
        ),
        ReminderLog.Kind.OVERDUE: open_work.filter(due_on__lt=today),
    }
    return [
        (pk, kind, due_on)
        for kind, assignments in due.items()
        for pk, due_on in assignments.exclude(Exists(sent.filter(kind=kind)))
        .order_by("pk")
        .values_list("pk", "due_on")
    ]


def digest_recipients(today: datetime.date) -> QuerySet:
    """Administrators with an address who have not had this week's digest: district
    administrators, and school administrators who run at least one school."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(
            Q(groups__name=roles.DISTRICT_ADMINISTRATORS)
            | Q(groups__name=roles.SCHOOL_ADMINISTRATORS, administered_schools__isnull=False)
        )
        .exclude(
            Exists(
                AdminDigest.objects.filter(administrator=OuterRef("pk"), week_of=monday_of(today))
            )
        )
        .distinct()
    )


def digest_context(admin, today: datetime.date) -> dict:
    overdue = completion_rows(admin, today).filter(status=OVERDUE)
    attention = pairs_needing_attention(admin, today)
    listed_pairs = list(attention[:DIGEST_LISTED])
    for pair in listed_pairs:
        pair.reasons = attention_reasons(pair)
    return {
        "admin": admin,
        "week_of": monday_of(today),
        "overdue": list(overdue[:DIGEST_LISTED]),
        "overdue_count": overdue.count(),
        "overdue_url": absolute_url(f"{reverse('course_reports:completion')}?status={OVERDUE}"),
        "attention": listed_pairs,
        "attention_count": attention.count(),
        "attention_url": absolute_url(f"{reverse('pair_reports:health')}?status={ATTENTION}"),
        **hours_behind_context(admin, today),
    }


def hours_behind_context(admin, today: datetime.date) -> dict:
    """Who is behind on the PD hours the district's rules require (nothing when the
    district follows no rule)."""
    behind = people_behind(people_in_scope(admin), today)
    url = f"{reverse('hours_reports:compliance')}?status={BEHIND}"
    return {
        "hours_behind": [found.person for found in behind[:DIGEST_LISTED]],
        "hours_behind_count": len(behind),
        "hours_behind_url": absolute_url(url),
    }


@task()
def send_admin_digest(admin_id: int, today: str) -> bool:
    """This week's digest for one administrator, unless it already went out."""
    today_date = datetime.date.fromisoformat(today)
    with transaction.atomic():
        admin = get_user_model().objects.filter(pk=admin_id, is_active=True).first()
        if admin is None or not admin.email:
            return False
        _, created = AdminDigest.objects.get_or_create(
            administrator=admin, week_of=monday_of(today_date)
        )
        if not created:
            return False
        # The digest's figures may come from the replica; whether it was sent
        # already (just above) must be read from the primary, and is.
        with replica_reads():
            context = digest_context(admin, today_date)
        render_email("emails/admin_digest", context, admin).send()
    return True


@dataclass
class Summary:
    queued: int = 0
    failed: int = 0

    def enqueue(self, enqueue: Callable, *args) -> None:
        """Queue one email; count, log and carry on past a failure."""
        try:
            result = enqueue(*args)
        except Exception:
            logger.exception("Could not queue %s%r.", getattr(enqueue, "__qualname__", ""), args)
            self.failed += 1
            return
        # Only a backend that runs tasks at once (the default) knows the outcome now.
        if result.status == TaskResultStatus.FAILED:
            logger.warning("%s%r failed:\n%s", result.task.name, args, result.errors[-1].traceback)
            self.failed += 1
        else:
            self.queued += 1


@dataclass(frozen=True)
class PlannedEmail:
    """One email a run would send: what kind, to whom, about what."""

    kind: str
    to: str
    about: str


def planned_emails(today: datetime.date) -> list[PlannedEmail]:
    """What ``send_reminders(today)`` would send, without sending or recording anything."""
    owed = learner_reminders(today)
    assignments = Assignment.objects.select_related("user", "page").in_bulk(
        [assignment_id for assignment_id, _, _ in owed]
    )
    planned = [
        PlannedEmail(
            kind=str(ReminderLog.Kind(kind).label),
            to=assignments[assignment_id].user.email,
            about=f"{assignments[assignment_id].page.title}, due {due_on.isoformat()}",
        )
        for assignment_id, kind, due_on in owed
    ]
    week_of = monday_of(today).isoformat()
    planned += [
        PlannedEmail(kind="Weekly digest", to=email, about=f"the week of {week_of}")
        for email in digest_recipients(today).order_by("pk").values_list("email", flat=True)
    ]
    return planned


def send_reminders(today: datetime.date) -> Summary:
    """Queue every learner reminder and weekly digest not sent yet."""
    summary = Summary()
    for assignment_id, kind, due_on in learner_reminders(today):
        summary.enqueue(send_reminder.enqueue, assignment_id, kind, due_on.isoformat())
    for admin_id in digest_recipients(today).values_list("pk", flat=True):
        summary.enqueue(send_admin_digest.enqueue, admin_id, today.isoformat())
    return summary
