"""Taking modules and courses through the test client: reading, quizzes, completion,
My learning and the transcript."""

import datetime
import uuid
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.grading import questions_from_quiz
from courses.models import (
    Assignment,
    Certificate,
    MissedQuestion,
    ModulePage,
    ModuleProgress,
    QuizAttempt,
)
from courses.my_learning import courses_for_pair, my_learning
from courses.progress import course_progress, live_modules_by_course
from courses.transcript import school_year_of
from tests.clock import TODAY
from tests.factories import PASSWORD
from tests.page_factories import make_course, make_module, single_choice, true_false

pytestmark = pytest.mark.django_db


# Helpers ------------------------------------------------------------------------------


def modules_of(course) -> list[ModulePage]:
    return list(course.modules())


def quiz_url(module) -> str:
    return module.url + module.reverse_subpage("quiz")


def read_url(module) -> str:
    return module.url + module.reverse_subpage("mark_read")


def answers_for(module, right=True, skip=()) -> dict:
    """Form data answering every question (right or wrong), leaving out ``skip`` indexes."""
    data = {"form_token": uuid.uuid4().hex, "module": str(module.pk)}
    for index, question in enumerate(questions_from_quiz(module.quiz)):
        if index in skip:
            continue
        chosen = (
            question.correct_ids
            if right
            else {next(c.id for c in question.choices if not c.correct)}
        )
        data[question.field_name] = sorted(chosen)
    return data


def read(client, module):
    return client.post(read_url(module))


def pass_module(client, module):
    read(client, module)
    return client.post(quiz_url(module), answers_for(module))


def nothing_recorded():
    return not QuizAttempt.objects.exists() and not ModuleProgress.objects.exists()


@pytest.fixture
def course(db):
    return make_course("Stronger Together", modules=2, audience="paras")


@pytest.fixture
def para_client(client, district):
    client.force_login(district.para)
    return client


# The journey --------------------------------------------------------------------------


def test_a_para_goes_from_assignment_to_verified_certificate(client, district, course):
    para = district.para
    first, second = modules_of(course)
    Assignment.objects.create(user=para, page=course, due_on=TODAY + datetime.timedelta(days=7))

    # Signs in and lands on My learning, which shows the assignment.
    signed_in = client.post(reverse("account_login"), {"login": para.email, "password": PASSWORD})
    page = client.get(signed_in.url, follow=True)
    assert page.redirect_chain[-1][0] == reverse("my_learning")
    assert "Stronger Together" in page.text
    assert "Due " in page.text
    assert "0 of 2 modules complete" in page.text
    assert f'href="{first.url}"' in page.text  # "continue" goes to the first module

    # Reads the first module and goes on to its quiz.
    module_page = client.get(first.url)
    assert "I've read this — continue" in module_page.text
    response = read(client, first)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == quiz_url(first)
    assert ModuleProgress.objects.get(user=para, module=first).read_at is not None

    # Fails the quiz: sees the score, what was wrong, the feedback and a way to try again.
    quiz_page = client.get(quiz_url(first))
    assert quiz_page.status_code == HTTPStatus.OK
    result = client.post(quiz_url(first), answers_for(first, right=False), follow=True)
    assert "Your result: 0%" in result.text
    assert "Not passed yet" in result.text
    assert "Not right" in result.text
    assert "Feedback on The para." in result.text  # the feedback of the choice picked
    assert "The special educator designs the tools; the para uses them." in result.text
    assert "Try again" in result.text
    assert ModuleProgress.objects.get(user=para, module=first).completed_at is None

    # Passes on the second attempt: the module is complete and the course moves.
    result = client.post(quiz_url(first), answers_for(first), follow=True)
    assert "Your result: 100%" in result.text
    assert "Passed" in result.text
    assert "You completed this module." in result.text
    assert f"Next module: {second.title}" in result.text
    assert QuizAttempt.objects.filter(user=para, module=first).count() == 2
    assert ModuleProgress.objects.get(user=para, module=first).completed_at is not None
    page = client.get(reverse("my_learning"))
    assert "1 of 2 modules complete" in page.text
    assert f'href="{second.url}"' in page.text

    # Finishes the course and gets a certificate whose code verifies.
    result = pass_module(client, second)
    result = client.get(result.url)
    assert "You finished the course." in result.text
    certificate = Certificate.objects.get(user=para, course=course)
    assert certificate.hours == first.pd_hours + second.pd_hours
    page = client.get(reverse("my_learning"))
    assert reverse("certificate", args=[certificate.pk]) in page.text
    client.logout()
    verified = client.get(reverse("verify_certificate", args=[certificate.verification_code]))
    assert verified.status_code == HTTPStatus.OK
    assert str(para) in verified.text
    assert "Stronger Together" in verified.text


