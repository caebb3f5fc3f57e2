"""The check-in log."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from content.markdown import fetch_renders
from pairs.models import Pair
from workspace.access import pair_view, write_refusal
from workspace.access_log import Part, record_access
from workspace.forms import CheckInForm
from workspace.models import CheckIn
from workspace.plans import (
    monday_of,
    planning_time,
)
from workspace.views.common import PER_PAGE, posted


@pair_view()
def check_ins(request: HttpRequest, pair: Pair) -> HttpResponse:
    record_access(request, pair, Part.CHECK_INS)
    page = Paginator(pair.check_ins.select_related("author"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    fetch_renders(check_in.note for check_in in page)
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
        posted(request),
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
