"""Admin views for schools, pairs and people, scoped to what each administrator runs,
and the CSV import.

Wagtail's model permissions say what someone may do to a kind of record; which
records is decided here. Every view narrows its queryset through
``pairs.scoping`` (the viewset passes the rule in as ``queryset_for_user``), so
another school's record answers 404 wherever its id is typed.
"""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, router
from django.db.models import Prefetch, Q
from django.db.models.deletion import Collector
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, View
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies.base import BasePermissionPolicy

from accounts import roles
from pairs.account_management import deactivate, with_sign_in_methods
from pairs.bulk_actions import listing_buttons
from pairs.change_log import changes_in, log_changes
from pairs.forms import ChangePartnerForm, ImportCommitForm, ImportUploadForm
from pairs.importing import (
    COLUMN_HELP,
    ImportPlan,
    ImportScope,
    apply_import,
    check_file,
    check_text,
)
from pairs.invitations import invite_after_commit
from pairs.models import Pair
from pairs.partner_change import change_partner
from pairs.scoping import administered_schools, is_administrator, pairs_administered_by

# ---------------------------------------------------------------------------
# Scoping the generic views


class ScopedIndexView(generic.IndexView):
    queryset_for_user = None

    def get_base_queryset(self):
        return self.queryset_for_user(self.request.user)


def bulk_title_id(obj_type: str):
    """The id of a row's title, which its bulk-action checkbox is described by."""
    return lambda instance: f"{obj_type}_{instance.pk}_title"


class BulkActionsIndexView(ScopedIndexView):
    """A listing with Wagtail's bulk-action checkboxes, whose footer offers the
    scoped actions (``pairs.bulk_actions``) the administrator may take on the model."""

    template_name = "pairs/admin/bulk_index.html"
    # Which of Wagtail's wordings the footer's "1 item selected" takes.
    bulk_action_item_type = "ITEM"

    @cached_property
    def bulk_action_buttons(self) -> list:
        return listing_buttons(self.model, self.request.user)

    @cached_property
    def columns(self):
        columns = super().columns
        if not self.bulk_action_buttons:
            return columns
        return [
            BulkActionsCheckboxColumn("bulk_actions", obj_type=self.model._meta.model_name),
            *columns,
        ]

    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        kwargs.setdefault("get_title_id", bulk_title_id(self.model._meta.model_name))
        return super()._get_title_column(field_name, column_class, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            bulk_action_buttons=self.bulk_action_buttons,
            bulk_action_item_type=self.bulk_action_item_type,
            **kwargs,
        )


class ScopedEditView(generic.EditView):
    """Edits another school's record as a missing one (404), and writes what each
    edit changed, old and new, into the record's history (``pairs.change_log``)."""

    queryset_for_user = None

    def get_queryset(self):
        return self.queryset_for_user(self.request.user)

    def save_instance(self):
        self.changes = changes_in(self.form)
        # Wagtail's bare "Edited" only when a save changed nothing anyone reads.
        self.action_class(
            self.form.instance,
            user=self.request.user,
            form=self.form,
            log_action=False if self.changes else "wagtail.edit",
        ).execute(skip_permission_checks=True)
        log_changes(self.form.instance, self.changes, self.request.user)
        return self.form.instance


class PairEditView(ScopedEditView):
    """A pair's dates are edited here; its people are changed by ending it and
    making a new pair (``ChangePartnerView``), offered from the header."""

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if self.object.is_active:
            buttons.append(
                Button(
                    _("Change partner"),
                    url=reverse("pairs:change_partner", args=[self.object.pk]),
                    icon_name="group",
                    priority=10,
                )
            )
        return buttons


class ScopedDeleteView(generic.DeleteView):
    queryset_for_user = None

    def get_queryset(self):
        return self.queryset_for_user(self.request.user)


class PairDeleteView(ScopedDeleteView):
    """A pair's plans, check-ins and actions would go with it: a pair that has any
    is ended instead, which keeps them."""

    def form_valid(self, form):
        if has_dependent_records(self.object):
            messages.error(
                self.request,
                _("%(pair)s has records of their work together: set an end date instead.")
                % {"pair": self.object},
            )
            return redirect(self.edit_url_name, self.object.pk)
        return super().form_valid(form)


def has_dependent_records(instance) -> bool:
    """Whether deleting ``instance`` would cascade to any other row."""
    collector = Collector(using=router.db_for_write(type(instance)))
    collector.collect([instance])
    cascaded = any(model is not type(instance) and objs for model, objs in collector.data.items())
    return cascaded or any(queryset.exists() for queryset in collector.fast_deletes)


class ScopedHistoryView(HistoryView):
    queryset_for_user = None

    def get_base_object_queryset(self):
        return self.queryset_for_user(self.request.user)


class ScopedUsageView(UsageView):
    queryset_for_user = None

    def get_base_object_queryset(self):
        return self.queryset_for_user(self.request.user)


class ScopedInspectView(generic.InspectView):
    queryset_for_user = None

    def get_object(self, queryset=None):
        return get_object_or_404(self.queryset_for_user(self.request.user), pk=self.pk)


class PairFilterSet(WagtailFilterSet):
    school = django_filters.ModelChoiceFilter(
        label=gettext_lazy("School"),
        queryset=lambda request: administered_schools(request.user),
    )
    active = django_filters.BooleanFilter(
        label=gettext_lazy("Active"),
        field_name="ended_on",
        lookup_expr="isnull",
    )

    class Meta:
        model = Pair
        fields = []


# ---------------------------------------------------------------------------
# People


class AdministratorPolicy(BasePermissionPolicy):
    """School and district administrators may list, add and edit people; nobody
    deletes a person here (deactivate them instead: their records stay).

    Django's own "change user" permission is not used: it would also open Wagtail's
    Users screen, where groups and superuser status are granted.
    """

    def user_has_permission(self, user, action) -> bool:
        return action in {"add", "change", "view"} and is_administrator(user)

    def user_has_any_permission(self, user, actions) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        User = get_user_model()
        if not set(actions) & {"add", "change", "view"}:
            return User.objects.none()
        administrators = Q(
            groups__name__in=[roles.SCHOOL_ADMINISTRATORS, roles.DISTRICT_ADMINISTRATORS]
        ) | Q(is_superuser=True)
        return User.objects.filter(administrators, is_active=True).distinct()


people_policy = AdministratorPolicy(get_user_model())


class PeopleFilterSet(WagtailFilterSet):
    role = django_filters.ChoiceFilter(
        label=gettext_lazy("Role"),
        choices=[(role.value, role.label) for role in roles.LEARNER_ROLES],
    )
    school = django_filters.ModelChoiceFilter(
        label=gettext_lazy("School"),
        field_name="schools",
        queryset=lambda request: administered_schools(request.user),
    )
    is_active = django_filters.BooleanFilter(label=gettext_lazy("Active"))

    class Meta:
        model = get_user_model()
        fields = []


class InviteOnCreateMixin:
    """A create view whose new account is sent its set-password invitation once the
    transaction commits, so a rolled-back save never sends one."""

    def save_instance(self):
        person = super().save_instance()
        invite_after_commit([person])
        return person

    def get_success_message(self, instance):
        return _("%(person)s was added and sent a link to set their password.") % {
            "person": instance
        }


class DeactivateOnSaveMixin:
    """An edit view that, when the form turns an account off, does what deactivating
    means (``pairs.account_management.deactivate``): sessions and active pairs end."""

    def save_instance(self):
        person = super().save_instance()
        if "is_active" in self.form.changed_data and not person.is_active:
            deactivate(person, by=self.request.user)
        return person

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if self.object.is_active and self.object.email:
            buttons.append(
                Button(
                    _("Send the invitation again"),
                    url=reverse(self.resend_invitation_url_name, args=[self.object.pk]),
                    icon_name="mail",
                    priority=10,
                )
            )
        elif self.object.is_active:
            # No address to send a welcome to: a one-time link to print or show.
            buttons.append(
                Button(
                    _("Make a set-up link"),
                    url=reverse("people_setup_link", args=[self.object.pk]),
                    icon_name="key",
                    priority=10,
                )
            )
        return buttons


class PeopleLabelsMixin:
    """Wagtail names these screens after the model ("Users"); here they are "People"."""

    permission_policy = people_policy
    verbose_name = gettext_lazy("person")
    verbose_name_plural = gettext_lazy("people")

    def get_breadcrumbs_items(self):
        index_url = reverse("people:index")
        return [
            {**item, "label": _("People")} if item.get("url") == index_url else item
            for item in super().get_breadcrumbs_items()
        ]


class PeoplePaginator(WagtailPaginator):
    verbose_name = gettext_lazy("person")
    verbose_name_plural = gettext_lazy("people")


class PeopleIndexView(PeopleLabelsMixin, BulkActionsIndexView):
    page_title = gettext_lazy("People")
    bulk_action_item_type = "USER"
    add_item_label = gettext_lazy("Add a person")
    paginator_class = PeoplePaginator

    def get_base_queryset(self):
        # Only the schools this administrator runs are shown beside each person.
        visible = Prefetch(
            "schools",
            queryset=administered_schools(self.request.user),
            to_attr="visible_schools",
        )
        return with_sign_in_methods(super().get_base_queryset()).prefetch_related(visible)


class PeopleCreateView(PeopleLabelsMixin, InviteOnCreateMixin, generic.CreateView):
    page_subtitle = gettext_lazy("Person")
    error_message = gettext_lazy("The person could not be added: see the errors below.")


class PeopleEditView(PeopleLabelsMixin, DeactivateOnSaveMixin, ScopedEditView):
    resend_invitation_url_name = "people:resend_invitation"
    success_message = gettext_lazy("%(object)s was updated.")
    error_message = gettext_lazy("The person could not be saved: see the errors below.")


class PeopleDeleteView(PeopleLabelsMixin, ScopedDeleteView):
    pass


class PeopleHistoryView(PeopleLabelsMixin, ScopedHistoryView):
    pass


class PeopleUsageView(PeopleLabelsMixin, ScopedUsageView):
    pass


# ---------------------------------------------------------------------------
# CSV import


class AdministratorsOnlyMixin:
    """The import is for school and district administrators; a hidden menu item
    protects nothing, so the view itself refuses everyone else."""

    def dispatch(self, request, *args, **kwargs):
        if not is_administrator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ImportPeopleView(AdministratorsOnlyMixin, WagtailAdminTemplateMixin, View):
    """Upload a file (POST), see what it would do, then confirm on the commit view."""

    page_title = gettext_lazy("Import people")
    header_icon = "upload"
    template_name = "pairs/admin/import_upload.html"
    preview_template_name = "pairs/admin/import_preview.html"
    commit_url_name = "import_people:commit"

    def get(self, request):
        return self.render(self.template_name, form=ImportUploadForm())

    def post(self, request):
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(self.template_name, form=form)
        upload = form.cleaned_data["file"]
        data = upload.read()
        plan = check_file(data, ImportScope.for_user(request.user))
        commit_form = None
        if plan.is_valid:
            commit_form = ImportCommitForm.for_upload(request.user, upload.name, data)
        return self.render_preview(plan, upload.name, commit_form)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": _("Import people")}]

    def render_preview(self, plan: ImportPlan, name: str, commit_form) -> TemplateResponse:
        return self.render(
            self.preview_template_name,
            plan=plan,
            file_name=name,
            commit_form=commit_form,
            commit_url=reverse(self.commit_url_name),
        )

    def render(self, template_name: str, **context) -> TemplateResponse:
        context = self.get_context_data(
            upload_url=reverse("import_people:upload"), columns=COLUMN_HELP, **context
        )
        return TemplateResponse(self.request, template_name, context)


class CommitImportView(ImportPeopleView):
    """Write a previewed file, checked again first: the database may have changed
    since the preview."""

    http_method_names = ["post"]

    def post(self, request):
        form = ImportCommitForm(request.POST, user=request.user)
        if not form.is_valid():
            for error in form.errors.get("payload", []):
                messages.error(request, error)
            return redirect("import_people:upload")
        payload = form.cleaned_data["payload"]
        plan = check_text(payload["csv"], ImportScope.for_user(request.user))
        if not plan.is_valid:
            messages.error(request, _("The file no longer imports cleanly; nothing was imported."))
            return self.render_preview(plan, payload["name"], None)
        try:
            result = apply_import(plan, by=request.user, source=payload["name"])
        except IntegrityError:
            # Someone else wrote the same people in the moment between check and write.
            messages.error(
                request, _("The import clashed with another change; nothing was imported.")
            )
            return redirect("import_people:upload")
        messages.success(
            request,
            _(
                "Imported %(file)s: %(created)d people added, %(updated)d updated, "
                "%(pairs)d pairs created."
            )
            % {
                "file": payload["name"],
                "created": result.created,
                "updated": result.updated,
                "pairs": result.pairs_created,
            },
        )
        return redirect("import_people:upload")


class ChangePartnerView(AdministratorsOnlyMixin, WagtailAdminTemplateMixin, FormView):
    """End an active pair and start a new one with a new partner, in one step."""

    form_class = ChangePartnerForm
    template_name = "pairs/admin/change_partner.html"
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        self.pair = get_object_or_404(
            pairs_administered_by(request.user)
            .active()
            .select_related("school", "teacher", "para"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Change partner")

    def get_page_subtitle(self):
        return str(self.pair)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("pairs:index"), "label": _("Pairs")},
            {"url": reverse("pairs:edit", args=[self.pair.pk]), "label": str(self.pair)},
            {"url": "", "label": _("Change partner")},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "pair": self.pair, "for_user": self.request.user}

    def get_initial(self):
        return {"starts_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(pair=self.pair, **kwargs)

    def form_valid(self, form):
        try:
            change = change_partner(
                self.pair,
                form.cleaned_data["new_partner"],
                form.cleaned_data["starts_on"],
                by=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(old)s ended on %(day)s and keeps its records. %(new)s starts now.")
            % {
                "old": change.ended,
                "day": date_format(change.ended.ended_on),
                "new": change.started,
            },
        )
        return redirect("pairs:edit", change.started.pk)
