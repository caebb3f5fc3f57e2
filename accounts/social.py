"""Sign-in through the district's Google, Microsoft, Clever and ClassLink accounts.

allauth's providers do the OAuth; this decides who gets in. Only people the
district already has (invited by an administrator, or imported from its roster)
sign in this way, and nobody is created by it:

- a provider account already connected to a person signs that person in (the
  provider's own id decides, never the email alone);
- otherwise a verified address from the district's domains that belongs to an
  active person connects the provider account to them, then signs them in;
- anyone else is refused with a page that says to ask their administrator, and
  nothing is written.

Each provider's own check comes first: Google's ``hd`` claim must be one of the
district's domains, Microsoft accounts must be members of the district's tenant
(not guests invited into it), and Clever users must belong to the district.
"""

from __future__ import annotations

from http import HTTPStatus

import jwt
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import (
    DefaultSocialAccountAdapter,
    _build_apps_from_settings,
)
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from allauth.socialaccount.providers.microsoft.views import MicrosoftGraphOAuth2Adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

# Microsoft marks an account invited into a tenant from elsewhere (B2B guest) this way
# in its userPrincipalName: https://learn.microsoft.com/en-us/entra/external-id/user-properties
MICROSOFT_GUEST_MARK = "#EXT#"
# Where the tenant named by Microsoft's ID token is kept (DistrictMicrosoftAdapter).
MICROSOFT_TENANT_CLAIM = "tid"
# Clever users whose only roles are these are not staff (https://dev.clever.com/docs/users).
CLEVER_STUDENT_ROLES = {"student", "contact"}


def _domain_of(email: str) -> str:
    return email.rpartition("@")[2].lower()


def is_district_address(email: str) -> bool:
    return bool(email) and _domain_of(email) in settings.TANDEM_DISTRICT_EMAIL_DOMAINS


def provider_refusal(sociallogin: SocialLogin) -> str | None:
    """Why this provider account is not one of the district's, or None if it is."""
    account = sociallogin.account
    data = account.extra_data or {}
    if account.provider == "google":
        # https://developers.google.com/identity/openid-connect/openid-connect#an-id-tokens-payload:
        # only the hd claim of the ID token says the account is the Workspace's.
        hosted_domain = str(data.get("hd", "")).lower()
        if hosted_domain not in settings.TANDEM_DISTRICT_EMAIL_DOMAINS:
            return _(
                "This Google account is not one of your district's. Sign in with your "
                "school Google account, or choose another way to sign in."
            )
    elif account.provider == "microsoft":
        if data.get(MICROSOFT_TENANT_CLAIM) != sociallogin.provider.app.settings.get("tenant"):
            return _(
                "This Microsoft account belongs to another organisation. Sign in with "
                "your school Microsoft account."
            )
        if MICROSOFT_GUEST_MARK in str(data.get("userPrincipalName", "")).upper():
            return _(
                "This Microsoft account is a guest in your district's organisation, not "
                "one of its own. Sign in with your school Microsoft account."
            )
    elif account.provider == "clever":
        clever_user = data.get("data", {})
        district = sociallogin.provider.app.settings.get("district")
        if str(clever_user.get("district", "")) != district:
            return _(
                "This Clever account belongs to another district. Sign in through your "
                "own district's Clever portal."
            )
        if set(clever_user.get("roles", {})) <= CLEVER_STUDENT_ROLES:
            return _("Tandem is for school staff. Students do not have Tandem accounts.")
    return None


def person_for_district_address(sociallogin: SocialLogin):
    """The one active person whose address is a verified district address of
    this login, or None.

    allauth's own authentication by email is left off: it would also wipe the
    person's password (``socialaccount.internal.flows.email_authentication``)
    and match addresses from any domain.
    """
    emails = {
        address.email.lower()
        for address in sociallogin.email_addresses
        if address.verified and is_district_address(address.email)
    }
    if not emails:
        return None
    by_address = Q()
    for email in emails:
        by_address |= Q(email__iexact=email)
    listed = EmailAddress.objects.filter(by_address).values("user_id")
    people = list(
        get_user_model().objects.filter(by_address | Q(pk__in=listed), is_active=True)[:2]
    )
    # Two people claiming one address is for an administrator to untangle.
    return people[0] if len(people) == 1 else None


