"""The site's security middleware: one way in, the admin closed to learners,
someone else's address kept off the email page, MFA for staff, idle staff
sessions ending, no caching of signed-in pages, and the Content-Security-Policy.

Paths are compared with ``request.path`` against ``reverse()``: both carry the
script prefix, so the checks hold when the site is served under a sub-path.
"""

import time
from http import HTTPStatus
from http.client import INTERNAL_SERVER_ERROR, NOT_FOUND
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.account.models import EmailAddress
from allauth.mfa.signals import authenticator_removed
from allauth.mfa.utils import is_mfa_enabled
from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
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
# When this session, having shown its second factor, last found the account's
# MFA still on: it is asked of the database again after MFA_RECHECK_INTERVAL
# seconds, not on every staff request, and at once after this session removes
# an authenticator. Another session removing the last one is seen here within
# the interval.
MFA_CHECKED_KEY = "tandem_mfa_checked_at"
MFA_RECHECK_INTERVAL = 300


# reverse() walks the URL patterns each time; every request compares its path
# with a few of the same URLs, so each path, and each set of them, is kept per
# script prefix (which reverse() puts in front, and which can differ from one
# request to the next).
_kept: dict[tuple[str | tuple[str, ...], str], str | frozenset[str]] = {}


def _kept_per_script_prefix(views, work_out):
    key = (views, get_script_prefix())
    kept = _kept.get(key)
    if kept is None:
        kept = _kept[key] = work_out(views)
    return kept


def path_of(view_name: str) -> str:
    """``reverse(view_name)``, worked out once per script prefix."""
    return _kept_per_script_prefix(view_name, reverse)


def paths_of(view_names: tuple[str, ...]) -> frozenset[str]:
    """The paths of several views, as one set kept per script prefix."""
    return _kept_per_script_prefix(view_names, lambda names: frozenset(map(path_of, names)))


def _forget_paths(setting: str, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _kept.clear()


setting_changed.connect(_forget_paths, dispatch_uid="accounts.middleware.forget_paths")


def url_with_next(view_name: str, next_url: str) -> str:
    url = path_of(view_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def has_staff_access(user) -> bool:
    """Administrators and editors, and anyone else who can open the Wagtail
    admin (a group made there, a permission given directly)."""
    return user.is_authenticated and user.can_open_admin


def session_passed_mfa(request: HttpRequest) -> bool:
    """Whether this session, not just the account, has shown a second factor."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def account_has_mfa(request: HttpRequest) -> bool:
    """``is_mfa_enabled`` for the signed-in person, from the session for a while
    once a session that passed MFA has found it on."""
    checked_at = request.session.get(MFA_CHECKED_KEY)
    now = time.time()
    if checked_at is not None and 0 <= now - checked_at < MFA_RECHECK_INTERVAL:
        return True
    enabled = is_mfa_enabled(request.user)
    if enabled and session_passed_mfa(request):
        request.session[MFA_CHECKED_KEY] = now
    elif checked_at is not None:
        del request.session[MFA_CHECKED_KEY]
    return enabled


def forget_mfa_check(sender, request=None, **kwargs) -> None:
    """``authenticator_removed``: the next request asks the database again."""
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(MFA_CHECKED_KEY, None)


authenticator_removed.connect(forget_mfa_check, dispatch_uid="accounts.middleware.mfa_removed")


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
    if path in paths_of(LOG_OUT_VIEWS):
        return None
    if account_has_mfa(request):
        if session_passed_mfa(request):
            return None
        step = "mfa_reauthenticate"
        if path == path_of(step):
            return None
        return step
    if path.startswith((path_of("mfa_index"), path_of("account_reauthenticate"))):
        return None
    return "mfa_activate_totp"


class OneWayInMiddleware:
    """allauth's log-in is the only one: Wagtail's admin and front-end log-in
    URLs answer with a redirect to it, for GET and POST alike."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in paths_of(WAGTAIL_LOG_IN_VIEWS):
            return HttpResponseRedirect(url_with_next("account_login", request.GET.get("next", "")))
        return self.get_response(request)


def admin_closed_to(request: HttpRequest) -> bool:
    """Whether this is a signed-in person asking for an admin page that Wagtail
    will not show them."""
    user = request.user
    return (
        user.is_authenticated
        and request.path.startswith(path_of("wagtailadmin_home"))
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
        return HttpResponseRedirect(path_of("account_email"))


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
                if request.path != path_of("account_login"):
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
    templates still carry inline scripts and styles.

    django-csp builds the header anew for every response (copying the settings'
    directives and joining them). Without a nonce, a view's own ``@csp``
    decorators or a report-only policy, the header is one of the two policies
    and the same every time, so each is built once and kept.
    """

    def __init__(self, get_response):
        super().__init__(get_response)
        self.built: dict[int, tuple[dict, str]] = {}

    def in_admin(self, request: HttpRequest) -> bool:
        # Wagtail renders a preview as a dummy request for the page's public
        # address; it is shown inside the admin, so it takes the admin's policy
        # (the front end's frame-ancestors 'none' would blank the preview panel).
        return request.path.startswith(path_of("wagtailadmin_home")) or getattr(
            request, "is_dummy", False
        )

    def get_policy_parts(
        self, request: HttpRequest, response, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        # A view's own @csp decorator still wins over the admin default.
        if not report_only and parts.config is None and self.in_admin(request):
            parts.config = settings.TANDEM_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts

    def process_response(self, request: HttpRequest, response):
        if not self.takes_a_site_policy(request, response):
            return super().process_response(request, response)
        if response.status_code in (INTERNAL_SERVER_ERROR, NOT_FOUND) and settings.DEBUG:
            return response
        policy = settings.CONTENT_SECURITY_POLICY
        excluded = tuple(policy.get("EXCLUDE_URL_PREFIXES") or ())
        if (
            HEADER not in response
            and not getattr(response, "_csp_exempt", False)
            and not request.path_info.startswith(excluded)
        ):
            response[HEADER] = self.site_policy(admin=self.in_admin(request))
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    @staticmethod
    def takes_a_site_policy(request: HttpRequest, response) -> bool:
        """Whether the header is one of the two settings' policies, unchanged."""
        return (
            getattr(request, "_csp_nonce", None) is None
            and not getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            and getattr(settings, "CONTENT_SECURITY_POLICY", None)
            and not any(
                hasattr(response, name)
                for name in (
                    "_csp_config",
                    "_csp_update",
                    "_csp_replace",
                    "_csp_config_ro",
                    "_csp_update_ro",
                    "_csp_replace_ro",
                )
            )
        )

    def site_policy(self, admin: bool) -> str:
        """The header for the front end or the admin, built as django-csp builds
        it, once for each directives dict the settings hold."""
        directives = (
            settings.TANDEM_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
            if admin
            else settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
        )
        kept = self.built.get(id(directives))
        if kept is None or kept[0] is not directives:
            kept = (directives, build_policy(config=directives if admin else None))
            self.built[id(directives)] = kept
        return kept[1]
