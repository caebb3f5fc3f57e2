"""The administrators' side of courses in the Wagtail admin: assignments, the
completion reports, their dashboard panels, and the audit-log actions."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.log_actions import LogFormatter

from courses.admin_views import AssignmentViewSet
from courses.assigning import ASSIGN_ACTION, REASSIGN_ACTION
from courses.reports import (
    OVERDUE,
    CompletionByPersonReport,
    ModuleReport,
    completion_by_school,
    overdue_count,
)
from courses.tasks import REMIND_ACTION
from pairs.views import is_administrator
from pairs.viewsets import AdministratorsMenuItem

report_urls = [
    path("completion/", CompletionByPersonReport.as_view(), name="completion"),
    path(
        "completion/results/",
        CompletionByPersonReport.as_view(results_only=True),
        name="completion_results",
    ),
    path("modules/", ModuleReport.as_view(), name="modules"),
    path("modules/results/", ModuleReport.as_view(results_only=True), name="modules_results"),
]


@hooks.register("register_admin_viewset")
def register_assignment_viewset():
    return AssignmentViewSet("assignments")


@hooks.register("register_admin_urls")
def register_report_urls():
    # Beside Wagtail's own reports, under /admin/reports/.
    return [path("reports/courses/", include((report_urls, "course_reports")))]


@hooks.register("register_reports_menu_item")
def register_completion_report_menu_item():
    return AdministratorsMenuItem(
        _("Completion by person"),
        reverse("course_reports:completion"),
        name="completion-by-person",
        icon_name="user",
        order=100,
    )


@hooks.register("register_reports_menu_item")
def register_module_report_menu_item():
    return AdministratorsMenuItem(
        _("Completion by module"),
        reverse("course_reports:modules"),
        name="completion-by-module",
        icon_name="doc-full",
        order=110,
    )


class DueDateFormatter(LogFormatter):
    template = ""

    def format_message(self, log_entry):
        return self.template % {"due_on": (log_entry.data or {}).get("due_on", "?")}


@hooks.register("register_log_actions")
def register_assignment_log_actions(actions):
    @actions.register_action(ASSIGN_ACTION)
    class Assigned(DueDateFormatter):
        label = _("Assign")
        template = _("Assigned, due %(due_on)s")

    @actions.register_action(REASSIGN_ACTION)
    class Reassigned(DueDateFormatter):
        label = _("Assign again")
        template = _("Assigned again: now due %(due_on)s")

    @actions.register_action(REMIND_ACTION)
    class Reminded(LogFormatter):
        label = _("Send reminder")

        def format_message(self, log_entry):
            return _("Reminder sent (%(kind)s)") % {"kind": (log_entry.data or {}).get("kind")}


# Dashboard ----------------------------------------------------------------------------


class OverduePanel(Component):
    name = "tandem_overdue"
    order = 50
    template_name = "courses/admin/overdue_panel.html"

    def get_context_data(self, parent_context):
        user = parent_context["request"].user
        return {
            "overdue": overdue_count(user, timezone.localdate()),
            "report_url": reverse("course_reports:completion") + f"?status={OVERDUE}",
        }


class CompletionBySchoolPanel(Component):
    """A bar per school, drawn on the server (SVG), beside its numbers in words."""

    name = "tandem_completion_by_school"
    order = 60
    template_name = "courses/admin/completion_panel.html"

    def get_context_data(self, parent_context):
        return {
            "schools": completion_by_school(parent_context["request"].user, timezone.localdate()),
            "report_url": reverse("course_reports:completion"),
        }


@hooks.register("construct_homepage_panels")
def add_completion_panels(request, panels):
    if is_administrator(request.user):
        panels[:0] = [OverduePanel(), CompletionBySchoolPanel()]
