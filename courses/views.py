"""Learner views: My learning, the module page's routes, transcript and certificates.

The module routes are declared on ``ModulePage`` (RoutablePageMixin) and land
here; the logic lives in ``courses.learning``, ``courses.grading``,
``courses.transcript`` and ``courses.certificates``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from courses import learning
from courses.certificates import certificate_pdf as render_certificate_pdf
from courses.certificates import issued_on
from courses.grading import (
    InvalidAnswers,
    Question,
    answers_from_form,
    missing_answers,
    questions_from_quiz,
)
from courses.models import Certificate, CoursePage, ModulePage, QuizAttempt
from courses.transcript import by_school_year, transcript_entries, write_csv

FORM_TOKEN = re.compile(r"[0-9a-f]{32}")


# My learning, transcript, certificates ---------------------------------------------


@login_required
@require_safe
def my_learning(request):
    return render(
        request, "courses/my_learning.html", {"learning": learning.my_learning(request.user)}
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


# The module page and its routes ---------------------------------------------------


def _route_url(request, page: ModulePage, name: str, *args) -> str:
    return page.get_url(request) + page.reverse_subpage(name, args=args)


def module_page_context(request, page: ModulePage) -> dict:
    """Context for the module page itself; a preview shows the page and records nothing."""
    if getattr(request, "is_preview", False):
        return {"course": page.course, "is_preview": True}
    state = learning.module_state(request.user, page)
    return {"course": state.course, "state": state}


def _announce(request, recorded: learning.Recorded) -> None:
    if recorded.certificate is not None:
        messages.success(
            request, _("You finished the course. Your certificate is ready on My learning.")
        )
    elif recorded.module_completed:
        messages.success(request, _("You completed this module."))


def _require_takeable(request, page: ModulePage) -> CoursePage:
    course = page.course
    if not learning.may_take(request.user, page, course):
        raise BadRequest("This module is not open to this person.")
    return course


def mark_module_read(request, page: ModulePage):
    """ "I've read this — continue": record the read, then go to the quiz or onwards."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    course = _require_takeable(request, page)
    recorded = learning.record_read(request.user, page)
    _announce(request, recorded)
    if page.has_quiz and recorded.progress.passed_at is None:
        return redirect(_route_url(request, page, "quiz"))
    following = learning.next_module(page, course)
    return redirect((following or course).get_url(request))


@dataclass(frozen=True)
class QuizField:
    """One question as the form shows it: never its answer or feedback."""

    question: Question
    number: int
    chosen: frozenset[str] = frozenset()
    missing: bool = False


def _render_quiz(request, page, course, questions, form_token, answers=None, missing=()):
    answers = answers or {}
    fields = [
        QuizField(q, number, frozenset(answers.get(q.id, ())), q.id in missing)
        for number, q in enumerate(questions, start=1)
    ]
    context = {
        "page": page,
        "self": page,
        "course": course,
        "fields": fields,
        "form_token": form_token,
        "missing_count": len(missing),
    }
    return TemplateResponse(request, "courses/module_quiz.html", context)


def module_quiz(request, page: ModulePage):
    questions = questions_from_quiz(page.quiz)
    if request.method == "POST":
        return _submit_quiz(request, page, questions)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if not questions:
        raise Http404("This module has no quiz.")
    course = page.course
    if not learning.may_take(request.user, page, course):
        raise PermissionDenied
    return _render_quiz(request, page, course, questions, learning.new_form_token())


def _submit_quiz(request, page: ModulePage, questions: list[Question]):
    """Grade a submitted quiz. Anything that does not fit the published quiz is
    refused with 400 before anything is recorded; a missing answer shows the form again."""
    course = _require_takeable(request, page)
    if not questions or request.POST.get("module") != str(page.pk):
        raise BadRequest("This form is not for this module's quiz.")
    form_token = request.POST.get("form_token", "")
    if not FORM_TOKEN.fullmatch(form_token):
        raise BadRequest("The form token is missing or malformed.")
    try:
        answers = answers_from_form(questions, request.POST)
        # The same form again (double click, back button, second tab): its first result.
        earlier = learning.attempt_for_form(request.user, page, form_token)
        if earlier is not None:
            return redirect(_route_url(request, page, "quiz_result", earlier.pk))
        missing = missing_answers(questions, answers)
        if missing:
            return _render_quiz(request, page, course, questions, form_token, answers, missing)
        submission = learning.submit_quiz(request.user, page, answers, form_token)
    except InvalidAnswers as error:
        raise BadRequest(str(error)) from error
    if submission.created:
        _announce(request, submission)
    return redirect(_route_url(request, page, "quiz_result", submission.attempt.pk))


def module_quiz_result(request, page: ModulePage, attempt_id: int):
    attempt = get_object_or_404(
        QuizAttempt.objects.select_related("revision"),
        pk=attempt_id,
        user=request.user,
        module=page,
    )
    result = learning.attempt_result(page, attempt)
    state = learning.module_state(request.user, page)
    context = {
        "page": page,
        "self": page,
        "course": state.course,
        "state": state,
        "attempt": attempt,
        "attempt_number": learning.attempt_number(attempt),
        "result": result,
    }
    return TemplateResponse(request, "courses/quiz_result.html", context)
