"""The "District" menu of the Wagtail admin: schools, pairs, people, and the CSV import.

Each viewset hands its views the one scoping rule for its model
(``queryset_for_user``); the views in ``pairs.views`` apply it everywhere a
record is listed or looked up.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from config.reversing import url_of
from pairs import roster_admin, staff_admin, views
from pairs.account_management import sign_in_methods
from pairs.forms import PairForm, PersonForm, SchoolForm
from pairs.models import DaysWithoutSchool, Pair, School
from pairs.scoping import (
    accounts_managed_by,
    administered_schools,
    is_administrator,
    pairs_administered_by,
    people_managed_by,
    staff_managed_by,
)


class ScopedModelViewSet(ModelViewSet):
    """A ModelViewSet whose every view sees only ``queryset_for_user(user)``."""

    index_view_class = views.ScopedIndexView
    edit_view_class = views.ScopedEditView
    delete_view_class = views.ScopedDeleteView
    history_view_class = views.ScopedHistoryView
    usage_view_class = views.ScopedUsageView
    inspect_view_class = views.ScopedInspectView
    # Copying would open any record's values in a new form, whoever's it is.
    copy_view_enabled = False
    form_class = None

    @staticmethod
    def queryset_for_user(user):
        raise NotImplementedError

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(queryset_for_user=self.queryset_for_user, **kwargs)

    def get_form_class(self, for_update=False):
        return self.form_class


class SchoolViewSet(ScopedModelViewSet):
    """District administrators add and edit schools; a school administrator sees
    their own, read-only (they hold only the "view" permission)."""

    model = School
    form_class = SchoolForm
    icon = "home"
    menu_label = _("Schools")
    inspect_view_enabled = True
    inspect_view_fields = ["name", "administrators"]
    list_display = ["name", Column("pair_count", label=_("Active pairs"))]
    search_fields = ["name"]

    @staticmethod
    def queryset_for_user(user):
        return administered_schools(user).annotate(
            pair_count=Count("pairs", filter=Q(pairs__ended_on__isnull=True))
        )


class PairViewSet(ScopedModelViewSet):
    model = Pair
    form_class = PairForm
    index_view_class = views.BulkActionsIndexView
    edit_view_class = views.PairEditView
    delete_view_class = views.PairDeleteView
    icon = "group"
    menu_label = _("Pairs")
    filterset_class = views.PairFilterSet
    search_fields = [
        "teacher__first_name",
        "teacher__last_name",
        "para__first_name",
        "para__last_name",
    ]
    list_display = [
        "__str__",
        "school",
        "started_on",
        StatusTagColumn(
            "status",
            label=_("Status"),
            accessor=lambda pair: _("Active") if pair.is_active else _("Ended"),
            primary=lambda pair: pair.is_active,
        ),
    ]

    @staticmethod
    def queryset_for_user(user):
        return pairs_administered_by(user).select_related("school", "teacher", "para")

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "change-partner/<int:pk>/",
                views.ChangePartnerView.as_view(),
                name="change_partner",
            ),
        ]


# How each person signs in: a password, the district's accounts, a code by email.
SIGNS_IN_WITH = Column(
    "signs_in_with",
    label=_("Signs in with"),
    accessor=lambda person: ", ".join(sign_in_methods(person)) or _("Not yet set up"),
)

ACCOUNT_STATUS = StatusTagColumn(
    "is_active",
    label=_("Account"),
    accessor=lambda person: _("Active") if person.is_active else _("Deactivated"),
    primary=lambda person: person.is_active,
)


def account_name_column(edit_url_name, **kwargs):
    """The person's name, sorted by last name, linking to their edit screen."""
    return TitleColumn(
        "name",
        label=_("Name"),
        accessor=str,
        sort_key="last_name",
        get_url=lambda person: url_of(edit_url_name, person.pk),
        **kwargs,
    )


class AccountsViewSet(ScopedModelViewSet):
    """A screen of user accounts (People, Staff accounts), each of which can be sent
    its invitation again. ``accounts_for_user`` is who the administrator may act on:
    edit, delete, invite again."""

    model = get_user_model()
    icon = "user"
    add_to_reference_index = False
    search_fields = ["first_name", "last_name", "email", "username"]
    ordering = ["last_name", "first_name"]

    @staticmethod
    def accounts_for_user(user):
        raise NotImplementedError

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "resend-invitation/<int:pk>/",
                staff_admin.ResendInvitationView.as_view(
                    queryset_for_user=self.accounts_for_user,
                    edit_url_name=self.get_url_name("edit"),
                ),
                name="resend_invitation",
            ),
        ]

    # Wagtail's own Users viewset already registers the user permissions and the
    # admin URL finder for the user model; registering them again would send every
    # "edit this user" link in the admin here.
    def register_permissions(self):
        pass

    def register_admin_url_finder(self):
        pass


