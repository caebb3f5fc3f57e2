"""Welcome new people with a link to set their own password: by email, or, for
someone with no address, a one-time set-up link an administrator prints or shows.

Administrators never choose or see a password: a new account gets an unusable
one, and the welcome email carries allauth's password-reset link, so setting the
first password goes through the same flow (and rate limits) as resetting one.

The task is queued with the person's id only and writes the email when it runs:
a working link stored in the task table would be a password anyone reading the
table could use.
"""

from __future__ import annotations

from collections.abc import Iterable

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_tasks import task
from wagtail.log_actions import log

from accounts import setup_links
from accounts.language import in_language_of
from accounts.tasks import password_reset_url
from config import links
from pairs import scoping


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
    with in_language_of(user):
        subject = render_to_string("pairs/email/welcome_subject.txt", context).strip()
        body = render_to_string("pairs/email/welcome_message.txt", context)
    send_mail(settings.EMAIL_SUBJECT_PREFIX + subject, body, None, [user.email])
    return True


@require_http_methods(["GET", "POST"])
def setup_link(request: HttpRequest, pk: int) -> TemplateResponse:
    """An administrator makes a one-time set-up link for a person they manage, to
    print or show on screen: for people with no email address to send a welcome to.

    GET asks first, since a new link replaces the last; POST shows the new link,
    once (only its hash is kept: accounts.setup_links).
    """
    person = get_object_or_404(scoping.accounts_managed_by(request.user), pk=pk)
    context = {"person": person, "lifetime_days": setup_links.LIFETIME.days}
    if request.method == "POST":
        token = setup_links.issue(person, issued_by=request.user)
        log(person, setup_links.LOG_ACTION, user=request.user)
        url = setup_links.url_for(token)
        context |= {"setup_url": url, "qr_svg": qr_svg(url)}
    return TemplateResponse(request, "account/admin/setup_link.html", context)


def qr_svg(url: str) -> str:
    """The link as a QR code, for a phone to open from the screen or the printout."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 (made here, no input)
