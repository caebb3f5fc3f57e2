"""Welcome new people with a link to set their own password.

Administrators never choose or see a password: a new account gets an unusable
one, and the welcome email carries allauth's password-reset link, so setting the
first password goes through the same flow (and rate limits) as resetting one.

The task is queued with the person's id only and writes the email when it runs:
a working link stored in the task table would be a password anyone reading the
table could use.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from accounts.tasks import password_reset_url
from config import links


def invite_after_commit(users: Iterable) -> None:
    """Send the welcome emails only once the accounts are really there."""
    ids = [user.pk for user in users if user.email]
    if ids:
        transaction.on_commit(lambda: [send_welcome.enqueue(user_id) for user_id in ids])


@task()
def send_welcome(user_id: int) -> bool:
    """The welcome email, unless the account was deactivated or lost its address."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return False
    context = {
        "user": user,
        "set_password_url": password_reset_url(user),
        "site_name": settings.WAGTAIL_SITE_NAME,
        "password_reset_url": links.absolute_url(reverse("account_reset_password")),
    }
    subject = render_to_string("pairs/email/welcome_subject.txt", context).strip()
    body = render_to_string("pairs/email/welcome_message.txt", context)
    send_mail(settings.EMAIL_SUBJECT_PREFIX + subject, body, None, [user.email])
    return True
