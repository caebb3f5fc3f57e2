"""The weekly plan, merged field by field when both partners save."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pairs.models import Pair
from workspace import notifications
from workspace.access import pair_view, write_refusal
from workspace.access_log import Action, Part, record_access
from workspace.forms import WeeklyPlanForm
from workspace.models import (
    PLAN_FIELDS,
    WeeklyPlan,
)
from workspace.plans import (
    PlanSave,
    monday_of,
    plan_values,
    planning_time,
    prefill_from,
    save_plan,
    week_overlaps_pair,
)
from workspace.views.common import Kind


@pair_view(methods=["GET", "POST"], writes=["POST"])
def weekly_plan(request: HttpRequest, pair: Pair, week: datetime.date | None = None):
    """One week's plan (this week's without a date). Both partners edit it; a save
    based on an older version is merged field by field (``plans.save_plan``), and
    only the fields both changed are shown side by side to choose from."""
    monday = monday_of(week or pair.today())
    if week is not None and week != monday:
        return redirect("weekly_plan_week", pk=pair.pk, week=monday)
    plan = pair.plans.select_related("updated_by").filter(week_of=monday).first()
    in_period = week_overlaps_pair(pair, monday)
    can_write = in_period and write_refusal(pair, request.user) is None
    prefilled_from, conflict, status = None, None, 200

    if request.method == "POST":
        form = WeeklyPlanForm(request.POST)
        if not in_period:
            form.add_error(None, _("This week is outside the time this pair works together."))
        elif form.is_valid():
            saved = save_plan(
                pair,
                monday,
                form.plan_fields(),
                form.cleaned_data["version"],
                request.user,
                base=form.plan_base(),
            )
            # A refused save shows the saved plan: that is a view, not a change.
            record_access(request, pair, Part.PLAN, Action.VIEWED if saved.conflict else None)
            if not saved.conflict:
                notifications.notify(pair, request.user, Kind.PLAN_CHANGED, week_of=monday)
                messages.success(request, _plan_saved_message(saved))
                return redirect("weekly_plan_week", pk=pair.pk, week=monday)
            # The merge so far, based on the saved version, asking only about the
            # fields both changed: a second save is a deliberate one.
            form = WeeklyPlanForm(_conflict_data(saved), conflicts=saved.conflicts)
            plan, conflict, status = saved.plan, saved, 409
    else:
        record_access(request, pair, Part.PLAN)
        notifications.clear(request.user, pair, Kind.PLAN_CHANGED, week_of=monday)
        source = plan
        if source is None:
            source = prefilled_from = prefill_from(pair, monday)
        values = plan_values(source)
        base = {f"base_{name}": value for name, value in values.items()}
        form = WeeklyPlanForm(initial={**values, **base, "version": plan.version if plan else 0})

    weeks = list(pair.plans.order_by("-week_of").values_list("week_of", flat=True))
    return render(
        request,
        "workspace/weekly_plan.html",
        {
            "pair": pair,
            "monday": monday,
            "sunday": monday + datetime.timedelta(days=6),
            "previous_week": monday - datetime.timedelta(days=7),
            "next_week": monday + datetime.timedelta(days=7),
            "this_week": monday_of(pair.today()),
            "plan": plan,
            "form": form,
            "can_write": can_write,
            "in_period": in_period,
            "prefilled_from": prefilled_from,
            "conflict": conflict,
            "weeks": weeks,
            "planning": planning_time(pair, monday),
        },
        status=status,
    )


def _conflict_data(saved: PlanSave) -> dict[str, str]:
    data = {"version": str(saved.plan.version)}
    for name in PLAN_FIELDS:
        data[name] = saved.values[name]
        data[f"base_{name}"] = getattr(saved.plan, name)
    return data


def _plan_saved_message(saved: PlanSave) -> str:
    if not saved.from_partner:
        return _("The plan for this week is saved.")
    labels = ", ".join(
        str(WeeklyPlan._meta.get_field(name).verbose_name) for name in saved.from_partner
    )
    return _(
        "The plan for this week is saved. Your partner changed it while you were "
        "editing; their changes to %(fields)s are kept too."
    ) % {"fields": labels}