class DistrictMicrosoftAdapter(MicrosoftGraphOAuth2Adapter):
    """allauth's Microsoft adapter, also keeping the tenant its ID token names.

    Signing in through the district's tenant endpoint already keeps other
    organisations' accounts out; this checks it on the server as well
    (provider_refusal). allauth's adapter reads only Microsoft Graph's profile,
    which does not name the tenant, and ignores the ID token
    (allauth/socialaccount/providers/microsoft/views.py); the token comes straight
    from Microsoft over TLS, so its claims are read without its signature, as
    allauth reads Google's (OpenID Connect Core 1.0, 3.1.3.7).
    """

    def complete_login(self, request: HttpRequest, app, token, **kwargs):
        login = super().complete_login(request, app, token, **kwargs)
        id_token = kwargs["response"].get("id_token", "")
        try:
            claims = jwt.decode(
                id_token,
                options={"verify_signature": False, "verify_aud": True, "verify_exp": True},
                audience=app.client_id,
            )
        except jwt.PyJWTError as error:
            raise OAuth2Error("Invalid id_token") from error
        login.account.extra_data[MICROSOFT_TENANT_CLAIM] = claims.get(MICROSOFT_TENANT_CLAIM)
        return login


def is_switched_on(account: SocialAccount) -> bool:
    """Whether the account's provider is switched on (a connection outlives it)."""
    return bool(_build_apps_from_settings(provider=account.provider))


def provider_name(account: SocialAccount) -> str:
    """The provider's name, also for a provider since switched off (allauth's
    own lookup needs it switched on: DistrictSocialAccountAdapter.get_app)."""
    try:
        return account.get_provider().name
    except Http404:
        return account.provider.title()


def refuse(request: HttpRequest, reason: str) -> ImmediateHttpResponse:
    """A page that says why, with nothing written: allauth stops the sign-in on it."""
    response = render(
        request, "socialaccount/refused.html", {"reason": reason}, status=HTTPStatus.FORBIDDEN
    )
    return ImmediateHttpResponse(response)


class DistrictSocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request: HttpRequest, provider=None, client_id=None) -> list[SocialApp]:
        """The providers switched on in settings, and only those.

        allauth also reads SocialApp rows from the database; here nothing may
        open a way in that the environment did not, and the sign-in page reads
        no table. ``_build_apps_from_settings`` is the half of allauth's own
        ``list_apps`` that reads settings
        (https://github.com/pennersr/django-allauth/blob/65.21.0/allauth/socialaccount/adapter.py);
        tests/test_sign_in_google.py fails if it stops finding them.
        """
        by_provider = _build_apps_from_settings(provider=provider, client_id=client_id)
        return [app for apps in by_provider.values() for app in apps]

    def get_app(self, request: HttpRequest, provider: str, client_id: str | None = None):
        """A provider that is not switched on does not exist: its URLs answer 404.

        allauth mounts every installed provider's URLs and raises
        SocialApp.DoesNotExist (a 500) when one has no app configured; only its
        OpenID Connect views turn that into a 404 themselves
        (allauth/socialaccount/providers/openid_connect/views.py).
        """
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise Http404(_("This way of signing in is not switched on.")) from None

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        provider_name = sociallogin.provider.name
        reason = provider_refusal(sociallogin)
        if reason:
            raise refuse(request, reason)
        # Connecting from the account page: the person is signed in already, and
        # allauth refuses an account connected to someone else.
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            return
        if sociallogin.is_existing:
            return
        person = person_for_district_address(sociallogin)
        if (
            person is not None
            and not SocialAccount.objects.filter(
                user=person, provider=sociallogin.account.provider
            ).exists()
        ):
            sociallogin.connect(request, person)
            return
        raise refuse(
            request,
            _(
                "Tandem does not know this %(provider)s account yet. Ask your "
                "administrator to add you, or to check the address they have for you. "
                "If you already have a Tandem account, sign in another way and connect "
                "%(provider)s on your account page."
            )
            % {"provider": provider_name},
        )
