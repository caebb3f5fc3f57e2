from collections import Counter
from http import HTTPStatus

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.models import EmailAddress
from allauth.account.utils import perform_login
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import get_adapter as get_socialaccount_adapter
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.base import AuthProcess
from allauth.socialaccount.providers.clever import views as clever_views
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.usersessions.internal.flows.sessions import end_other_sessions
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import setup_links
from accounts.forms import MyAccountForm
from accounts.social import DistrictMicrosoftAdapter, provider_name


@login_required
def start(request):
    """Send a person who has just signed in to their own starting point."""
    user = request.user
    if user.role:
        return redirect("my_learning")
    if user.works_in_admin:
        return redirect("wagtailadmin_home")
    return redirect("my_account")


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


# Microsoft's callback, checking the tenant its ID token names (accounts.social).
microsoft_callback = OAuth2CallbackView.adapter_view(DistrictMicrosoftAdapter)


@never_cache
@require_http_methods(["GET", "POST"])
def setup_account(request: HttpRequest, token: str) -> HttpResponse:
    """Where a set-up link leads: choose a password, and be signed in."""
    link = setup_links.usable(token)
    if link is None:
        return render(request, "account/setup_link_spent.html", status=HTTPStatus.NOT_FOUND)
    form = SetPasswordForm(link.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = setup_links.use(token, form.cleaned_data["new_password1"])
        if person is None:
            return render(request, "account/setup_link_spent.html", status=HTTPStatus.NOT_FOUND)
        return perform_login(request, person, redirect_url=reverse("start"))
    return render(request, "account/setup_account.html", {"form": form, "person": link.user})


@login_required
@require_http_methods(["GET", "POST"])
def my_account(request: HttpRequest) -> HttpResponse:
    """A person's own account: their details on one form, and where to manage
    each way they sign in (allauth's pages)."""
    form = MyAccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your changes are saved."))
        return redirect("my_account")
    user = request.user
    context = {
        "form": form,
        "emails": EmailAddress.objects.filter(user=user).order_by("-primary", "email"),
        "has_password": user.has_usable_password(),
        "authenticators": Counter(
            Authenticator.objects.filter(user=user).values_list("type", flat=True)
        ),
        "connections": sorted(
            provider_name(account) for account in SocialAccount.objects.filter(user=user)
        ),
        "other_sessions": sum(
            1 for session in UserSession.objects.filter(user=user) if not session.is_current()
        ),
    }
    return render(request, "account/my_account.html", context)


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """The header's language switch: Django's ``set_language`` (the language
    cookie, and back to a safe ``next``), and for a signed-in person their
    account's language too, so emails and the admin follow the same choice."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of this person, this one last (allauth's usersessions
    records each sign-in; its own page ends only the others).

    ``end_other_sessions`` is the flow behind that page's button
    (https://github.com/pennersr/django-allauth/blob/65.21.0/allauth/usersessions/internal/flows/sessions.py);
    tests/test_my_account.py signs a second browser out through it.
    """
    end_other_sessions(request, request.user)
    get_account_adapter(request).logout(request)
    messages.info(request, _("You are signed out everywhere."))
    return redirect("account_login")
