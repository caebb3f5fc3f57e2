"""Pair reports in the Wagtail admin, and the "pairs needing attention" dashboard panel."""

from __future__ import annotations

from django.db.models import Count, Window
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

from checklists.reports import (
    ATTENTION,
    PairAssignmentReport,
    PairHealthReport,
    attention_reasons,
    pairs_needing_attention,
)
from pairs.views import is_administrator
from pairs.viewsets import AdministratorsMenuItem

PANEL_LISTED = 5

report_urls = [
    path("", PairAssignmentReport.as_view(), name="by_pair"),
    path("results/", PairAssignmentReport.as_view(results_only=True), name="by_pair_results"),
    path("health/", PairHealthReport.as_view(), name="health"),
    path("health/results/", PairHealthReport.as_view(results_only=True), name="health_results"),
]


@hooks.register("register_admin_urls")
def register_report_urls():
    return [path("reports/pairs/", include((report_urls, "pair_reports")))]


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


class PairsNeedingAttentionPanel(Component):
    name = "tandem_pairs_needing_attention"
    order = 70
    template_name = "checklists/admin/attention_panel.html"

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
def add_attention_panel(request, panels):
    if is_administrator(request.user):
        panels.append(PairsNeedingAttentionPanel())


from checklists import wagtail_hooks_privacy  # noqa: E402, F401 - registers its hooks
