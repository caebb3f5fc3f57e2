"""The site's PD-hours pages: a person's own hours, the partner's confirmation of
a check-in, the evidence files, and the signed statement's PDF.

Who may read what is ``hours.scoping``'s (built on ``pairs.scoping``): anyone
else is answered 404, so a record's existence is not revealed.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from courses.certificates import issuer_for
from hours import calendar_feed
from hours.compliance import standings_of
from hours.confirming import confirm, confirmation_refusal
from hours.evidence import content_type_of
from hours.ledger import ledger_for
from hours.models import CalendarFeed
from hours.scoping import outside_pd_for, people_whose_hours_user_reads, qualifications_for
from hours.statement import statement_pdf
from pairs.scoping import pair_rows_for_user
from workspace.models import CheckIn


@login_required
@require_safe
def my_hours(request: HttpRequest) -> HttpResponse:
    """The person's own ledger and where they stand against their district's rules."""
    today = timezone.localdate()
    entries = ledger_for([request.user.pk]).get(request.user.pk, [])
    return render(
        request,
        "hours/my_hours.html",
        {
            "compliance": standings_of(request.user, today),
            "entries": list(reversed(entries)),
            "evidence_ids": set(
                outside_pd_for(request.user)
                .filter(person=request.user)
                .exclude(evidence="")
                .values_list("pk", flat=True)
            ),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """The partner who did not log a check-in confirms it happened, which makes its
    minutes verified collaboration time for both of them."""
    check_in = get_object_or_404(
        pair_rows_for_user(CheckIn.objects.select_related("pair", "author"), request.user),
        pk=pk,
    )
    refusal = confirmation_refusal(check_in, request.user)
    if refusal:
        return render(
            request,
            "hours/confirm_refused.html",
            {"check_in": check_in, "message": refusal},
            status=403,
        )
    if request.method == "POST":
        created = confirm(check_in, request.user)
        if created:
            messages.success(
                request,
                _("Confirmed: %(minutes)s minutes now count as PD time for you both.")
                % {"minutes": check_in.minutes},
            )
        return redirect(reverse("check_ins", args=[check_in.pair_id]))
    return render(request, "hours/confirm_check_in.html", {"check_in": check_in})


def _evidence_response(record) -> FileResponse:
    # Pages for signed-in people are never cached (accounts.middleware), this one included.
    return FileResponse(
        record.evidence.open("rb"),
        content_type=content_type_of(record.evidence.name),
        filename=Path(record.evidence.name).name,
    )


@login_required
@require_safe
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    """An outside PD entry's evidence file, to the person and their administrators."""
    return _evidence_response(
        get_object_or_404(outside_pd_for(request.user).exclude(evidence=""), pk=pk)
    )


@login_required
@require_safe
def evidence_file(request: HttpRequest, name: str) -> FileResponse:
    """An evidence file by its stored name (the link the admin's file field shows),
    to those who may read the record it belongs to."""
    for records in (outside_pd_for(request.user), qualifications_for(request.user)):
        if record := records.filter(evidence=name).first():
            return _evidence_response(record)
    raise Http404("No evidence file of that name is yours to see.")


@login_required
@require_safe
def qualification_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """A Title I qualification's evidence, to the para and their administrators."""
    return _evidence_response(
        get_object_or_404(qualifications_for(request.user).exclude(evidence=""), pk=pk)
    )


@login_required
@require_safe
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's PD-hours statement, as a PDF to sign and file."""
    person = get_object_or_404(people_whose_hours_user_reads(request.user), pk=pk)
    today = timezone.localdate()
    pdf = statement_pdf(
        standings_of(person, today),
        ledger_for([person.pk]).get(person.pk, []),
        issuer_for(request),
        today,
    )
    name = slugify(person.get_full_name() or person.username) or "person"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="pd-hours-{name}-{today:%Y-%m-%d}.pdf"'
    return response


# The calendar feed ---------------------------------------------------------------


def _calendar_page(request: HttpRequest, feed_url: str | None = None) -> HttpResponse:
    return render(
        request,
        "hours/calendar_feed.html",
        {
            "feed": CalendarFeed.objects.filter(person=request.user).first(),
            "feed_url": feed_url,
        },
    )


@login_required
@require_safe
def calendar(request: HttpRequest) -> HttpResponse:
    """Whether the person's calendar feed is on, and the buttons to change it."""
    return _calendar_page(request)


@login_required
@require_POST
def calendar_new_url(request: HttpRequest) -> HttpResponse:
    """A new secret URL, shown once on this page (only its hash is kept); any
    earlier URL stops working."""
    token = calendar_feed.issue(request.user)
    url = request.build_absolute_uri(reverse("hours:calendar_feed", args=[token]))
    return _calendar_page(request, feed_url=url)


@login_required
@require_POST
def calendar_off(request: HttpRequest) -> HttpResponse:
    calendar_feed.turn_off(request.user)
    messages.success(request, _("Your calendar feed is off: its URL no longer works."))
    return redirect("hours:calendar")


@require_safe
def calendar_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself, opened by its secret alone: calendar apps cannot sign in.
    An unknown or replaced secret, or a deactivated person's, is answered 404."""
    person = calendar_feed.person_for(token)
    if person is None:
        raise Http404("No calendar feed has this address.")
    response = HttpResponse(
        calendar_feed.feed_for(person), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="tandem.ics"'
    # The URL is a secret: keep it and the feed out of shared caches.
    response["Cache-Control"] = "private, no-store"
    return response
