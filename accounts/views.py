from allauth.socialaccount.adapter import get_adapter as get_socialaccount_adapter
from allauth.socialaccount.providers.base import AuthProcess
from allauth.socialaccount.providers.clever import views as clever_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


@login_required
def start(request):
    """Send a person who has just signed in to their own starting point."""
    user = request.user
    if user.role:
        return redirect("my_learning")
    if user.works_in_admin:
        return redirect("wagtailadmin_home")
    return redirect("account_email")


def clever_callback(request: HttpRequest) -> HttpResponse:
    """Clever's callback, where a launch from the Clever portal also lands.

    A portal launch ("Instant Login") brings a code but no ``state``: Clever
    started it, not this site. allauth would refuse it as a forged callback, so
    the sign-in starts again from here with a fresh state, as Clever advises
    (https://dev.clever.com/docs/oauth-implementation); Clever, already signed
    in, sends the person straight back. Whoever follows such a link is signed
    in as their own Clever account or not at all, so it can start on a GET.
    """
    if "code" in request.GET and "state" not in request.GET:
        provider = get_socialaccount_adapter(request).get_provider(request, "clever")
        return provider.redirect(request, AuthProcess.LOGIN)
    return clever_views.oauth2_callback(request)
