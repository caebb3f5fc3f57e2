"""Recording what a person does in a module: a pre-check, a read, a quiz attempt,
and the completion (and course certificate) they lead to.

Every write runs in one transaction that first locks the person's
``ModuleProgress`` row for the module, so a double click, the back button or two
tabs never record a completion twice or lose an attempt. The pre-check touches no
progress; its one-per-person-and-module constraint keeps it to one record.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.certificates import issue_certificate
from courses.choice_order import choice_order
from courses.grading import InvalidAnswers, grade, questions_from_quiz
from courses.models import (
    Certificate,
    FirstTryMisses,
    MissedQuestion,
    ModulePage,
    ModuleProgress,
    PreCheck,
    QuizAttempt,
)
from courses.prechecks import items_from_precheck, questions_of, seed_for
from courses.progress import live_modules_by_course


@dataclass(frozen=True)
class Recorded:
    """What a read or a quiz attempt changed."""

    progress: ModuleProgress
    module_completed: bool = False
    certificate: Certificate | None = None  # issued by this very request


@dataclass(frozen=True)
class Submission(Recorded):
    attempt: QuizAttempt | None = None
    created: bool = False  # False: the same form was submitted before


def _locked_progress(user, module: ModulePage) -> ModuleProgress:
    progress, _created = ModuleProgress.objects.select_for_update().get_or_create(
        user=user, module=module
    )
    return progress


def _finish(user, module: ModulePage, progress: ModuleProgress, changed: list[str]) -> Recorded:
    """Save the progress row, completing the module (and the course) if it is now done."""
    completed = (
        progress.completed_at is None
        and progress.read_at is not None
        and (not module.has_quiz or progress.passed_at is not None)
    )
    if completed:
        progress.completed_at = timezone.now()
        changed.append("completed_at")
    if changed:
        progress.save(update_fields=changed)
    certificate = _certificate_if_course_done(user, module) if completed else None
    return Recorded(progress=progress, module_completed=completed, certificate=certificate)


def _certificate_if_course_done(user, module: ModulePage) -> Certificate | None:
    """Issue the course's certificate if every published module is now complete.
    Returns it only when issued now: a module added after the certificate
    completes without a second one."""
    course = module.course
    if course is None or not course.live:
        return None
    modules = live_modules_by_course([course])[course.pk]
    done = set(
        ModuleProgress.objects.filter(
            user=user, module__in=modules, completed_at__isnull=False
        ).values_list("module_id", flat=True)
    )
    if not modules or any(m.pk not in done for m in modules):
        return None
    certificate, created = issue_certificate(user, course, modules)
    return certificate if created else None


def record_read(user, module: ModulePage) -> Recorded:
    """Record that this person read the module (once; reading again changes nothing)."""
    with transaction.atomic():
        progress = _locked_progress(user, module)
        changed = []
        if progress.read_at is None:
            progress.read_at = timezone.now()
            changed.append("read_at")
        return _finish(user, module, progress, changed)


def attempt_for_form(user, module: ModulePage, form_token: str) -> QuizAttempt | None:
    """The attempt this very form already made, if it was submitted before.
    Raises ``InvalidAnswers`` if the token was used on another module's quiz."""
    earlier = QuizAttempt.objects.filter(user=user, form_token=form_token).first()
    if earlier is not None and earlier.module_id != module.pk:
        raise InvalidAnswers("This form belongs to another module's quiz.")
    return earlier


def submit_quiz(
    user, module: ModulePage, answers: dict[str, list[str]], form_token: str
) -> Submission:
    """Grade and keep one attempt; the same ``form_token`` again returns the first one.

    The attempt keeps the choice order the form showed, which its token seeds.
    Raises ``InvalidAnswers`` (before anything is written) for answers that do
    not fit the module's published quiz, or a token used on another module.
    """
    questions = questions_from_quiz(module.quiz)
    result = grade(questions, answers)
    passed = result.passes(module.pass_mark)
    with transaction.atomic():
        progress = _locked_progress(user, module)
        earlier = attempt_for_form(user, module, form_token)
        if earlier is None:
            try:
                with transaction.atomic():
                    attempt = QuizAttempt.objects.create(
                        user=user,
                        module=module,
                        revision_id=module.live_revision_id,
                        answers=answers,
                        choice_order=choice_order(questions, form_token),
                        score=result.score,
                        passed=passed,
                        form_token=form_token,
                    )
            except IntegrityError:
                # The unique constraint, not only the row lock, keeps one attempt per form.
                earlier = attempt_for_form(user, module, form_token)
        if earlier is not None:
            return Submission(progress=progress, attempt=earlier, created=False)
        # Counted under the progress row's lock: no other attempt of this person
        # at this module can land in between.
        tries = QuizAttempt.objects.filter(user=user, module=module).count()
        missed = [item.question.id for item in result.feedback if not item.correct]
        MissedQuestion.objects.bulk_create(
            MissedQuestion(
                attempt=attempt,
                user=user,
                module=module,
                question_id=question_id,
                first_attempt=tries == 1,
            )
            for question_id in missed
        )
        changed = []
        if passed and progress.passed_at is None:
            progress.passed_at = attempt.created_at
            progress.attempts_to_pass = tries
            changed += ["passed_at", "attempts_to_pass"]
        recorded = _finish(user, module, progress, changed)
        # After the progress row's save, which counts it in the module's tally: every
        # writer takes the module's ``ModuleTally`` row before its ``FirstTryMisses``
        # rows (an erasure deletes progress before attempts), so two of them never
        # wait on each other's locks.
        if tries == 1 and missed:
            FirstTryMisses.objects.count_first_try(module.pk, missed)
    return Submission(
        progress=recorded.progress,
        module_completed=recorded.module_completed,
        certificate=recorded.certificate,
        attempt=attempt,
        created=True,
    )


class PreCheckClosed(Exception):
    """The person has read the module: a pre-check now would not say what they knew."""


def record_precheck(user, module: ModulePage, answers: dict[str, list[str]]):
    """Keep the person's pre-check answers, once: ``(precheck, created)``. The same
    person answering again (a double submit, a second tab) gets their first answers
    back, unchanged.

    A question left blank counts as not known. Nothing here touches ``ModuleProgress``:
    the pre-check counts toward no pass, completion or eligibility. Raises
    ``InvalidAnswers`` for answers that do not fit the module's pre-check, and
    ``PreCheckClosed`` once the person has read the module without answering it.
    """
    questions = questions_of(items_from_precheck(module.precheck))
    if not questions:
        raise InvalidAnswers("This module has no pre-check.")
    result = grade(questions, answers)
    earlier = PreCheck.objects.filter(user=user, module=module).first()
    if earlier is not None:
        return earlier, False
    if ModuleProgress.objects.filter(user=user, module=module, read_at__isnull=False).exists():
        raise PreCheckClosed
    # get_or_create inserts in a savepoint and reads again on IntegrityError: two
    # submits at once leave one record, the first.
    return PreCheck.objects.get_or_create(
        user=user,
        module=module,
        defaults={
            "revision_id": module.live_revision_id,
            "answers": answers,
            "choice_order": choice_order(questions, seed_for(user)),
            "score": result.score,
        },
    )


def new_form_token() -> str:
    """The token printed in a quiz form: submitting that form again is the same attempt."""
    return uuid.uuid4().hex
