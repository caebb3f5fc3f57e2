from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator


def count_totp_activation_as_mfa(sender, request, user, authenticator, **kwargs) -> None:
    """Activating TOTP takes a valid code, so the session that did it has shown
    the second factor: staff are not asked for another code straight away
    (accounts.middleware.RequireStaffMFAMiddleware checks the session).

    allauth records a factor only at sign-in and reauthentication; this uses
    its internal recorder so the record looks the same.
    """
    if authenticator.type != Authenticator.Type.TOTP or request is None:
        return
    if request.user.pk != user.pk:
        return
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
