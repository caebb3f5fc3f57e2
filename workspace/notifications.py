"""Telling a partner what waits on them: in the app always, by email when they chose it.

A notification is a row (``Notification``) that the recipient sees in "what waits
on me" until they open it or do what it asks. Email follows the person's own
choice (``User.email_notifications``): never, at once (one email a notification,
through django-tasks like the other emails), or one summary a day
(``manage.py send_notification_summaries``). Each notification is emailed at
most once: ``emailed_at`` is claimed by one guarded UPDATE before anything is
sent, so a task run twice, or a summary that overlaps it, sends nothing again.

Emails say who did what and link to the app; no student text (action text,
notes, initials, feedback) is ever put in one.
"""

from __future__ import annotations

import datetime
import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from accounts.language import in_language_of
from accounts.models import EmailNotifications
from courses.tasks import absolute_url, render_email
from pairs.models import Pair
from workspace.models import Notification, PairAction

logger = logging.getLogger(__name__)

Kind = Notification.Kind


def notify(
    pair: Pair,
    actor,
    kind: str,
    *,
    action: PairAction | None = None,
    week_of: datetime.date | None = None,
) -> Notification | None:
    """Tell ``actor``'s partner in ``pair`` that ``actor`` did ``kind``.

    A second change to the same plan or action while the first is still unread
    moves that one up instead of adding another (and so sends no second email).
    """
    recipient = pair.partner_of(actor)
    if recipient is None or not recipient.is_active:
        return None
    now = timezone.now()
    same = Notification.objects.unread().filter(
        recipient=recipient, pair=pair, kind=kind, action=action, week_of=week_of
    )
    if same.update(actor=actor, created_at=now):
        return None
    notification = Notification.objects.create(
        recipient=recipient, actor=actor, pair=pair, kind=kind, action=action, week_of=week_of
    )
    if recipient.email and recipient.email_notifications == EmailNotifications.AT_ONCE:
        transaction.on_commit(lambda: send_notification_email.enqueue(notification.pk))
    return notification


def clear(recipient, pair: Pair, *kinds: str, action=None, week_of=None) -> int:
    """Mark ``recipient``'s notifications of ``kinds`` about ``action`` (or the plan of
    ``week_of``) read: they did what it asked, or looked."""
    filters = {"recipient": recipient, "pair": pair, "kind__in": kinds}
    if action is not None:
        filters["action"] = action
    if week_of is not None:
        filters["week_of"] = week_of
    return Notification.objects.filter(**filters).mark_read()


def _claim_for_email(notifications) -> list[int]:
    """Ids of ``notifications`` not emailed yet, now marked emailed: the UPDATE's
    guard makes one sender the winner of each, whoever else runs at once."""
    ids = list(notifications.filter(emailed_at__isnull=True).values_list("pk", flat=True))
    now = timezone.now()
    return [
        pk
        for pk in ids
        if Notification.objects.filter(pk=pk, emailed_at__isnull=True).update(emailed_at=now)
    ]


def sentence(notification: Notification) -> str:
    """ "Ana Ruiz confirmed an action on your checklist." Names no student."""
    actor = notification.actor
    name = (actor.get_full_name() or actor.username) if actor else _("Your partner")
    return _("%(name)s %(did)s.") % {"name": name, "did": notification.get_kind_display()}


@task()
def send_notification_email(notification_id: int) -> bool:
    """Email one notification to a person who chose "at once". Returns whether sent."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_related("recipient", "actor")
            .filter(
                pk=notification_id,
                read_at__isnull=True,
                recipient__is_active=True,
                recipient__email_notifications=EmailNotifications.AT_ONCE,
            )
            .exclude(recipient__email="")
            .first()
        )
        if notification is None or not _claim_for_email(
            Notification.objects.filter(pk=notification.pk)
        ):
            return False
        # Raising here rolls the claim back: the next attempt may send it.
        # The sentence too is written in the recipient's language, not the actor's.
        with in_language_of(notification.recipient):
            render_email(
                "emails/notification",
                {
                    "person": notification.recipient,
                    "sentence": sentence(notification),
                    "url": absolute_url(notification_url(notification)),
                },
                notification.recipient,
            ).send()
    return True


def notification_url(notification: Notification) -> str:
    return reverse("waiting_open", args=[notification.pk])


def send_daily_summaries() -> int:
    """One email per person who chose a daily summary and has unread notifications
    not emailed yet. Returns how many emails were sent; one failure stops no other."""
    people = (
        get_user_model()
        .objects.filter(
            is_active=True,
            email_notifications=EmailNotifications.DAILY,
            notifications__read_at__isnull=True,
            notifications__emailed_at__isnull=True,
        )
        .exclude(email="")
        .distinct()
    )
    sent = 0
    for person in people:
        try:
            with transaction.atomic():
                claimed = _claim_for_email(person.notifications.unread())
                if not claimed:
                    continue
                counts = (
                    Notification.objects.filter(pk__in=claimed)
                    .values("kind")
                    .annotate(n=Count("pk"))
                    .order_by("kind")
                )
                with in_language_of(person):
                    lines = [_summary_line(row["kind"], row["n"]) for row in counts]
                render_email(
                    "emails/notification_summary",
                    {
                        "person": person,
                        "lines": lines,
                        "count": len(claimed),
                        "url": absolute_url(reverse("my_pairs") + "#waiting"),
                    },
                    person,
                ).send()
                sent += 1
        except Exception:
            logger.exception("The daily summary for person %s was not sent.", person.pk)
    return sent


def _summary_line(kind: str, count: int) -> str:
    lines = {
        Kind.PARTNER_CONFIRMED: ngettext(
            "%(count)d action your partner confirmed waits for your part.",
            "%(count)d actions your partner confirmed wait for your part.",
            count,
        ),
        Kind.PLAN_CHANGED: ngettext(
            "Your partner changed %(count)d weekly plan.",
            "Your partner changed %(count)d weekly plans.",
            count,
        ),
        Kind.FEEDBACK: ngettext(
            "%(count)d piece of feedback from your teacher.",
            "%(count)d pieces of feedback from your teacher.",
            count,
        ),
        Kind.TRY_AGAIN: ngettext(
            "%(count)d action to try again.",
            "%(count)d actions to try again.",
            count,
        ),
    }
    return lines[kind] % {"count": count}
