"""The pair's workspace. Every view takes its pair from ``workspace.access.pair_view``,
which answers 404 to anyone who is not a partner or one of the school's administrators."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from pairs.models import Pair
from pairs.scoping import pair_rows_for_user, pairs_of
from workspace import notifications
from workspace.access import pair_view, role_in_pair, write_refusal
from workspace.access_log import Action, Part, record_access
from workspace.actions import (
    CONFIRMATION_MESSAGES,
    Confirmation,
    action_view,
    add_module_actions,
    set_confirmation,
)
from workspace.coaching import can_coach, coach
from workspace.forms import (
    ActionRecordForm,
    AddModuleActionsForm,
    CheckInForm,
    CoachForm,
    MeasureForm,
    PairActionForm,
    WeeklyPlanForm,
)
from workspace.health import pair_health
from workspace.measures import record
from workspace.models import (
    PLAN_FIELDS,
    CheckIn,
    Measure,
    Notification,
    PairAction,
    WeeklyPlan,
)
from workspace.overview import checklist_actions, pair_overview
from workspace.plans import (
    PlanSave,
    monday_of,
    next_school_day,
    plan_values,
    planning_time,
    prefill_from,
    save_plan,
    week_overlaps_pair,
)
from workspace.waiting import waiting_items

PER_PAGE = 25
Kind = Notification.Kind


def _next_url(request: HttpRequest, default: str) -> str:
    """Where to go back to after a form posted from another page (a module, the list)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


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
        request, "workspace/my_pairs.html", {"rows": rows, "waiting": waiting_items(user)}
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
    return render(
        request,
        "workspace/pair_detail.html",
        {"pair": pair, "overview": pair_overview(pair, request.user)},
    )


# The checklist ----------------------------------------------------------------------


