"""The site's security middleware: one way in, the admin closed to learners,
someone else's address kept off the email page, MFA for staff, idle staff
sessions ending, no caching of signed-in pages, and the Content-Security-Policy.

Paths are compared with ``request.path`` against ``reverse()``: both carry the
script prefix, so the checks hold when the site is served under a sub-path.
"""

import time
from http import HTTPStatus
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.account.models import EmailAddress
from allauth.mfa.utils import is_mfa_enabled
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.email_addresses import LISTED_BUT_TAKEN, belongs_to_someone_else

# Wagtail's own log-in forms: they sign in through Django's LoginView, past
# allauth's rate limits and MFA step, so they send people to allauth's instead.
WAGTAIL_LOG_IN_VIEWS = ("wagtailadmin_login", "wagtailcore_login")
# Where a signed-in person may always go: away.
LOG_OUT_VIEWS = ("account_logout", "wagtailadmin_logout")
IDLE_SESSION_KEY = "tandem_staff_last_seen"
# Recording every request would write the session on every request; a minute's
# slack in a half-hour timeout is not worth a write per click.
IDLE_RECORD_INTERVAL = 60


def url_with_next(view_name: str, next_url: str) -> str:
    url = reverse(view_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def has_staff_access(user) -> bool:
    """Administrators and editors, and anyone else who can open the Wagtail
    admin (a group made there, a permission given directly)."""
    return user.is_authenticated and user.can_open_admin


def session_passed_mfa(request: HttpRequest) -> bool:
    """Whether this session, not just the account, has shown a second factor."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def mfa_step_for(request: HttpRequest) -> str | None:
    """The MFA view a staff session must visit before anything else, or None.

    A staff member without MFA may reach only the MFA pages (to set it up),
    reauthentication (which setting it up may ask for) and sign-out. One who
    has MFA but whose session has not used it (signed in by some other route)
    may reach only the page that asks for the code, and sign-out: not the MFA
    pages, where a password alone could remove the factor and enrol a new one.
    """
    user = request.user
    if not has_staff_access(user):
        return None
    path = request.path
    if path in {reverse(name) for name in LOG_OUT_VIEWS}:
        return None
    if is_mfa_enabled(user):
        if session_passed_mfa(request):
            return None
        step = "mfa_reauthenticate"
        if path == reverse(step):
            return None
        return step
    if path.startswith((reverse("mfa_index"), reverse("account_reauthenticate"))):
        return None
    return "mfa_activate_totp"


class OneWayInMiddleware:
    """allauth's log-in is the only one: Wagtail's admin and front-end log-in
    URLs answer with a redirect to it, for GET and POST alike."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in {reverse(name) for name in WAGTAIL_LOG_IN_VIEWS}:
            return HttpResponseRedirect(url_with_next("account_login", request.GET.get("next", "")))
        return self.get_response(request)


def admin_closed_to(request: HttpRequest) -> bool:
    """Whether this is a signed-in person asking for an admin page that Wagtail
    will not show them."""
    user = request.user
    return (
        user.is_authenticated
        and request.path.startswith(reverse("wagtailadmin_home"))
        and not user.can_open_admin
    )


class AdminClosedToLearnersMiddleware:
    """A signed-in person without admin access who opens an admin URL (a para
    following a link a colleague sent) is told it is not for them, with a 403.

    Wagtail answers them as it answers a visitor, with a redirect to
    WAGTAILADMIN_LOGIN_URL (``require_admin_access`` and ``reject_request`` in
    https://github.com/wagtail/wagtail/blob/v8.0.1/wagtail/admin/auth.py), and
    allauth sends a signed-in person on from its log-in page to ``next``: the
    admin again, without end. Every admin URL, Wagtail's log-out too, sits
    behind that check (https://github.com/wagtail/wagtail/blob/v8.0.1/wagtail/admin/urls/__init__.py);
    its log-in page is OneWayInMiddleware's. tests/test_security_accounts.py
    fails if Wagtail stops redirecting, and this can then go.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if admin_closed_to(request):
            context = {
                "reason": _(
                    "The admin is for administrators and editors. If you need it "
                    "for your work, ask your school administrator."
                )
            }
            return render(request, "403.html", context, status=HTTPStatus.FORBIDDEN)
        return self.get_response(request)


# The email page's buttons for an address already in the person's list that
# act on it as theirs (allauth's EmailView.post); "action_remove" stays open.
ACTS_AS_OWNER = ("action_primary", "action_send")


def listed_address_taken(request: HttpRequest) -> str | None:
    """The address in the person's list that a POST to the email page would make
    primary or send a confirmation to, when it belongs to someone else; None
    otherwise.

    An address not in their list is left to allauth, which ignores it: saying
    it was someone else's would tell anyone who asks whose addresses exist.
    """
    if request.method != "POST" or not request.user.is_authenticated:
        return None
    if request.resolver_match is None or request.resolver_match.url_name != "account_email":
        return None
    if not any(action in request.POST for action in ACTS_AS_OWNER):
        return None
    email = request.POST.get("email", "")
    listed = EmailAddress.objects.filter(user_id=request.user.pk, email__iexact=email).exists()
    return email if listed and belongs_to_someone_else(email, request.user.pk) else None


class EmailPageTakenAddressMiddleware:
    """The email page neither makes primary nor sends a confirmation to an
    address in a person's list that is someone else's.

    The form refuses such an address (accounts.forms), but one may be in the
    list from before, or have become someone else's since (an administrator
    gave it to a new account). Made primary, allauth copies it to User.email,
    where the unique constraint fails with a 500; a confirmation would be
    refused (accounts.adapter) but still land in the owner's inbox. allauth's
    EmailView has no hook before it acts
    (https://github.com/pennersr/django-allauth/blob/65.21.0/allauth/account/views.py,
    ``EmailView.post``), so the refusal comes here, answered the way allauth
    answers its own refusals: a message, and back to the page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs) -> HttpResponse | None:
        email = listed_address_taken(request)
        if email is None:
            return None
        messages.error(request, LISTED_BUT_TAKEN % {"email": email})
        return HttpResponseRedirect(reverse("account_email"))


