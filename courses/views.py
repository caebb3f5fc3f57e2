"""Learner views outside the page tree: My learning, the transcript, certificates
and their public verification.

The module page's own routes (reading, the quiz, its result) are served by
``ModulePage`` through ``courses.module_submissions``; the logic lives in
``courses.my_learning``, ``courses.transcript`` and ``courses.certificates``.
"""

from __future__ import annotations

import io
from http import HTTPStatus

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from config import links
from courses import certificates, job_aids
from courses.certificates import certificate_pdf as render_certificate_pdf
from courses.certificates import issued_on
from courses.models import Certificate
from courses.my_learning import my_learning as my_learning_for
from courses.transcript import by_school_year, transcript_entries, write_csv

# My learning, transcript, certificates ---------------------------------------------


@login_required
@require_safe
def my_learning(request):
    return render(
        request,
        "courses/my_learning.html",
        {"learning": my_learning_for(request.user), "job_aids": job_aids.JOB_AIDS},
    )


@login_required
@require_safe
def transcript(request):
    years = by_school_year(transcript_entries(request.user))
    return render(request, "courses/transcript.html", {"years": years})


@login_required
@require_safe
def transcript_csv(request):
    out = io.StringIO()
    write_csv(by_school_year(transcript_entries(request.user)), out)
    return HttpResponse(
        out.getvalue(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="tandem-transcript.csv"'},
    )


def _own_certificate(request, pk: int) -> Certificate:
    return get_object_or_404(Certificate, pk=pk, user=request.user)


def _verify_url(certificate: Certificate) -> str:
    """Where the QR code and the printed link lead: the code already filled in."""
    return links.absolute_url(reverse("verify_certificate", args=[certificate.verification_code]))


@login_required
@require_safe
def certificate_detail(request, pk: int):
    certificate = _own_certificate(request, pk)
    verify_url = _verify_url(certificate)
    return render(
        request,
        "courses/certificate.html",
        {
            "certificate": certificate,
            "issued_on": issued_on(certificate),
            "verify_url": verify_url,
            "verify_form_url": links.absolute_url(reverse("verify")),
            # qrcode writes the SVG from the URL alone: nothing typed by anyone.
            "qr_svg": mark_safe(certificates.qr_svg(verify_url)),
            "issuer": certificates.issuer_of(certificate),
        },
    )


@login_required
@require_safe
def certificate_pdf(request, pk: int):
    certificate = _own_certificate(request, pk)
    pdf = render_certificate_pdf(
        certificate, _verify_url(certificate), certificates.issuer_of(certificate)
    )
    filename = f"tandem-certificate-{certificate.verification_code}.pdf"
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@require_safe
def verify(request):
    """Public: a form to type a certificate's code; ``?code=`` checks it."""
    if "code" not in request.GET:
        return _verify_page(request, typed="")
    return _check(request, request.GET["code"])


@require_safe
def verify_certificate(request, code: str):
    """Public: where a certificate's QR code and printed link lead."""
    return _check(request, code)


def _check(request, typed: str):
    """Confirms a certificate to anyone holding its code, and nothing more."""
    typed = typed.strip()[:64]
    code = certificates.normalise_code(typed)
    if code is None:
        return _verify_page(request, typed, outcome="malformed", status=HTTPStatus.BAD_REQUEST)
    try:
        certificate = certificates.look_up(request, code)
    except certificates.TooManyMisses:
        return _verify_page(request, typed, outcome="too_many", status=HTTPStatus.TOO_MANY_REQUESTS)
    if certificate is None:
        return _verify_page(request, typed, outcome="unknown", status=HTTPStatus.NOT_FOUND)
    return _verify_page(request, typed, certificate=certificate)


def _verify_page(request, typed: str, *, outcome: str = "", certificate=None, status=200):
    context = {"typed": typed, "outcome": outcome, "certificate": certificate}
    if certificate is not None:
        context["issued_on"] = issued_on(certificate)
        context["issuer"] = certificates.issuer_of(certificate)
    return render(request, "courses/certificate_verify.html", context, status=status)


# Job aids -------------------------------------------------------------------------


def _job_aid(slug: str) -> job_aids.JobAid:
    try:
        return job_aids.BY_SLUG[slug]
    except KeyError:
        raise Http404 from None


@login_required
@require_safe
def job_aid(request, slug: str):
    aid = _job_aid(slug)
    return render(
        request,
        aid.template,
        {
            "aid": aid,
            "fields": job_aids.PLANNING_FIELDS,
            "tasks": job_aids.ROLE_TASKS,
            "terms": job_aids.ROLE_TERMS,
            "dos": job_aids.DOS,
            "donts": job_aids.DONTS,
        },
    )


@login_required
@require_safe
def job_aid_pdf(request, slug: str):
    aid = _job_aid(slug)
    return HttpResponse(
        job_aids.job_aid_pdf(aid),
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="tandem-{aid.slug}.pdf"'},
    )
