"""Account email sent by the task worker (``manage.py db_worker``).

A password-reset request for a known address used to wait for the mail server
while one for an unknown address sends nothing: about 0.45 s against 0.04 s,
enough to tell which addresses have accounts. The request now only queues the
email (accounts.adapter), and this task writes and sends it.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.internal.userkit import filter_users_by_email
from allauth.account.utils import user_pk_to_url_str, user_username
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from config import links


@dataclass(frozen=True)
class SiteForEmail:
    """What allauth's email templates read as ``current_site``, taken from the
    settings: a worker has no request to take the host from."""

    name: str
    domain: str


def site_for_email() -> SiteForEmail:
    return SiteForEmail(
        name=settings.WAGTAIL_SITE_NAME,
        domain=links.site_domain(),
    )


def password_reset_url(user: AbstractBaseUser) -> str:
    """An absolute link to allauth's "set a new password" page for ``user``."""
    token = default_token_generator.make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": token},
    )
    return links.absolute_url(path)


def account_for_reset(user_id: int, email: str) -> AbstractBaseUser | None:
    """The account a reset asked for, if ``email`` still leads to it.

    The same look-up as allauth's reset form (its internal ``userkit`` one: the
    public ``allauth.account.utils`` wrapper drops ``for_login``), made again
    when the email goes out: an account deactivated, or an address removed,
    since the request is sent nothing.
    """
    accounts = filter_users_by_email(email, is_active=True, prefer_verified=True, for_login=True)
    return next((account for account in accounts if account.pk == user_id), None)


@task()
def send_password_reset_email(user_id: int, email: str, asked_in: str = "") -> bool:
    """Email ``email`` a link to set a new password for the account ``user_id``.

    The link is made here, not in the request, so that the queue (a database
    table under production settings, kept after the task has run) never holds
    a link that sets someone's password. Returns whether an email was sent.
    ``asked_in`` is the language of the request that asked for it: the email's,
    unless the person chose one (accounts.adapter).
    """
    user = account_for_reset(user_id, email)
    if user is None:
        return False
    context = {
        "user": user,
        "email": email,
        "password_reset_url": password_reset_url(user),
        "current_site": site_for_email(),
    }
    if allauth_settings.LoginMethod.USERNAME in allauth_settings.LOGIN_METHODS:
        context["username"] = user_username(user)
    with translation.override(asked_in) if asked_in else nullcontext():
        message = get_adapter().render_mail("account/email/password_reset_key", email, context)
    message.send()
    return True


@task()
def send_sign_in_code_email(to: str, subject: str, body: str) -> None:
    """A sign-in code's email, written in the request and sent by the worker.

    Waiting for the mail server in the request would make asking for a code
    slower for an address that has an account than for one that has none
    (tests/test_sign_in_without_password.py). Unlike a reset link, the code is
    no use on its own, so it may wait in the queue: it signs in only the
    browser that asked for it, within allauth's ACCOUNT_LOGIN_BY_CODE_TIMEOUT
    and its few tries.
    """
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to]).send()
