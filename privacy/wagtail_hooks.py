"""Admin menu and URLs for personal data (export, erasure) and the record of access."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from pairs.viewsets import AdministratorsMenuItem
from privacy import personal_data
from privacy import views as privacy_admin


class DistrictAdministratorsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_district_admin


@hooks.register("register_admin_urls")
def register_privacy_urls():
    return [path("privacy/", include((privacy_admin.urlpatterns, "privacy")))]


@hooks.register("register_settings_menu_item")
def register_personal_data_menu_item():
    return AdministratorsMenuItem(
        _("Personal data"),
        reverse("privacy:people"),
        name="personal-data",
        icon_name="user",
        order=900,
    )


@hooks.register("register_reports_menu_item")
def register_access_record_menu_item():
    return DistrictAdministratorsMenuItem(
        _("Record of access"),
        reverse("privacy:pairs"),
        name="record-of-access",
        icon_name="history",
        order=200,
    )


@hooks.register("register_log_actions")
def register_privacy_log_actions(actions):
    @actions.register_action(personal_data.EXPORT_ACTION)
    class PersonExported(LogFormatter):
        label = _("Export personal data")
        message = _("Exported everything held about this person")

    @actions.register_action(personal_data.VIEW_ACTION)
    class PersonViewed(LogFormatter):
        label = _("View personal data")
        message = _("Viewed everything held about this person")

    @actions.register_action(personal_data.ERASE_ACTION)
    class PersonErased(LogFormatter):
        label = _("Erase person")
        message = _("Erased a person; shared records point to this pseudonym")
