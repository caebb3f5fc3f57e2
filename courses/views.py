"""Learner views outside the page tree: My learning, the transcript, certificates
and their public verification.

The module page's own routes (reading, the quiz, its result) are served by
``ModulePage`` through ``courses.module_submissions``; the logic lives in
``courses.my_learning``, ``courses.transcript`` and ``courses.certificates``.
"""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from courses.certificates import certificate_pdf as render_certificate_pdf
from courses.certificates import issued_on
from courses.models import Certificate
from courses.my_learning import my_learning as my_learning_for
from courses.transcript import by_school_year, transcript_entries, write_csv

# My learning, transcript, certificates ---------------------------------------------


@login_required
@require_safe
def my_learning(request):
    return render(request, "courses/my_learning.html", {"learning": my_learning_for(request.user)})


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


def _verify_url(request, certificate: Certificate) -> str:
    return request.build_absolute_uri(
        reverse("verify_certificate", args=[certificate.verification_code])
    )


@login_required
@require_safe
def certificate_detail(request, pk: int):
    certificate = _own_certificate(request, pk)
    return render(
        request,
        "courses/certificate.html",
        {
            "certificate": certificate,
            "issued_on": issued_on(certificate),
            "verify_url": _verify_url(request, certificate),
        },
    )


@login_required
@require_safe
def certificate_pdf(request, pk: int):
    certificate = _own_certificate(request, pk)
    pdf = render_certificate_pdf(certificate, _verify_url(request, certificate))
    filename = f"tandem-certificate-{certificate.verification_code}.pdf"
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@require_safe
def verify_certificate(request, code: str):
    """Public: confirms a certificate to anyone holding its code, and nothing more."""
    certificate = get_object_or_404(Certificate, verification_code=code.upper())
    return render(
        request,
        "courses/certificate_verify.html",
        {"certificate": certificate, "issued_on": issued_on(certificate)},
    )
