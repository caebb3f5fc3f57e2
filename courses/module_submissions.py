"""What a learner submits on a module page, and what they see of it.

``ModulePage`` hands its routes to these functions, the way a
``wagtail.contrib.forms`` page serves its form: the page itself
(``page_context``), the optional pre-check, which takes GET and POST
(``precheck_form``), "I've read this" (``mark_read``), the quiz form, which takes
GET and POST (``quiz_form``), an attempt's result (``quiz_result``) and the
person's attempts (``quiz_attempts``).
``courses.recording`` persists each submission. Editors preview the pre-check, the
quiz and a sample result (``preview_precheck``, ``preview_quiz``, ``preview_result``),
and a preview records nothing.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from courses.choice_order import arrange, choice_order
from courses.grading import (
    GradeResult,
    InvalidAnswers,
    Question,
    answers_from_form,
    grade,
    missing_answers,
    questions_from_quiz,
)

# courses.models imports this module while it defines ModulePage, and everything
# that reads a person's records imports ModulePage: those modules are imported in
# the functions below, when a request arrives.
if TYPE_CHECKING:
    from courses.models import CoursePage, ModulePage, QuizAttempt
    from courses.module_state import ModuleState
    from courses.prechecks import WhatChanged
    from courses.recording import Recorded

FORM_TOKEN = re.compile(r"[0-9a-f]{32}")


def _route_url(request, page: ModulePage, name: str, *args) -> str:
    return page.get_url(request) + page.reverse_subpage(name, args=args)


def page_context(request, page: ModulePage) -> dict:
    """Context for the module page itself; a preview shows the page and records nothing."""
    if getattr(request, "is_preview", False):
        return {"course": page.course, "is_preview": True}
    from courses.module_state import module_state

    state = module_state(request.user, page)
    return {"course": state.course, "state": state}


def _announce(request, recorded: Recorded) -> None:
    if recorded.certificate is not None:
        messages.success(
            request, _("You finished the course. Your certificate is ready on My learning.")
        )
    elif recorded.module_completed:
        messages.success(request, _("You completed this module."))


def _require_takeable(request, page: ModulePage) -> CoursePage:
    from courses.eligibility import may_take

    course = page.course
    if not may_take(request.user, page, course):
        raise BadRequest("This module is not open to this person.")
    return course


def mark_read(request, page: ModulePage):
    """ "I've read this — continue": record the read, then go to the quiz or onwards."""
    from courses.module_state import next_module
    from courses.recording import record_read

    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    course = _require_takeable(request, page)
    recorded = record_read(request.user, page)
    _announce(request, recorded)
    if page.has_quiz and recorded.progress.passed_at is None:
        return redirect(_route_url(request, page, "quiz"))
    following = next_module(page, course)
    return redirect((following or course).get_url(request))


# The pre-check ----------------------------------------------------------------------


def _render_precheck(request, page: ModulePage, course, questions, seed: str):
    """The pre-check form, its choices in the order ``seed`` gives (one per person, so
    a reload shows the same form)."""
    fields = [
        QuizField(question, number)
        for number, question in enumerate(arrange(questions, choice_order(questions, seed)), 1)
    ]
    context = {
        "page": page,
        "self": page,
        "course": course,
        "fields": fields,
        "is_preview": getattr(request, "is_preview", False),
    }
    return TemplateResponse(request, "courses/module_precheck.html", context)


def precheck_form(request, page: ModulePage):
    """ "What do you already know?": shown until it is answered or the module is read;
    answering it records the answers once and goes on to the module."""
    from courses.eligibility import may_take
    from courses.prechecks import items_from_precheck, precheck_is_open, questions_of, seed_for

    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    questions = questions_of(items_from_precheck(page.precheck))
    if request.method == "POST":
        return _submit_precheck(request, page, questions)
    if not questions:
        raise Http404("This module has no pre-check.")
    course = page.course
    if not may_take(request.user, page, course):
        raise PermissionDenied
    if not precheck_is_open(request.user, page):
        # Answered already, or the module was read first: the page says where they are.
        return redirect(page.get_url(request))
    return _render_precheck(request, page, course, questions, seed_for(request.user))


def _submit_precheck(request, page: ModulePage, questions: list[Question]):
    """Keep the answers (blank ones count as not known) and go on to the module.
    Answers that do not fit the pre-check are refused with 400 before anything is kept."""
    from courses.recording import PreCheckClosed, record_precheck

    _require_takeable(request, page)
    if not questions or request.POST.get("module") != str(page.pk):
        raise BadRequest("This form is not for this module's pre-check.")
    try:
        record_precheck(request.user, page, answers_from_form(questions, request.POST))
    except InvalidAnswers as error:
        raise BadRequest(str(error)) from error
    except PreCheckClosed:
        messages.info(
            request,
            _("The pre-check is for before you read the module, so this one was not kept."),
        )
        return redirect(page.get_url(request))
    messages.success(
        request,
        _("Thanks. Now read the module: after the quiz you will see what changed."),
    )
    return redirect(page.get_url(request))


def preview_precheck(request, page: ModulePage):
    """The pre-check as a learner first sees it; its button does nothing in a preview."""
    from courses.prechecks import items_from_precheck, questions_of

    questions = questions_of(items_from_precheck(page.precheck))
    return _render_precheck(request, page, page.course, questions, "preview")


# The quiz -------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizField:
    """One question as the form shows it: never its answer or feedback."""

    question: Question
    number: int
    chosen: frozenset[str] = frozenset()
    missing: bool = False


def _render_quiz(request, page, course, questions, form_token, answers=None, missing=()):
    """The form, its choices in the order its token seeds: the same order on every
    showing of one form, and the one its attempt keeps. A preview, which has no
    token, shows an order an attempt might."""
    answers = answers or {}
    seed = form_token or secrets.token_hex(16)
    fields = [
        QuizField(q, number, frozenset(answers.get(q.id, ())), q.id in missing)
        for number, q in enumerate(arrange(questions, choice_order(questions, seed)), 1)
    ]
    context = {
        "page": page,
        "self": page,
        "course": course,
        "fields": fields,
        "form_token": form_token,
        "missing_count": len(missing),
        "is_preview": getattr(request, "is_preview", False),
    }
    return TemplateResponse(request, "courses/module_quiz.html", context)


def _session_key(page: ModulePage) -> str:
    return f"quiz-form-{page.pk}"


def _open_form_token(request, page: ModulePage) -> str:
    """The token of the person's quiz form for this module that has not been
    submitted yet, kept in their session, so a reload shows the same form in the
    same order; a new one once that form has made an attempt."""
    from courses.models import QuizAttempt
    from courses.recording import new_form_token

    token = request.session.get(_session_key(page), "")
    if (
        not FORM_TOKEN.fullmatch(token)
        or QuizAttempt.objects.filter(user=request.user, form_token=token).exists()
    ):
        token = new_form_token()
        request.session[_session_key(page)] = token
    return token


def quiz_form(request, page: ModulePage):
    from courses.eligibility import may_take

    questions = questions_from_quiz(page.quiz)
    if request.method == "POST":
        return _submit_quiz(request, page, questions)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if not questions:
        raise Http404("This module has no quiz.")
    course = page.course
    if not may_take(request.user, page, course):
        raise PermissionDenied
    return _render_quiz(request, page, course, questions, _open_form_token(request, page))


def _submit_quiz(request, page: ModulePage, questions: list[Question]):
    """Grade a submitted quiz. Anything that does not fit the published quiz is
    refused with 400 before anything is recorded; a missing answer shows the form again."""
    from courses.recording import attempt_for_form, submit_quiz

    course = _require_takeable(request, page)
    if not questions or request.POST.get("module") != str(page.pk):
        raise BadRequest("This form is not for this module's quiz.")
    form_token = request.POST.get("form_token", "")
    if not FORM_TOKEN.fullmatch(form_token):
        raise BadRequest("The form token is missing or malformed.")
    try:
        answers = answers_from_form(questions, request.POST)
        # The same form again (double click, back button, second tab): its first result.
        earlier = attempt_for_form(request.user, page, form_token)
        if earlier is not None:
            return redirect(_route_url(request, page, "quiz_result", earlier.pk))
        missing = missing_answers(questions, answers)
        if missing:
            return _render_quiz(request, page, course, questions, form_token, answers, missing)
        submission = submit_quiz(request.user, page, answers, form_token)
    except InvalidAnswers as error:
        raise BadRequest(str(error)) from error
    if submission.created:
        _announce(request, submission)
    return redirect(_route_url(request, page, "quiz_result", submission.attempt.pk))


# The result -----------------------------------------------------------------------


def _render_result(
    request,
    page: ModulePage,
    attempt: QuizAttempt,
    attempt_number: int,
    result: GradeResult,
    state: ModuleState | None = None,
    changed: WhatChanged | None = None,
):
    context = {
        "page": page,
        "self": page,
        "course": page.course if state is None else state.course,
        "state": state,
        "attempt": attempt,
        "attempt_number": attempt_number,
        "result": result,
        "changed": changed,
        "is_preview": getattr(request, "is_preview", False),
    }
    return TemplateResponse(request, "courses/quiz_result.html", context)


def quiz_result(request, page: ModulePage, attempt_id: int):
    from courses.module_state import attempt_number, attempt_result, module_state, own_attempts
    from courses.prechecks import precheck_of, what_changed_since

    attempt = get_object_or_404(
        own_attempts(request.user, page).select_related("revision"), pk=attempt_id
    )
    result = attempt_result(page, attempt)
    state = module_state(request.user, page)
    changed = what_changed_since(precheck_of(request.user, page), result)
    return _render_result(request, page, attempt, attempt_number(attempt), result, state, changed)


@dataclass(frozen=True)
class AttemptRow:
    number: int
    attempt: QuizAttempt

    @property
    def percent(self) -> int:
        return round(self.attempt.score * 100)


def quiz_attempts(request, page: ModulePage):
    """The person's own attempts at this module's quiz, newest first, each linking to
    its result."""
    from courses.module_state import own_attempts

    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    if not page.has_quiz:
        raise Http404("This module has no quiz.")
    attempts = own_attempts(request.user, page).only("pk", "score", "passed", "created_at")
    rows = [AttemptRow(number, attempt) for number, attempt in enumerate(attempts, start=1)]
    context = {
        "page": page,
        "self": page,
        "course": page.course,
        "rows": rows[::-1],
    }
    return TemplateResponse(request, "courses/quiz_attempts.html", context)


# Previews -------------------------------------------------------------------------


def preview_quiz(request, page: ModulePage):
    """The quiz form as a learner first sees it. It carries no form token, so a
    submission from a preview would be refused."""
    return _render_quiz(request, page, page.course, questions_from_quiz(page.quiz), "")


def sample_answers(questions: list[Question]) -> dict[str, list[str]]:
    """The first choice of every question: what a previewed result is graded on."""
    return {q.id: [q.choices[0].id] for q in questions if q.choices}


def preview_result(request, page: ModulePage):
    """A result graded from the page's own quiz, as if the first choice of every
    question (and of every pre-check question) had been chosen. The attempt shown is
    never saved."""
    from courses.models import QuizAttempt
    from courses.prechecks import items_from_precheck, questions_of, what_changed

    questions = questions_from_quiz(page.quiz)
    answers = sample_answers(questions)
    result = grade(questions, answers)
    attempt = QuizAttempt(answers=answers, score=result.score, passed=result.passes(page.pass_mark))
    items = items_from_precheck(page.precheck)
    changed = what_changed(
        items, sample_answers(questions_of(items)), [q.id for q in questions], result
    )
    return _render_result(request, page, attempt, 1, result, changed=changed)
