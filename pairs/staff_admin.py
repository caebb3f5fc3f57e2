"""Accounts a district administrator manages in the admin: school administrators
and editors (paras and teachers are on the People screen), invitations sent
again, and how each person signs in.

Who may manage which account is ``pairs.scoping``'s to say (``staff_managed_by``,
``accounts_managed_by``); these views ask it.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import View
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import LogFormatter, log
from wagtail.permission_policies.base import BasePermissionPolicy

from accounts import roles
from accounts.email_addresses import belongs_to_someone_else
from pairs.account_management import (
    DEACTIVATED_ACTION,
    PAIR_ENDED_ACTION,
    with_sign_in_methods,
)
from pairs.invitations import invite_after_commit
from pairs.models import School
from pairs.scoping import staff_managed_by
from pairs.views import (
    DeactivateOnSaveMixin,
    InviteOnCreateMixin,
    ScopedDeleteView,
    ScopedHistoryView,
    ScopedIndexView,
    ScopedUsageView,
)

INVITED_ACTION = "tandem.invitation_sent"

# The staff roles a district administrator gives: the group each is.
STAFF_ROLES = {
    "school_administrator": roles.SCHOOL_ADMINISTRATORS,
    "editor": roles.EDITORS,
}


class StaffPolicy(BasePermissionPolicy):
    """Only a district administrator manages staff accounts; nobody deletes one
    here (deactivate it: the records it made keep their author)."""

    def user_has_permission(self, user, action) -> bool:
        return action in {"add", "change", "view"} and user.is_district_admin

    def user_has_any_permission(self, user, actions) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        User = get_user_model()
        if not set(actions) & {"add", "change", "view"}:
            return User.objects.none()
        return User.objects.filter(groups__name=roles.DISTRICT_ADMINISTRATORS, is_active=True)


staff_policy = StaffPolicy(get_user_model())


class StaffForm(WagtailAdminModelForm):
    """A school administrator or an editor: their name, address, role and, for a
    school administrator, the schools they run."""

    staff_role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=[
            ("school_administrator", gettext_lazy("School administrator")),
            ("editor", gettext_lazy("Editor")),
        ],
        widget=forms.RadioSelect,
    )
    administered_schools = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Schools they administer"),
        queryset=School.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("For a school administrator: the schools whose people they manage."),
    )

    class Meta:
        model = get_user_model()
        fields = ["first_name", "last_name", "email", "username", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _(
            "New staff are sent a link at this address to set their own password."
        )
        self.fields["is_active"].help_text = _(
            "Deactivating signs the person out everywhere; what they wrote keeps their name."
        )
        person = self.instance
        if person.pk:
            groups = set(person.groups.values_list("name", flat=True))
            self.initial["staff_role"] = (
                "school_administrator" if roles.SCHOOL_ADMINISTRATORS in groups else "editor"
            )
            self.initial["administered_schools"] = person.administered_schools.all()

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if belongs_to_someone_else(email, self.instance.pk):
            raise forms.ValidationError(_("Someone already uses this email address."))
        return email

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("staff_role") == "school_administrator" and not cleaned_data.get(
            "administered_schools"
        ):
            self.add_error("administered_schools", _("Choose the schools this administrator runs."))
        return cleaned_data

    def save(self, commit: bool = True):
        person = super().save(commit=False)
        if person._state.adding:
            person.set_unusable_password()
        if commit:
            person.save()
            self._save_m2m()
        return person

    def _save_m2m(self) -> None:
        super()._save_m2m()
        person = self.instance
        role = self.cleaned_data["staff_role"]
        person.groups.remove(*Group.objects.filter(name__in=STAFF_ROLES.values()))
        person.groups.add(Group.objects.get_or_create(name=STAFF_ROLES[role])[0])
        schools = (
            self.cleaned_data["administered_schools"] if role == "school_administrator" else []
        )
        person.administered_schools.set(schools)


class StaffLabelsMixin:
    permission_policy = staff_policy
    verbose_name = gettext_lazy("staff account")
    verbose_name_plural = gettext_lazy("staff accounts")


class StaffIndexView(StaffLabelsMixin, ScopedIndexView):
    page_title = gettext_lazy("Staff accounts")
    add_item_label = gettext_lazy("Add a school administrator or editor")

    def get_base_queryset(self):
        return with_sign_in_methods(super().get_base_queryset()).prefetch_related(
            "groups", "administered_schools"
        )


class StaffCreateView(StaffLabelsMixin, InviteOnCreateMixin, generic.CreateView):
    page_subtitle = gettext_lazy("Staff account")
    error_message = gettext_lazy("The account could not be added: see the errors below.")


class StaffEditView(StaffLabelsMixin, DeactivateOnSaveMixin, generic.EditView):
    resend_invitation_url_name = "staff:resend_invitation"
    success_message = gettext_lazy("%(object)s was updated.")
    error_message = gettext_lazy("The account could not be saved: see the errors below.")

    def get_queryset(self):
        return staff_managed_by(self.request.user)


class StaffDeleteView(StaffLabelsMixin, ScopedDeleteView):
    """Refused to everyone by the policy: an account is deactivated, not deleted."""


class StaffHistoryView(StaffLabelsMixin, ScopedHistoryView):
    pass


class StaffUsageView(StaffLabelsMixin, ScopedUsageView):
    pass


def staff_role_of(person) -> str:
    names = {group.name for group in person.groups.all()}
    if roles.SCHOOL_ADMINISTRATORS in names:
        schools = ", ".join(school.name for school in person.administered_schools.all())
        return _("School administrator (%(schools)s)") % {"schools": schools}
    return _("Editor")


# ---------------------------------------------------------------------------
# Sending the invitation again


class ResendInvitationView(WagtailAdminTemplateMixin, View):
    """Send a person the welcome email again, with a fresh link to set their
    password (``pairs.invitations``). A GET asks; the POST sends.

    ``queryset_for_user`` (from the viewset) says whose account this administrator
    may act on; anyone else's answers 404.
    """

    queryset_for_user = None
    edit_url_name = ""
    page_title = gettext_lazy("Send the invitation again")
    header_icon = "mail"
    template_name = "pairs/admin/resend_invitation.html"

    def dispatch(self, request, *args, pk: int, **kwargs):
        self.person = get_object_or_404(self.queryset_for_user(request.user), pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.person)

    def get(self, request):
        context = self.get_context_data(
            person=self.person, edit_url=reverse(self.edit_url_name, args=[self.person.pk])
        )
        return TemplateResponse(request, self.template_name, context)

    def post(self, request):
        person = self.person
        if not person.is_active:
            message = _("%(person)s is deactivated: reactivate them first.") % {"person": person}
            messages.error(request, message)
        elif not person.email:
            messages.error(
                request,
                _("%(person)s has no email address to send an invitation to.") % {"person": person},
            )
        else:
            invite_after_commit([person])
            log(person, INVITED_ACTION, user=request.user, data={"email": person.email})
            messages.success(
                request,
                _("%(person)s was sent a new link to set their password, at %(email)s.")
                % {"person": person, "email": person.email},
            )
        return redirect(self.edit_url_name, person.pk)


# ---------------------------------------------------------------------------
# History


@hooks.register("register_log_actions")
def register_account_log_actions(actions):
    @actions.register_action(DEACTIVATED_ACTION)
    class Deactivated(LogFormatter):
        label = gettext_lazy("Deactivate")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            ended = data.get("pairs_ended") or []
            sessions = data.get("sessions_ended", 0)
            message = ngettext(
                "Deactivated; %(sessions)s session ended",
                "Deactivated; %(sessions)s sessions ended",
                sessions,
            ) % {"sessions": sessions}
            if ended:
                message += "; " + _("pairs ended: %(pairs)s") % {"pairs": "; ".join(ended)}
            if data.get("reason"):
                message += f" ({data['reason']})"
            return message

    @actions.register_action(PAIR_ENDED_ACTION)
    class PairEnded(LogFormatter):
        label = gettext_lazy("End a pair")

        def format_message(self, log_entry):
            return _("Ended: %(person)s was deactivated") % {
                "person": (log_entry.data or {}).get("person", "?")
            }

    @actions.register_action(INVITED_ACTION)
    class Invited(LogFormatter):
        label = gettext_lazy("Send the invitation again")

        def format_message(self, log_entry):
            return _("Invitation sent again to %(email)s") % {
                "email": (log_entry.data or {}).get("email", "?")
            }
