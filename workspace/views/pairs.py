"""My pairs, what waits on you, the pair page and the partners' courses."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from content.markdown import fetch_renders
from pairs.models import Pair
from pairs.scoping import pairs_of
from workspace.access import pair_view, role_in_pair
from workspace.access_log import Part, record_access
from workspace.health import pair_health
from workspace.models import Notification
from workspace.overview import course_rows, pair_overview
from workspace.views.common import Kind
from workspace.waiting import waiting_items


@login_required
@require_safe
def my_pairs(request: HttpRequest) -> HttpResponse:
    user = request.user
    pairs = (
        pairs_of(user)
        .select_related("school", "teacher", "para")
        .order_by(F("ended_on").desc(nulls_first=True), "-started_on")
    )
    health = pair_health(pairs)
    rows = [
        {
            "pair": pair,
            "partner": pair.partner_of(user),
            "role": role_in_pair(pair, user),
            "health": health[pair.pk],
        }
        for pair in pairs
    ]
    return render(
        request,
        "workspace/my_pairs.html",
        {"rows": rows, "waiting": waiting_items(user, request=request)},
    )


@login_required
@require_safe
def waiting_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open one thing that waited on you: it no longer waits, and you land on it."""
    notification = get_object_or_404(
        Notification.objects.select_related("pair"), pk=pk, recipient=request.user
    )
    Notification.objects.filter(pk=notification.pk).mark_read()
    pair = notification.pair
    if notification.kind == Kind.PLAN_CHANGED and notification.week_of:
        return redirect("weekly_plan_week", pk=pair.pk, week=notification.week_of)
    target = reverse("pair_detail", args=[pair.pk])
    return redirect(
        target + (f"#action-{notification.action_id}" if notification.action_id else "")
    )


@pair_view()
def pair_detail(request: HttpRequest, pair: Pair) -> HttpResponse:
    record_access(request, pair, Part.WORKSPACE)
    overview = pair_overview(pair, request.user)
    fetch_renders(overview.notes())
    return render(request, "workspace/pair_detail.html", {"pair": pair, "overview": overview})


@pair_view()
def pair_courses(request: HttpRequest, pair: Pair) -> HttpResponse:
    """Each partner's courses, module by module, side by side. Statuses and counts
    only, as the administrators' pair drill-down shows them: no plan, note or action
    text, so no access record. A page of its own: on the pair page, folded away
    where most visits left it closed, it took a sixth of the page's time."""
    return render(
        request, "workspace/pair_courses.html", {"pair": pair, "courses": course_rows(pair)}
    )