# Reading --------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_is_recorded(client, course):
    module = modules_of(course)[0]
    for response in (client.get(module.url), client.post(read_url(module))):
        assert response.status_code == HTTPStatus.FOUND
        assert response.url.startswith(reverse("account_login"))
    assert nothing_recorded()


def test_reading_is_a_post(para_client, course):
    module = modules_of(course)[0]
    assert para_client.get(read_url(module)).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert nothing_recorded()


def test_a_module_without_a_quiz_completes_when_read_and_goes_to_the_next(para_client, district):
    course = make_course("Short", modules=0, audience="paras")
    first = make_module(course, "One", quiz=[])
    second = make_module(course, "Two", quiz=[])
    response = read(para_client, first)
    assert response.url == second.url
    assert ModuleProgress.objects.get(module=first).completed_at is not None
    read(para_client, first)  # reading again changes nothing
    assert ModuleProgress.objects.count() == 1


def test_a_listing_knows_which_modules_have_a_quiz_without_reading_the_quizzes(district):
    course = make_course("Short", modules=0, audience="paras")
    make_module(course, "Read only", quiz=[])
    make_module(course, "With a quiz")
    listed = live_modules_by_course([course])[course.pk]
    assert [module.has_quiz for module in listed] == [False, True]
    assert all("quiz" in module.get_deferred_fields() for module in listed)
    assert [module.has_quiz for module in ModulePage.objects.filter(pk__in=listed)] == [
        False,
        True,
    ]


def test_wagtail_preview_renders_and_records_nothing(client, district, course):
    module = modules_of(course)[0]
    client.force_login(district.editor)
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[module.pk]))
    assert response.status_code == HTTPStatus.OK
    assert "Nothing is recorded in a preview." in response.text
    assert nothing_recorded()


def test_a_module_shows_its_newly_published_content_and_a_preview_its_draft(
    client, para_client, district, course
):
    # The module's content is rendered once per published version and kept.
    module = modules_of(course)[0]
    assert module.summary in para_client.get(module.url).text

    module.summary = "Published just now."
    module.save_revision().publish()
    assert "Published just now." in para_client.get(module.url).text

    module.summary = "Still a draft."
    module.save_revision()
    client.force_login(district.editor)
    draft = client.get(reverse("wagtailadmin_pages:view_draft", args=[module.pk]))
    assert "Still a draft." in draft.text
    assert "Published just now." in para_client.get(module.url).text


# The quiz form --------------------------------------------------------------------------


def test_the_quiz_form_never_shows_answers_or_feedback(para_client, course):
    module = modules_of(course)[0]
    response = para_client.get(quiz_url(module))
    assert response.status_code == HTTPStatus.OK
    text = response.text
    assert 'type="radio"' in text and 'type="checkbox"' in text
    assert "correct" not in text.lower()
    for question in questions_from_quiz(module.quiz):
        assert question.explanation not in text
        for choice in question.choices:
            assert choice.feedback not in text


def test_a_missing_answer_shows_the_form_again_keeping_choices(para_client, course):
    module = modules_of(course)[0]
    data = answers_for(module, skip={1})
    response = para_client.post(quiz_url(module), data)
    assert response.status_code == HTTPStatus.OK
    assert response.text.count("Choose an answer for this question.") == 1
    assert 'aria-invalid="true"' in response.text
    kept = data["q-" + questions_from_quiz(module.quiz)[0].id][0]
    assert f'value="{kept}" checked' in response.text
    assert f'value="{data["form_token"]}"' in response.text  # same form, same token
    assert not QuizAttempt.objects.exists()


def tampered(module, field, value):
    data = answers_for(module)
    data[field] = value
    return data


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda m: tampered(m, "q-no-such-question", "x"), id="unknown question"),
        pytest.param(
            lambda m: tampered(m, questions_from_quiz(m.quiz)[0].field_name, "nope"),
            id="unknown choice",
        ),
        pytest.param(
            lambda m: tampered(m, questions_from_quiz(m.quiz)[1].field_name, ["true", "false"]),
            id="two answers to one",
        ),
        pytest.param(lambda m: tampered(m, "module", "999999"), id="another module"),
        pytest.param(lambda m: tampered(m, "form_token", "not-a-token"), id="bad token"),
    ],
)
def test_a_tampered_quiz_form_is_refused_and_records_nothing(para_client, course, tamper):
    module = modules_of(course)[0]
    response = para_client.post(quiz_url(module), tamper(module))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Nothing was saved" in response.text  # the site's own page, not a bare one
    assert nothing_recorded()


def test_a_module_the_person_may_not_take_is_refused(client, district, course):
    module = modules_of(course)[0]  # a paras' course
    client.force_login(district.teacher)
    assert client.post(quiz_url(module), answers_for(module)).status_code == 400
    assert client.post(read_url(module)).status_code == 400
    assert client.get(quiz_url(module)).status_code == HTTPStatus.FORBIDDEN
    assert "not part of your learning" in client.get(module.url).text
    assert nothing_recorded()


def test_an_assigned_module_outside_ones_audience_may_be_taken(client, district, course):
    module = modules_of(course)[0]
    Assignment.objects.create(user=district.teacher, page=module, due_on=TODAY)
    client.force_login(district.teacher)
    assert read(client, module).status_code == HTTPStatus.FOUND
    assert ModuleProgress.objects.filter(user=district.teacher).exists()


def test_answers_to_a_draft_are_refused(para_client, course):
    module = modules_of(course)[0]
    live_form = answers_for(module)
    # An editor drafts a new question; the live quiz does not have it yet.
    module.quiz.append(single_choice("A draft question?"))
    module.save_revision()
    draft = ModulePage.objects.get(pk=module.pk).get_latest_revision_as_object()
    draft_id = questions_from_quiz(draft.quiz)[-1]
    data = {**live_form, draft_id.field_name: draft_id.choices[0].id}
    assert para_client.post(quiz_url(module), data).status_code == 400
    assert nothing_recorded()


def test_a_module_in_an_unpublished_course_is_refused(para_client, course):
    module = modules_of(course)[0]
    course.live = False
    course.save(update_fields=["live"])
    assert para_client.post(quiz_url(module), answers_for(module)).status_code == 400
    assert nothing_recorded()


def test_a_draft_module_cannot_be_reached(para_client, course):
    module = modules_of(course)[0]
    data = answers_for(module)
    module.unpublish()
    assert para_client.post(quiz_url(module), data).status_code == HTTPStatus.NOT_FOUND
    assert nothing_recorded()


# Double submits and re-takes ---------------------------------------------------------


def test_submitting_the_same_form_twice_keeps_one_attempt_and_one_completion(
    para_client, district, course
):
    module = modules_of(course)[0]
    read(para_client, module)
    data = answers_for(module)
    first = para_client.post(quiz_url(module), data)
    second = para_client.post(quiz_url(module), data)
    assert first.status_code == second.status_code == HTTPStatus.FOUND
    assert first.url == second.url
    # Back, change an answer (or leave one out), and submit the same form: still that attempt.
    changed = {**answers_for(module, right=False, skip={0}), "form_token": data["form_token"]}
    assert para_client.post(quiz_url(module), changed).url == first.url
    assert QuizAttempt.objects.count() == 1
    progress = ModuleProgress.objects.get()
    assert progress.completed_at is not None


def test_a_form_token_from_another_module_is_refused(para_client, course):
    first, second = modules_of(course)
    data = answers_for(first)
    para_client.post(quiz_url(first), data)
    reused = {**answers_for(second), "form_token": data["form_token"]}
    assert para_client.post(quiz_url(second), reused).status_code == 400
    assert QuizAttempt.objects.filter(module=second).count() == 0


def test_retakes_keep_every_attempt_and_completion_keeps_its_date(para_client, course):
    module = modules_of(course)[0]
    read(para_client, module)
    para_client.post(quiz_url(module), answers_for(module, right=False))
    para_client.post(quiz_url(module), answers_for(module))
    completed_at = ModuleProgress.objects.get().completed_at
    para_client.post(quiz_url(module), answers_for(module, right=False))
    assert [a.passed for a in QuizAttempt.objects.order_by("pk")] == [False, True, False]
    progress = ModuleProgress.objects.get()
    assert progress.completed_at == completed_at
    # What the module report counts is recorded with each attempt.
    assert progress.attempts_to_pass == 2
    questions = [q.id for q in questions_from_quiz(module.quiz)]
    misses = MissedQuestion.objects.order_by("attempt_id", "question_id")
    first, _passed, last = QuizAttempt.objects.order_by("pk")
    assert sorted(misses.filter(attempt=first).values_list("question_id", flat=True)) == sorted(
        questions
    )
    assert set(misses.values_list("attempt_id", flat=True)) == {first.pk, last.pk}
    assert set(misses.values_list("first_attempt", "attempt_id")) == {
        (True, first.pk),
        (False, last.pk),
    }


def test_passing_before_reading_completes_on_reading(para_client, course):
    module = modules_of(course)[0]
    para_client.post(quiz_url(module), answers_for(module))
    assert ModuleProgress.objects.get().completed_at is None
    read(para_client, module)
    assert ModuleProgress.objects.get().completed_at is not None


def test_someone_elses_attempt_is_not_found(client, district, course):
    module = modules_of(course)[0]
    client.force_login(district.para)
    result_url = client.post(quiz_url(module), answers_for(module)).url
    client.force_login(district.other_pair.para)
    assert client.get(result_url).status_code == HTTPStatus.NOT_FOUND


def test_a_result_is_shown_against_the_quiz_it_was_taken_on(para_client, course):
    module = modules_of(course)[0]
    result_url = para_client.post(quiz_url(module), answers_for(module)).url
    # The editor later replaces the quiz entirely.
    module.quiz = [true_false("A brand new question.")]
    module.save_revision().publish()
    result = para_client.get(result_url)
    assert "Your result: 100%" in result.text
    assert "A brand new question." not in result.text


# Adding a module after completion -------------------------------------------------------


def test_a_module_added_after_completion_keeps_the_certificate_and_shows_as_new(
    para_client, district, course
):
    for module in modules_of(course):
        pass_module(para_client, module)
    certificate = Certificate.objects.get()
    added = make_module(course, "Added later")

    page = para_client.get(reverse("my_learning")).text
    finished = page.split('id="finished-heading"')[1].split("</section>")[0]
    assert "Stronger Together" in finished
    assert "New" in finished and "Added later" in finished
    assert "status--new" in para_client.get(added.url).text
    assert "status--new" in para_client.get(course.url).text
    progress = course_progress(district.para, [course])[course.pk]
    assert progress.complete and [s.module.pk for s in progress.new_steps] == [added.pk]

    pass_module(para_client, added)
    assert list(Certificate.objects.all()) == [certificate]
    assert Certificate.objects.get().hours == certificate.hours


# My learning ------------------------------------------------------------------------------


def test_my_learning_lists_overdue_assignments_first(para_client, district):
    today = TODAY
    later = make_course("Due later", modules=1, audience="paras")
    overdue = make_course("Overdue course", modules=1, audience="paras")
    Assignment.objects.create(user=district.para, page=later, due_on=today.replace(year=2099))
    Assignment.objects.create(
        user=district.para, page=overdue, due_on=today - datetime.timedelta(days=3)
    )
    text = para_client.get(reverse("my_learning")).text
    assert text.index("Overdue course") < text.index("Due later")
    assert "status--overdue" in text


def test_my_learning_sorts_courses_into_their_sections(para_client, district, course):
    started = make_course("Started", modules=2, audience="pairs")
    make_course("For teachers", modules=1, audience="teachers")
    make_course("Open to all", modules=1, audience="pairs")
    read(para_client, modules_of(started)[0])
    learning = my_learning(district.para)
    assert [p.course.title for p in learning.in_progress] == ["Started"]
    assert [p.course.title for p in learning.catalogue] == ["Stronger Together", "Open to all"]
    assert learning.pairs == [district.pair]
    text = para_client.get(reverse("my_learning")).text
    assert "For teachers" not in text
    assert "<progress" in text
    assert quiz_url(modules_of(started)[0]) in text  # continue goes straight to the quiz


def test_administrators_see_every_course_in_the_catalogue(district):
    make_course("For teachers", modules=1, audience="teachers")
    make_course("For paras", modules=1, audience="paras")
    titles = {p.course.title for p in my_learning(district.school_admin).catalogue}
    assert titles == {"For teachers", "For paras"}


