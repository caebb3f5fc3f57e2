"""Welcome new people with a link to set their own password.

Administrators never choose or see a password: a new account gets an unusable
one, and the welcome email carries allauth's password-reset link, so setting the
first password goes through the same flow (and rate limits) as resetting one.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urljoin

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task


def set_password_url(user) -> str:
    """An absolute link to allauth's "set a new password" page for this person.

    Built from WAGTAILADMIN_BASE_URL because the email may be sent by a worker
    or a management command, with no request to take the host from.
    """
    token = default_token_generator.make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": token},
    )
    return urljoin(settings.WAGTAILADMIN_BASE_URL, path)


def send_welcome(user) -> None:
    context = {
        "user": user,
        "set_password_url": set_password_url(user),
        "site_name": settings.WAGTAIL_SITE_NAME,
        "password_reset_url": urljoin(
            settings.WAGTAILADMIN_BASE_URL, reverse("account_reset_password")
        ),
    }
    subject = render_to_string("pairs/email/welcome_subject.txt", context).strip()
    body = render_to_string("pairs/email/welcome_message.txt", context)
    send_email.enqueue(user.email, settings.EMAIL_SUBJECT_PREFIX + subject, body)


def invite_after_commit(users: Iterable) -> None:
    """Send the welcome emails only once the accounts are really there."""
    users = [user for user in users if user.email]
    if users:
        transaction.on_commit(lambda: [send_welcome(user) for user in users])


@task()
def send_email(to: str, subject: str, body: str) -> None:
    send_mail(subject, body, None, [to])
