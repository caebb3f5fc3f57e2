"""What administrators read in the Wagtail admin: the completion and pair reports
(under /admin/reports/, beside Wagtail's own) and the dashboard panels."""

from __future__ import annotations

from django.db.models import Count, Window
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

from pairs.scoping import administered_schools, is_administrator
from pairs.viewsets import AdministratorsMenuItem
from reporting.completion_reports import (
    OVERDUE,
    CompletionByPersonReport,
    ModuleReport,
    completion_by_school,
    overdue_count,
)
from reporting.drilldowns import drilldown_urls
from reporting.hours_compliance import HoursComplianceReport, ParasWithoutTitleIRoute
from reporting.pair_reports import (
    ATTENTION,
    PairAssignmentReport,
    PairHealthReport,
    attention_reasons,
    pairs_needing_attention,
)
from reporting.trends import WEEKS, completion_trends, planning_trends

PANEL_LISTED = 5

course_report_urls = [
    path("completion/", CompletionByPersonReport.as_view(), name="completion"),
    path(
        "completion/results/",
        CompletionByPersonReport.as_view(results_only=True),
        name="completion_results",
    ),
    path("modules/", ModuleReport.as_view(), name="modules"),
    path("modules/results/", ModuleReport.as_view(results_only=True), name="modules_results"),
]


pair_report_urls = [
    path("", PairAssignmentReport.as_view(), name="by_pair"),
    path("results/", PairAssignmentReport.as_view(results_only=True), name="by_pair_results"),
    path("health/", PairHealthReport.as_view(), name="health"),
    path("health/results/", PairHealthReport.as_view(results_only=True), name="health_results"),
]


hours_report_urls = [
    path("", HoursComplianceReport.as_view(), name="compliance"),
    path("results/", HoursComplianceReport.as_view(results_only=True), name="compliance_results"),
    path("title-i/", ParasWithoutTitleIRoute.as_view(), name="without_title_i"),
    path(
        "title-i/results/",
        ParasWithoutTitleIRoute.as_view(results_only=True),
        name="without_title_i_results",
    ),
]


@hooks.register("register_admin_urls")
def register_report_urls():
    # Beside Wagtail's own reports, under /admin/reports/.
    return [
        path("reports/courses/", include((course_report_urls, "course_reports"))),
        path("reports/pairs/", include((pair_report_urls, "pair_reports"))),
        path("reports/", include((drilldown_urls, "drilldowns"))),
        path("reports/pd-hours/", include((hours_report_urls, "hours_reports"))),
    ]


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


@hooks.register("register_reports_menu_item")
def register_pair_report_menu_item():
    return AdministratorsMenuItem(
        _("Assigned work by pair"),
        reverse("pair_reports:by_pair"),
        name="assigned-work-by-pair",
        icon_name="group",
        order=120,
    )


@hooks.register("register_reports_menu_item")
def register_pair_health_menu_item():
    return AdministratorsMenuItem(
        _("Pair health"),
        reverse("pair_reports:health"),
        name="pair-health",
        icon_name="pick",
        order=130,
    )


@hooks.register("register_reports_menu_item")
def register_hours_compliance_menu_item():
    return AdministratorsMenuItem(
        _("PD hours compliance"),
        reverse("hours_reports:compliance"),
        name="pd-hours-compliance",
        icon_name="time",
        order=140,
    )


@hooks.register("register_reports_menu_item")
def register_paras_without_title_i_menu_item():
    return AdministratorsMenuItem(
        _("Paras without a Title I route"),
        reverse("hours_reports:without_title_i"),
        name="paras-without-title-i-route",
        icon_name="warning",
        order=150,
    )


class OverduePanel(Component):
    name = "tandem_overdue"
    order = 50
    template_name = "reporting/admin/overdue_panel.html"

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
    template_name = "reporting/admin/completion_panel.html"

    def get_context_data(self, parent_context):
        return {
            "schools": completion_by_school(parent_context["request"].user, timezone.localdate()),
            "report_url": reverse("course_reports:completion"),
        }


class TrendsPanel(Component):
    """Each school's last twelve weeks: modules completed and planning minutes,
    drawn on the server (SVG), each chart with its numbers in words."""

    name = "tandem_trends"
    order = 65
    template_name = "reporting/admin/trends_panel.html"

    def get_context_data(self, parent_context):
        admin, today = parent_context["request"].user, timezone.localdate()
        schools = list(administered_schools(admin).order_by("name").values_list("name", flat=True))
        completed = completion_trends(admin, schools, today)
        planning = planning_trends(admin, schools, today)
        return {
            "schools": [
                {"name": name, "completed": done, "planning": planned}
                for name, done, planned in zip(schools, completed, planning, strict=True)
            ],
            "weeks": WEEKS,
        }


class PairsNeedingAttentionPanel(Component):
    name = "tandem_pairs_needing_attention"
    order = 70
    template_name = "reporting/admin/attention_panel.html"

    def get_context_data(self, parent_context):
        pairs = pairs_needing_attention(parent_context["request"].user, timezone.localdate())
        # The total rides along on each row (a window count), so the panel costs
        # one query however many pairs need attention.
        listed = list(pairs.annotate(total=Window(Count("pk")))[:PANEL_LISTED])
        for pair in listed:
            pair.reasons = attention_reasons(pair)
        return {
            "pairs": listed,
            "count": listed[0].total if listed else 0,
            "report_url": reverse("pair_reports:health") + f"?status={ATTENTION}",
        }


@hooks.register("construct_homepage_panels")
def add_report_panels(request, panels):
    if is_administrator(request.user):
        panels[:0] = [OverduePanel(), CompletionBySchoolPanel(), TrendsPanel()]
        panels.append(PairsNeedingAttentionPanel())
