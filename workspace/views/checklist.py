"""The try-tomorrow checklist: adding actions, the two keys, what happened, the
teacher's look with look-fors and feedback, and the measure a pair keeps."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pairs.models import Pair
from pairs.scoping import pair_rows_for_user
from workspace import notifications
from workspace.access import pair_view, role_in_pair, write_refusal
from workspace.access_log import Part, record_access
from workspace.actions import (
    CONFIRMATION_MESSAGES,
    Confirmation,
    action_view,
    add_module_actions,
    set_confirmation,
    show_actions_in_reader_language,
)
from workspace.coaching import can_coach, coach
from workspace.forms import (
    ActionRecordForm,
    AddModuleActionsForm,
    CoachForm,
    MeasureForm,
    PairActionForm,
)
from workspace.markup import measure_today
from workspace.measures import record
from workspace.models import (
    Measure,
    PairAction,
)
from workspace.overview import checklist_actions, with_latest_look
from workspace.plans import next_school_day
from workspace.views.common import PER_PAGE, Kind, next_url, posted


@pair_view()
def pair_actions(request: HttpRequest, pair: Pair) -> HttpResponse:
    record_access(request, pair, Part.CHECKLIST)
    page = Paginator(checklist_actions(pair).order_by("-planned_for", "-pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    page.object_list = with_latest_look(page.object_list)
    role, today = role_in_pair(pair, request.user), pair.today()
    return render(
        request,
        "workspace/pair_actions.html",
        {
            "pair": pair,
            "page_obj": page,
            "actions": [
                action_view(action, role, today) for action in show_actions_in_reader_language(page)
            ],
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
            % {
                "count": len(added),
                # The module as the reader read it: its title in their language.
                "module": module.shown_in_reader_language().title,
                # The weekday, then the day in the reader's own order ("18 de noviembre").
                "day": f"{date_format(day, 'l')}, {date_format(day, 'MONTH_DAY_FORMAT')}",
            },
        )
    else:
        messages.info(request, _("This module's actions are already on your checklist."))
    return redirect(next_url(request, reverse("pair_detail", args=[pair.pk])))


@pair_view(methods=["GET", "POST"], writes=["GET", "POST"])
def pair_action_new(request: HttpRequest, pair: Pair) -> HttpResponse:
    """An action the pair writes themselves."""
    form = PairActionForm(
        posted(request), pair=pair, initial={"planned_for": next_school_day(pair.today())}
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
    return redirect(next_url(request, default))


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
    # Its words in the reader's language; the form saves only the record's own fields.
    show_actions_in_reader_language([action])
    form = ActionRecordForm(posted(request), instance=action)
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
    # The look-fors in the reader's language: what is stored is their positions.
    show_actions_in_reader_language([action])
    form = CoachForm(posted(request), action=action)
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
    form = MeasureForm(posted(request))
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
    show_actions_in_reader_language([action])
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
        # The words come from the server too, so the script speaks the page's language.
        return JsonResponse({"value": current, "text": measure_today(measure, current)})
    return redirect(
        next_url(request, reverse("pair_detail", args=[pair.pk]) + f"#measure-{measure.pk}")
    )
