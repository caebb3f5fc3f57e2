from contextlib import nullcontext
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.account.utils import filter_users_by_email
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sites.shortcuts import get_current_site
from django.db.models import Q
from django.http import HttpRequest
from django.utils import translation

from accounts.email_addresses import NOT_CONFIRMED_TAKEN, belongs_to_someone_else
from accounts.language import in_language_of
from accounts.tasks import send_password_reset_email, send_sign_in_code_email, site_for_email

# allauth's template for the email that carries a sign-in code.
LOGIN_CODE_EMAIL = "account/email/login_code"


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    """Nobody signs themselves up: administrators create or import people,
    who then set their own password through the reset link."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials) -> str:
        """Count failed log-ins per account, not per spelling of it.

        allauth keys ACCOUNT_RATE_LIMITS["login_failed"] on the typed login, so
        one account signed into by email or by username would get five tries
        under each. An unknown login keeps allauth's key, so a refusal says
        nothing about whether the account exists. (A private hook: allauth's
        pre_authenticate and password-reset clean-up both call it;
        tests/test_security_auth.py fails if they stop.)
        """
        login = credentials.get("email") or credentials.get("username") or ""
        account = (
            get_user_model()
            .objects.filter(Q(email__iexact=login) | Q(username__iexact=login))
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
            if login
            else None
        )
        if account is None:
            return super()._get_login_attempts_cache_key(request, **credentials)
        return f"{get_current_site(request).domain}:account:{account}"

    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        """Confirm nothing that is someone else's address.

        allauth checks only other confirmed rows (``EmailAddress.can_set_verified``),
        not User.email, where most people's address lives here; its owner, sent a
        link, would confirm it onto the account that added it. The email page no
        longer lets anyone add such an address (accounts.forms); this refuses the
        links already sent, and addresses that became someone else's since.
        """
        if belongs_to_someone_else(email_address.email, email_address.user_id):
            messages.error(request, NOT_CONFIRMED_TAKEN % {"email": email_address.email})
            return False
        return super().confirm_email(request, email_address)

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ):
        """Every email allauth writes (sign-in code, password reset, address
        confirmation) in the language its recipient chose, the person found by the
        address when allauth does not name them. Someone who chose none, or an
        address nobody has, gets the language of the request that asked for the
        email: these are asked for by the recipient, from their own browser."""
        recipient = context.get("user")
        if recipient is None and isinstance(email, str):
            recipient = next(iter(filter_users_by_email(email, is_active=True)), None)
        chosen = getattr(recipient, "language", "")
        with in_language_of(recipient) if chosen else nullcontext():
            return super().render_mail(template_prefix, email, context, headers)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Every email allauth writes during a request (sign-in codes, address
        confirmations) names the site as the queued ones do (accounts.tasks),
        not by the host the request came in on. A sign-in code is only queued,
        as a reset link is, so that asking for one takes as long for an address
        that has an account as for one that has none."""
        context = {"current_site": site_for_email(), **context}
        if template_prefix == LOGIN_CODE_EMAIL:
            message = self.render_mail(template_prefix, email, {"email": email, **context})
            send_sign_in_code_email.enqueue(email, message.subject, message.body)
            return
        super().send_mail(template_prefix, email, context)

    def send_password_reset_mail(self, user: AbstractBaseUser, email: str, context: dict) -> None:
        """Queue the email: the page must answer as fast for a known address as
        for an unknown one, which is sent nothing (tests/test_security_timing.py).

        The task makes its own link, so the queue never holds one that works.
        """
        send_password_reset_email.enqueue(user.pk, email, translation.get_language())