class PeopleViewSet(AccountsViewSet):
    """Paras and teachers of the administrator's schools. School administrators and
    editors are on the Staff accounts screen (``StaffViewSet``)."""

    form_class = PersonForm
    menu_label = _("People")
    index_view_class = views.PeopleIndexView
    add_view_class = views.PeopleCreateView
    edit_view_class = views.PeopleEditView
    delete_view_class = views.PeopleDeleteView
    history_view_class = views.PeopleHistoryView
    usage_view_class = views.PeopleUsageView
    filterset_class = views.PeopleFilterSet
    list_display = [
        account_name_column("people:edit", get_title_id=views.bulk_title_id("user")),
        "email",
        "role",
        Column(
            "schools",
            label=_("Schools"),
            accessor=lambda person: ", ".join(s.name for s in person.visible_schools),
        ),
        SIGNS_IN_WITH,
        ACCOUNT_STATUS,
    ]

    @staticmethod
    def queryset_for_user(user):
        return people_managed_by(user)

    @staticmethod
    def accounts_for_user(user):
        return accounts_managed_by(user)

    # Editing or deleting acts on the account itself: narrower than who is listed.
    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(queryset_for_user=self.accounts_for_user, **kwargs)

    def get_delete_view_kwargs(self, **kwargs):
        return super().get_delete_view_kwargs(queryset_for_user=self.accounts_for_user, **kwargs)

    @cached_property
    def menu_item_class(self):
        return AdministratorsMenuItem


class StaffViewSet(AccountsViewSet):
    """School administrators and editors, managed by a district administrator."""

    form_class = staff_admin.StaffForm
    permission_policy = staff_admin.staff_policy
    menu_label = _("Staff accounts")
    index_view_class = staff_admin.StaffIndexView
    add_view_class = staff_admin.StaffCreateView
    edit_view_class = staff_admin.StaffEditView
    delete_view_class = staff_admin.StaffDeleteView
    history_view_class = staff_admin.StaffHistoryView
    usage_view_class = staff_admin.StaffUsageView
    list_display = [
        account_name_column("staff:edit"),
        "email",
        Column("staff_role", label=_("Role"), accessor=staff_admin.staff_role_of),
        SIGNS_IN_WITH,
        ACCOUNT_STATUS,
    ]

    @staticmethod
    def queryset_for_user(user):
        return staff_managed_by(user)

    @staticmethod
    def accounts_for_user(user):
        return staff_managed_by(user)

    @cached_property
    def menu_item_class(self):
        return DistrictAdministratorsMenuItem


class AdministratorsMenuItem(MenuItem):
    def is_shown(self, request):
        return is_administrator(request.user)


class ImportPeopleViewSet(ViewSet):
    icon = "upload"
    menu_label = _("Import people")

    def get_urlpatterns(self):
        return [
            path("", views.ImportPeopleView.as_view(), name="upload"),
            path("commit/", views.CommitImportView.as_view(), name="commit"),
        ]

    @cached_property
    def menu_item_class(self):
        return AdministratorsMenuItem


class DaysWithoutSchoolViewSet(ModelViewSet):
    """Holidays and breaks, which the default day to try an action skips. They are the
    whole district's: its administrators hold the model permissions, nobody else."""

    model = DaysWithoutSchool
    icon = "date"
    menu_label = _("Days without school")
    form_fields = ["name", "first_day", "last_day"]
    list_display = ["name", "first_day", "last_day"]
    ordering = ["-first_day"]
    copy_view_enabled = False


class DistrictAdministratorsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_district_admin


class RosterViewSet(ViewSet):
    """Staff from the district's OneRoster export (``pairs.roster``)."""

    icon = "upload"
    menu_label = _("Import the roster")

    def get_urlpatterns(self):
        return [
            path("", roster_admin.RosterUploadView.as_view(), name="upload"),
            path("commit/", roster_admin.RosterCommitView.as_view(), name="commit"),
        ]

    @cached_property
    def menu_item_class(self):
        return DistrictAdministratorsMenuItem


class PairSuggestionsViewSet(ViewSet):
    icon = "group"
    menu_label = _("Suggested pairs")

    def get_urlpatterns(self):
        return [path("", roster_admin.PairSuggestionsView.as_view(), name="index")]

    @cached_property
    def menu_item_class(self):
        return AdministratorsMenuItem


class DistrictViewSetGroup(ModelViewSetGroup):
    menu_label = _("District")
    menu_icon = "clipboard-list"
    menu_order = 150
    # Other apps may add their district screens (assignments, reports) to this menu.
    submenu_hook = "register_district_menu_item"
    items = (
        SchoolViewSet("schools"),
        PairViewSet("pairs"),
        PeopleViewSet("people"),
        StaffViewSet("staff"),
        ImportPeopleViewSet("import_people", url_prefix="import-people"),
        RosterViewSet("roster"),
        PairSuggestionsViewSet("suggested_pairs", url_prefix="suggested-pairs"),
        DaysWithoutSchoolViewSet("days_without_school", url_prefix="days-without-school"),
    )