@pair_view()
def pair_actions(request: HttpRequest, pair: Pair) -> HttpResponse:
    record_access(request, pair, Part.CHECKLIST)
    page = Paginator(checklist_actions(pair).order_by("-planned_for", "-pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    role, today = role_in_pair(pair, request.user), pair.today()
    return render(
        request,
        "workspace/pair_actions.html",
        {
            "pair": pair,
            "page_obj": page,
            "actions": [action_view(action, role, today) for action in page],
            "can_write": write_refusal(pair, request.user) is None,
            "role": role,
        },
    )


@pair_view(methods=["POST"], writes=["POST"])
def pair_action_add(request: HttpRequest, pair: Pair) -> HttpResponse:
    """Copy a module's try-tomorrow actions onto the checklist (from the module page)."""
    form = AddModuleActionsForm(request.POST, pair=pair)
    if not form.is_valid():
        return render(request, "workspace/add_actions.html", {"pair": pair, "form": form})
    module, day = form.cleaned_data["module_id"], form.cleaned_data["planned_for"]
    added = add_module_actions(pair, module, day, request.user)
    record_access(request, pair, Part.CHECKLIST)
    if added:
        messages.success(
            request,
            ngettext(
                "Added %(count)d action from “%(module)s” to your checklist for %(day)s.",
                "Added %(count)d actions from “%(module)s” to your checklist for %(day)s.",
                len(added),
            )
            % {"count": len(added), "module": module.title, "day": date_format(day, "l, F j")},
        )
    else:
        messages.info(request, _("This module's actions are already on your checklist."))
    return redirect(_next_url(request, reverse("pair_detail", args=[pair.pk])))


@pair_view(methods=["GET", "POST"], writes=["GET", "POST"])
def pair_action_new(request: HttpRequest, pair: Pair) -> HttpResponse:
    """An action the pair writes themselves."""
    form = PairActionForm(
        _posted(request), pair=pair, initial={"planned_for": next_school_day(pair.today())}
    )
    if request.method == "POST" and form.is_valid():
        action = form.save(commit=False)
        action.pair, action.added_by = pair, request.user
        action.save()
        record_access(request, pair, Part.CHECKLIST)
        messages.success(request, _("Your action is on the checklist."))
        return redirect(reverse("pair_detail", args=[pair.pk]) + "#checklist")
    return render(request, "workspace/pair_action_form.html", {"pair": pair, "form": form})


def _set_key(request: HttpRequest, pair: Pair, action_pk: int, *, done: bool) -> HttpResponse:
    action, outcome = set_confirmation(
        pair_rows_for_user(PairAction.objects.all(), request.user).filter(pair=pair),
        action_pk,
        role_in_pair(pair, request.user),
        done=done,
    )
    record_access(request, pair, Part.CHECKLIST)
    _tell_partner_about_key(pair, action, outcome, request.user)
    if outcome is Confirmation.CONFIRMED and action.is_done:
        messages.success(request, _("Thank you. This action is done for the pair."))
    elif outcome in (Confirmation.CONFIRMED, Confirmation.UNDONE):
        messages.success(request, CONFIRMATION_MESSAGES[outcome])
    else:
        messages.info(request, CONFIRMATION_MESSAGES[outcome])
    default = reverse("pair_detail", args=[pair.pk]) + f"#action-{action.pk}"
    return redirect(_next_url(request, default))


def _tell_partner_about_key(pair: Pair, action: PairAction, outcome: Confirmation, user) -> None:
    """Your part done clears what waited on you; your partner hears of it if their
    part is still to do. Taking yours back takes back what they were told."""
    partner = pair.partner_of(user)
    if outcome is Confirmation.CONFIRMED:
        notifications.clear(user, pair, Kind.PARTNER_CONFIRMED, Kind.TRY_AGAIN, action=action)
        partner_role = role_in_pair(pair, partner)
        if action.concerns(partner_role) and not action.confirmed_by(partner_role):
            notifications.notify(pair, user, Kind.PARTNER_CONFIRMED, action=action)
    elif outcome is Confirmation.UNDONE:
        notifications.clear(partner, pair, Kind.PARTNER_CONFIRMED, action=action)


@pair_view(methods=["POST"], writes=["POST"])
def pair_action_confirm(request: HttpRequest, pair: Pair, action_pk: int) -> HttpResponse:
    """ "I did my part": sets the partner's key once; posting again changes nothing."""
    if request.POST.get("confirmed") != "1":
        return HttpResponseBadRequest(_("Send confirmed=1 to confirm your part."))
    return _set_key(request, pair, action_pk, done=True)


@pair_view(methods=["POST"], writes=["POST"])
def pair_action_undo(request: HttpRequest, pair: Pair, action_pk: int) -> HttpResponse:
    return _set_key(request, pair, action_pk, done=False)


@pair_view(methods=["GET", "POST"], writes=["GET", "POST"])
def pair_action_record(request: HttpRequest, pair: Pair, action_pk: int) -> HttpResponse:
    """What happened, for an action that asks the pair to note it."""
    action = get_object_or_404(
        pair_rows_for_user(PairAction.objects.all(), request.user).filter(
            pair=pair, records_data=True
        ),
        pk=action_pk,
    )
    form = ActionRecordForm(_posted(request), instance=action)
    if request.method != "POST":
        record_access(request, pair, Part.CHECKLIST)
    elif form.is_valid():
        # Only the record: a full save would overwrite a partner's key turned meanwhile.
        record = form.save(commit=False)
        record.noted_by, record.noted_at = request.user, timezone.now()
        record.save(update_fields=["note", "outcome", "noted_by", "noted_at"])
        record_access(request, pair, Part.CHECKLIST)
        messages.success(request, _("Thank you. What happened is recorded."))
        return redirect(reverse("pair_detail", args=[pair.pk]) + f"#action-{action.pk}")
    return render(
        request,
        "workspace/pair_action_record.html",
        {"pair": pair, "action": action, "form": form},
    )


@pair_view(methods=["GET", "POST"], writes=["GET", "POST"])
def pair_action_coach(request: HttpRequest, pair: Pair, action_pk: int) -> HttpResponse:
    """The teacher confirms what the para carried out, with the look-fors she saw and
    one line of feedback, or asks the para to try it again."""
    actions = pair_rows_for_user(PairAction.objects.all(), request.user).filter(pair=pair)
    action = get_object_or_404(actions, pk=action_pk)
    role = role_in_pair(pair, request.user)
    if not can_coach(action, role):
        messages.info(
            request, _("This action waits for the para's part before you can give feedback.")
        )
        return redirect(reverse("pair_detail", args=[pair.pk]) + f"#action-{action.pk}")
    form = CoachForm(_posted(request), action=action)
    if request.method == "POST" and form.is_valid():
        try_again = form.cleaned_data["decision"] == CoachForm.TRY_AGAIN
        check = coach(
            pair,
            actions,
            action.pk,
            request.user,
            seen=form.cleaned_data.get("seen", []),
            feedback=form.cleaned_data["feedback"],
            try_again=try_again,
        )
        record_access(request, pair, Part.CHECKLIST)
        if check is None:
            messages.info(
                request, _("The para took their part back meanwhile; nothing was recorded.")
            )
        elif try_again:
            messages.success(
                request, _("Thank you. The para is asked to try it again on the next school day.")
            )
        else:
            messages.success(request, _("Thank you. Your feedback is with the para."))
        return redirect(reverse("pair_detail", args=[pair.pk]) + f"#action-{action.pk}")
    if request.method != "POST":
        record_access(request, pair, Part.CHECKLIST)
    return render(
        request, "workspace/pair_action_coach.html", {"pair": pair, "action": action, "form": form}
    )


@pair_view(methods=["GET", "POST"], writes=["GET", "POST"])
def pair_action_measure(request: HttpRequest, pair: Pair, action_pk: int) -> HttpResponse:
    """Keep one simple measure on an action: a count, minutes or yes/no a day."""
    actions = pair_rows_for_user(PairAction.objects.all(), request.user).filter(pair=pair)
    action = get_object_or_404(actions, pk=action_pk)
    if Measure.objects.filter(action=action).exists():
        messages.info(request, _("This action already keeps a measure."))
        return redirect(reverse("pair_detail", args=[pair.pk]) + "#data")
    form = MeasureForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        measure = form.save(commit=False)
        measure.action = action
        try:
            with transaction.atomic():
                measure.save()
        except IntegrityError:
            messages.info(request, _("Your partner set a measure on this action meanwhile."))
        else:
            record_access(request, pair, Part.CHECKLIST)
            messages.success(
                request, _("The measure is set. Record it each day from the pair page.")
            )
        return redirect(reverse("pair_detail", args=[pair.pk]) + "#data")
    return render(
        request,
        "workspace/pair_action_measure.html",
        {"pair": pair, "action": action, "form": form},
    )


@pair_view(methods=["POST"], writes=["POST"])
def pair_measure_record(request: HttpRequest, pair: Pair, measure_pk: int) -> HttpResponse:
    """One tap: + or − on today's count or minutes, or yes or no. Answers JSON to the
    page's script, and a redirect back to the page without one."""
    measure = get_object_or_404(
        pair_rows_for_user(Measure.objects.all(), request.user, field="action__pair").filter(
            action__pair=pair
        ),
        pk=measure_pk,
    )
    step, value = request.POST.get("step"), request.POST.get("value")
    if measure.kind == Measure.Kind.YES_NO and value in ("0", "1"):
        step, value = None, int(value)
    elif measure.kind != Measure.Kind.YES_NO and step in ("1", "-1"):
        step, value = int(step), None
    else:
        return HttpResponseBadRequest(_("Send step=1 or step=-1 (value=1 or 0 for yes or no)."))
    current = record(measure, pair.today(), step, value, request.user)
    record_access(request, pair, Part.CHECKLIST)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"value": current})
    return redirect(
        _next_url(request, reverse("pair_detail", args=[pair.pk]) + f"#measure-{measure.pk}")
    )


