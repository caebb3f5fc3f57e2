from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from accounts import setup_links


@hooks.register("register_account_menu_item")
def two_factor_authentication(request) -> dict:
    """Staff reach two-factor set-up from the admin's own Account page."""
    return {
        "url": reverse("mfa_index"),
        "label": _("Two-factor authentication"),
        "help_text": _(
            "Set up an authenticator app, recovery codes or a passkey, so a password "
            "alone does not open your account."
        ),
    }


@hooks.register("register_account_menu_item")
def my_account(request) -> dict:
    return {
        "url": reverse("my_account"),
        "label": _("My account"),
        "help_text": _("Your name, language, emails, connected sign-ins and sessions."),
    }


@hooks.register("register_log_actions")
def register_setup_link_log_action(actions):
    @actions.register_action(setup_links.LOG_ACTION)
    class SetupLinkMade(LogFormatter):
        label = _("Make a set-up link")
        message = _("Made a one-time set-up link")
