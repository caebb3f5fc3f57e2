from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

# Paths a password-only staff session may still reach: setting up MFA and leaving.
MFA_SETUP_PATHS = ("/accounts/2fa/", "/accounts/logout/", "/accounts/reauthenticate/")
# Paths that show records of many people, and so need MFA for staff.
STAFF_ONLY_PREFIXES = ("/admin/", "/reports/")


class RequireStaffMFAMiddleware:
    """Under production settings, administrators and editors must have MFA.

    allauth has no "require MFA" switch; this sends a password-only staff
    session to set it up before it reaches the admin or any export.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.TANDEM_REQUIRE_STAFF_MFA and self._must_set_up_mfa(request):
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)

    @staticmethod
    def _must_set_up_mfa(request) -> bool:
        user = request.user
        if not (user.is_authenticated and user.works_in_admin):
            return False
        if request.path.startswith(MFA_SETUP_PATHS):
            return False
        if not request.path.startswith(STAFF_ONLY_PREFIXES):
            return False
        return not is_mfa_enabled(user)


class NoStoreForSignedInMiddleware:
    """Pages shown to a signed-in person hold their records: never cache them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response