class StaffIdleTimeoutMiddleware:
    """A staff session ends after TANDEM_STAFF_IDLE_TIMEOUT seconds without a
    request: staff sessions open everyone's records, and are left open on
    shared school computers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = settings.TANDEM_STAFF_IDLE_TIMEOUT
        if timeout and has_staff_access(request.user):
            now = time.time()
            last_seen = request.session.get(IDLE_SESSION_KEY)
            if last_seen is not None and now - last_seen > timeout:
                logout(request)
                # Someone signing in again goes on, now as a visitor.
                if request.path != reverse("account_login"):
                    messages.info(
                        request,
                        _(
                            "You were signed out after a time without activity. "
                            "Please sign in again."
                        ),
                    )
                    return HttpResponseRedirect(
                        url_with_next("account_login", request.get_full_path())
                    )
            elif last_seen is None or now - last_seen >= IDLE_RECORD_INTERVAL:
                request.session[IDLE_SESSION_KEY] = now
        return self.get_response(request)


class RequireStaffMFAMiddleware:
    """Under production settings, administrators and editors must have MFA.

    allauth has no "require MFA" switch. Every page, not only the admin, is
    held back: school administrators read pairs' records on the front end too.
    The check is on the session, so a password-only session of an account that
    has MFA (from any other way in) is asked for the code as well.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.TANDEM_REQUIRE_STAFF_MFA:
            step = mfa_step_for(request)
            if step is not None:
                return HttpResponseRedirect(url_with_next(step, request.get_full_path()))
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Pages shown to a signed-in person hold their records: never cache them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with two policies: CONTENT_SECURITY_POLICY for the front end,
    and TANDEM_ADMIN_CONTENT_SECURITY_POLICY for Wagtail's admin, whose own
    templates still carry inline scripts and styles."""

    def get_policy_parts(
        self, request: HttpRequest, response, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        # A view's own @csp decorator still wins over the admin default.
        # Wagtail renders a preview as a dummy request for the page's public
        # address; it is shown inside the admin, so it takes the admin's policy
        # (the front end's frame-ancestors 'none' would blank the preview panel).
        in_admin = request.path.startswith(reverse("wagtailadmin_home")) or getattr(
            request, "is_dummy", False
        )
        if not report_only and parts.config is None and in_admin:
            parts.config = settings.TANDEM_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts
