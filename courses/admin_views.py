"""Admin screens for assignments: the "Assign" form and the scoped listing.

The listing, edit, delete and history views come from ``pairs.viewsets``'
``ScopedModelViewSet``, so another school's assignment answers 404 wherever its
id is typed. Assigning is its own form, since one submission makes many rows.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from courses.admin_filters import CompletionFilterSet, status_label
from courses.assigning import (
    AssignForm,
    AssignmentForm,
    AssignResult,
    assign,
    email_new_due_date,
)
from courses.assignment_status import OVERDUE, with_status
from courses.models import Assignment
from pairs.scoping import is_administrator, rows_of_people_in_scope
from pairs.views import BulkActionsIndexView, ScopedEditView, bulk_title_id
from pairs.viewsets import ScopedModelViewSet


class AssignView(WagtailAdminTemplateMixin, FormView):
    """One submission assigns a page to many people (``courses.assigning.assign``)."""

    page_title = gettext_lazy("Assign a course or module")
    header_icon = "date"
    template_name = "courses/admin/assign.html"
    form_class = AssignForm
    index_url_name = None
    add_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not (is_administrator(request.user) and request.user.has_perm("courses.add_assignment")):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "today": self.today}

    @cached_property
    def today(self):
        return timezone.localdate()

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": _("Assignments")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            # The date chooser's script and the people filter's are the form's media.
            media=context["form"].media,
            action_url=reverse(self.add_url_name),
            submit_button_label=_("Assign"),
            submit_button_active_label=_("Assigning…"),
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        result = assign(
            data["page"], data["recipients"], data["due_on"], data["note"], self.request.user
        )
        messages.success(self.request, success_message(data["page"].title, result))
        return redirect(self.index_url_name)

    def form_invalid(self, form):
        messages.error(self.request, _("Nothing was assigned: please correct the errors below."))
        return super().form_invalid(form)


def success_message(title: str, result: AssignResult) -> str:
    created, updated = len(result.created), len(result.updated)
    parts = []
    if created:
        parts.append(
            ngettext(
                "“%(title)s” was assigned to %(count)s person, who was emailed.",
                "“%(title)s” was assigned to %(count)s people, who were emailed.",
                created,
            )
            % {"title": title, "count": created}
        )
    if updated:
        parts.append(
            ngettext(
                "%(count)s person already had it and now has the new due date (emailed "
                "if it moved).",
                "%(count)s people already had it and now have the new due date (emailed "
                "if it moved).",
                updated,
            )
            % {"count": updated}
        )
    return " ".join(parts)


class AssignmentEditView(ScopedEditView):
    """The date and note of one assignment; a new date is logged and emailed."""

    def save_instance(self):
        # The form has already put the new date on the instance; its initial is the old.
        was_due_on = self.form.initial["due_on"]
        assignment = super().save_instance()
        if any(change["field"] == "due_on" for change in self.changes):
            email_new_due_date(assignment, was_due_on)
        return assignment


class AssignmentIndexView(BulkActionsIndexView):
    add_item_label = gettext_lazy("Assign a course or module")

    def get_base_queryset(self):
        return with_status(super().get_base_queryset(), timezone.localdate())


class AssignmentViewSet(ScopedModelViewSet):
    """District → Assignments: the assignments of the people an administrator runs."""

    model = Assignment
    form_class = AssignmentForm
    icon = "date"
    menu_label = gettext_lazy("Assignments")
    # Listed in the "District" menu that pairs.viewsets.DistrictViewSetGroup opens.
    menu_hook = "register_district_menu_item"
    index_view_class = AssignmentIndexView
    edit_view_class = AssignmentEditView
    add_view_class = AssignView
    filterset_class = CompletionFilterSet
    search_fields = ["user__first_name", "user__last_name", "user__username", "page__title"]
    list_display = [
        TitleColumn(
            "user",
            label=gettext_lazy("Person"),
            get_url=lambda a: reverse("assignments:edit", args=[a.pk]),
            get_title_id=bulk_title_id("assignment"),
        ),
        Column("page", label=gettext_lazy("Course or module"), accessor="page.title"),
        Column("due_on", label=gettext_lazy("Due"), sort_key="due_on"),
        StatusTagColumn(
            "status",
            label=gettext_lazy("Status"),
            accessor=status_label,
            primary=lambda a: a.status == OVERDUE,
        ),
        Column("assigned_by", label=gettext_lazy("Assigned by")),
    ]

    @staticmethod
    def queryset_for_user(user):
        return rows_of_people_in_scope(Assignment.objects.all(), user).select_related(
            "user", "page", "assigned_by"
        )

    def get_add_view_kwargs(self, **kwargs):
        # The assign form is not a model form: none of the create view's kwargs apply.
        return kwargs