# The weekly plan --------------------------------------------------------------------


@pair_view(methods=["GET", "POST"], writes=["POST"])
def weekly_plan(request: HttpRequest, pair: Pair, week: datetime.date | None = None):
    """One week's plan (this week's without a date). Both partners edit it; a save
    based on an older version than the saved one is refused and both are shown."""
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


# The check-in log -------------------------------------------------------------------


@pair_view()
def check_ins(request: HttpRequest, pair: Pair) -> HttpResponse:
    record_access(request, pair, Part.CHECK_INS)
    page = Paginator(pair.check_ins.select_related("author"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "workspace/check_ins.html",
        {
            "pair": pair,
            "page_obj": page,
            "can_write": write_refusal(pair, request.user) is None,
            "planning": planning_time(pair, monday_of(pair.today())),
        },
    )


@pair_view(methods=["GET", "POST"], writes=["GET", "POST"])
def check_in_new(request: HttpRequest, pair: Pair) -> HttpResponse:
    form = CheckInForm(
        _posted(request),
        pair=pair,
        initial={"happened_on": pair.today(), "kind": CheckIn.Kind.CHECK_IN},
    )
    if request.method == "POST" and form.is_valid():
        check_in = form.save(commit=False)
        check_in.pair, check_in.author = pair, request.user
        check_in.save()
        record_access(request, pair, Part.CHECK_INS)
        messages.success(request, _("Thank you. The meeting is in your log."))
        return redirect(reverse("pair_detail", args=[pair.pk]) + "#check-ins")
    return render(request, "workspace/check_in_form.html", {"pair": pair, "form": form})