def test_my_learning_links_pairs_when_the_pair_page_exists(para_client, district):
    text = para_client.get(reverse("my_learning")).text
    assert str(district.pair.teacher) in text


def make_learning(para, count: int):
    """``count`` courses with one module each: assigned, started, attempted."""
    for n in range(count):
        course = make_course(f"Course {n}", modules=1, audience="paras")
        module = modules_of(course)[0]
        Assignment.objects.create(user=para, page=course, due_on=TODAY)
        ModuleProgress.objects.create(user=para, module=module, read_at=timezone.now())
        QuizAttempt.objects.create(
            user=para, module=module, score=0, passed=False, form_token=uuid.uuid4().hex
        )
    return module


@pytest.mark.parametrize("count", [2, 20])
def test_my_learning_queries_do_not_grow_with_data(
    para_client, district, django_assert_max_num_queries, count
):
    make_learning(district.para, count)
    para_client.get(reverse("my_learning"))  # warm Wagtail's site-root cache
    # 15, and 2 for what waits: the header's count and the partners' news (the work
    # due soon is taken from the assigned work the page has already read).
    with django_assert_max_num_queries(17):
        response = para_client.get(reverse("my_learning"))
    assert response.text.count("<progress") == count


@pytest.mark.parametrize("count", [2, 20])
def test_module_page_queries_do_not_grow_with_data(
    para_client, district, django_assert_max_num_queries, count
):
    course = make_course("Long", modules=count, audience="paras")
    module = modules_of(course)[0]
    for _ in range(count):
        QuizAttempt.objects.create(
            user=district.para, module=module, score=0, passed=False, form_token=uuid.uuid4().hex
        )
    para_client.get(module.url)
    with django_assert_max_num_queries(16):
        response = para_client.get(module.url)
    assert f"Module 1 of {count}" in response.text


# The pair page's helpers -----------------------------------------------------------------


def test_courses_for_pair_gathers_both_partners_courses(district, django_assert_num_queries):
    assigned_course = make_course("Assigned course", modules=1)
    module_course = make_course("Module assigned", modules=1)
    started = make_course("Started", modules=1)
    make_course("Untouched", modules=1)
    pair = district.pair
    Assignment.objects.create(user=pair.para, page=assigned_course, due_on=TODAY)
    Assignment.objects.create(user=pair.teacher, page=modules_of(module_course)[0], due_on=TODAY)
    ModuleProgress.objects.create(user=pair.teacher, module=modules_of(started)[0])
    with django_assert_num_queries(2):
        titles = [c.title for c in courses_for_pair(pair)]
    assert titles == ["Assigned course", "Module assigned", "Started"]


# Transcript --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, start",
    [
        (datetime.date(2026, 7, 1), 2026),
        (datetime.date(2026, 6, 30), 2025),
        (datetime.date(2027, 1, 15), 2026),
    ],
)
def test_school_years_run_july_to_june(day, start):
    assert school_year_of(day) == start


def complete(user, module, when):
    ModuleProgress.objects.create(user=user, module=module, read_at=when, completed_at=when)


def test_transcript_totals_hours_per_school_year_and_downloads(para_client, district, course):
    first, second = modules_of(course)
    tz = timezone.get_current_timezone()
    complete(district.para, first, datetime.datetime(2026, 5, 10, 12, tzinfo=tz))
    complete(district.para, second, datetime.datetime(2026, 9, 10, 12, tzinfo=tz))
    text = para_client.get(reverse("transcript")).text
    assert "School year 2026–2027: 0.50 PD hours" in text
    assert "School year 2025–2026: 0.50 PD hours" in text
    csv = para_client.get(reverse("transcript_csv"))
    assert csv["Content-Type"].startswith("text/csv")
    assert "attachment" in csv["Content-Disposition"]
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "School year,Completed on,Kind,Title,Course,PD hours"
    assert f"2026–2027,2026-09-10,Module,{second.title},Stronger Together,0.50" in lines
    assert "2025–2026,,Total,,,0.50" in lines


@pytest.mark.parametrize("count", [2, 20])
def test_transcript_queries_do_not_grow_with_data(
    para_client, district, django_assert_max_num_queries, count
):
    course = make_course("Many", modules=count, audience="paras")
    for module in modules_of(course):
        complete(district.para, module, timezone.now())
    with django_assert_max_num_queries(8):
        response = para_client.get(reverse("transcript"))
    assert response.text.count("Many: module") == count
