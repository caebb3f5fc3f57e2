"""The pre-check ("What do you already know?"): taken once, before reading, counting
toward nothing; the quiz result shows what changed; the module report sets the
pre-check beside the final quiz score; the records go with the person."""

import csv
import io
import re
from http import HTTPStatus

import openpyxl
import pytest
from django.urls import reverse
from django.utils.html import escape

from courses import recording
from courses.grading import grade, questions_from_quiz
from courses.models import Certificate, ModuleProgress, PreCheck, QuizAttempt
from courses.prechecks import (
    IdeaChange,
    PreCheckItem,
    WhatChanged,
    items_from_precheck,
    learning_by_module,
    questions_of,
    what_changed,
)
from pairs.scoping import people_in_scope
from privacy.personal_data import collect, erase_person
from tests.page_factories import (
    make_course,
    make_module,
    single_choice,
    true_false,
    who_does_this,
)
from tests.test_learning import answers_for, quiz_url, read

pytestmark = pytest.mark.django_db

FIELD = re.compile(r'name="q-(?P<question>[^"]+)" id="[^"]*" value="(?P<choice>[^"]*)"')


def precheck_items():
    """Three pre-check questions on the ideas of the factory quiz's questions 1, 2 and 3
    (tests/page_factories.py: single choice, true or false, who does this)."""
    items = [
        (single_choice("Who chooses which data a pair collects?"), 1),
        (true_false("Paras may rewrite a lesson on the spot.", answer=False), 2),
        (who_does_this("Writes down behavior data as it happens.", answer="para"), 3),
    ]
    return [(kind, {**value, "quiz_question": number}) for (kind, value), number in items]


@pytest.fixture
def course(db):
    course = make_course("Stronger Together", modules=0, audience="paras")
    make_module(course, "With a pre-check", precheck=precheck_items())
    make_module(course, "Without one")
    return course


@pytest.fixture
def module(course):
    return course.modules()[0]


@pytest.fixture
def para_client(client, district):
    client.force_login(district.para)
    return client


def precheck_url(module) -> str:
    return module.url + module.reverse_subpage("precheck")


def result_url(module, attempt) -> str:
    return module.url + module.reverse_subpage("quiz_result", args=[attempt.pk])


def precheck_answers(module, right=(0, 1, 2), wrong=()) -> dict[str, list[str]]:
    """{question id: [choice ids]}: right at the ``right`` indexes, wrong at ``wrong``,
    and blank elsewhere."""
    answers = {}
    for index, question in enumerate(questions_of(items_from_precheck(module.precheck))):
        if index in right:
            answers[question.id] = sorted(question.correct_ids)
        elif index in wrong:
            answers[question.id] = [next(c.id for c in question.choices if not c.correct)]
    return answers


def as_form(module, answers) -> dict:
    return {"module": str(module.pk), **{f"q-{key}": value for key, value in answers.items()}}


def quiz_answers(module, wrong=()) -> dict[str, list[str]]:
    return {
        q.id: sorted(q.correct_ids if i not in wrong else {min(q.choice_ids - q.correct_ids)})
        for i, q in enumerate(questions_from_quiz(module.quiz))
    }


# The pre-check form ----------------------------------------------------------------


def test_the_module_page_invites_the_pre_check_until_it_is_answered(para_client, module):
    page = para_client.get(module.url).text
    assert "What do you already know?" in page
    assert escape(precheck_url(module)) in page
    assert 'href="#module-content"' in page  # skipping it is one link away

    form = para_client.get(precheck_url(module))
    assert form.status_code == HTTPStatus.OK
    assert "Who chooses which data a pair collects?" in form.text
    # Like the quiz, the form never says which answer is right.
    assert "Feedback on" not in form.text and "correct" not in form.text

    para_client.post(precheck_url(module), as_form(module, precheck_answers(module)))
    assert "What do you already know?" not in para_client.get(module.url).text
    # Answered: the form sends the person back to the module.
    assert para_client.get(precheck_url(module)).status_code == HTTPStatus.FOUND


def test_a_reload_shows_the_same_order_and_the_record_keeps_it(para_client, module):
    first = para_client.get(precheck_url(module)).text
    again = para_client.get(precheck_url(module)).text
    shown = [(m["question"], m["choice"]) for m in FIELD.finditer(first)]
    assert shown == [(m["question"], m["choice"]) for m in FIELD.finditer(again)]

    para_client.post(precheck_url(module), as_form(module, precheck_answers(module)))
    kept = PreCheck.objects.get().choice_order
    order: dict[str, list[str]] = {}
    for question, choice in shown:
        order.setdefault(question, []).append(choice)
    assert kept == order


def test_answering_records_the_score_once_and_keeps_the_first_answers(
    para_client, district, module
):
    first = precheck_answers(module, right=(0,), wrong=(1,))  # the third left blank
    response = para_client.post(precheck_url(module), as_form(module, first))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == module.url

    # A double submit, then a second try with every answer right: still the first.
    para_client.post(precheck_url(module), as_form(module, first))
    para_client.post(precheck_url(module), as_form(module, precheck_answers(module)))

    record = PreCheck.objects.get()
    assert (record.user, record.module_id, record.answers) == (district.para, module.pk, first)
    assert record.score == pytest.approx(1 / 3)
    assert record.revision_id == module.live_revision_id


def test_record_precheck_twice_gives_back_the_first(district, module):
    right = precheck_answers(module)
    record, created = recording.record_precheck(district.para, module, right)
    again, created_again = recording.record_precheck(district.para, module, {})
    assert (created, created_again) == (True, False)
    assert again.pk == record.pk and again.score == 1
    assert PreCheck.objects.count() == 1


def test_the_pre_check_counts_toward_no_pass_and_no_completion(para_client, district, module):
    para_client.post(precheck_url(module), as_form(module, precheck_answers(module)))

    # All right, and still nothing is started, read, passed or complete.
    assert PreCheck.objects.get().score == 1
    assert not ModuleProgress.objects.exists()
    assert not QuizAttempt.objects.exists()
    page = para_client.get(module.url).text
    assert "I've read this" in page

    # Skipping it changes nothing either: the other module completes without one,
    # and the course certificate follows.
    for each in module.get_parent().specific.modules():
        read(para_client, each)
        para_client.post(quiz_url(each), answers_for(each))
    assert ModuleProgress.objects.filter(completed_at__isnull=False).count() == 2
    assert Certificate.objects.filter(user=district.para).exists()
    assert PreCheck.objects.count() == 1


def test_a_pre_check_does_not_open_a_module_to_someone_it_is_not_for(client, district, module):
    client.force_login(district.teacher)  # a paras' course, not assigned to them
    response = client.post(precheck_url(module), as_form(module, precheck_answers(module)))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert client.get(precheck_url(module)).status_code == HTTPStatus.FORBIDDEN
    assert not PreCheck.objects.exists()


def test_editors_do_not_take_it_and_signed_out_people_sign_in_first(client, district, module):
    client.force_login(district.editor)
    assert client.get(precheck_url(module)).status_code == HTTPStatus.FORBIDDEN
    response = client.post(precheck_url(module), as_form(module, precheck_answers(module)))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    client.logout()
    response = client.get(precheck_url(module))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login"))
    assert not PreCheck.objects.exists()


def test_after_reading_the_pre_check_is_closed(para_client, module):
    read(para_client, module)
    assert "What do you already know?" not in para_client.get(module.url).text
    assert para_client.get(precheck_url(module)).status_code == HTTPStatus.FOUND

    response = para_client.post(
        precheck_url(module), as_form(module, precheck_answers(module)), follow=True
    )
    assert "was not kept" in response.text
    assert not PreCheck.objects.exists()


def test_answers_that_do_not_fit_are_refused_and_nothing_is_kept(para_client, module):
    tampered = as_form(module, precheck_answers(module))
    tampered["q-not-a-question"] = "x"
    assert para_client.post(precheck_url(module), tampered).status_code == 400
    other_module = {**as_form(module, precheck_answers(module)), "module": "0"}
    assert para_client.post(precheck_url(module), other_module).status_code == 400
    assert not PreCheck.objects.exists()


def test_a_module_without_a_pre_check_offers_none(para_client, course):
    plain = course.modules()[1]
    assert "What do you already know?" not in para_client.get(plain.url).text
    assert para_client.get(precheck_url(plain)).status_code == HTTPStatus.NOT_FOUND


# What changed -------------------------------------------------------------------------


def test_the_result_shows_what_changed_since_the_pre_check(para_client, district, module):
    # Before: only the first idea right.
    para_client.post(
        precheck_url(module), as_form(module, precheck_answers(module, right=(0,), wrong=(1, 2)))
    )
    read(para_client, module)
    attempt = recording.submit_quiz(
        district.para, module, quiz_answers(module, wrong=(3,)), recording.new_form_token()
    ).attempt

    page = para_client.get(result_url(module, attempt)).text

    assert "What changed since the pre-check" in page
    assert "you got <strong>1 of 3</strong> pre-check questions right" in page
    assert "you got <strong>3 of 3</strong> right on the same ideas" in page
    assert "You now know 2 more of these ideas than before you read the module." in page
    # Each idea, with a link to the quiz question on it.
    assert "Paras may rewrite a lesson on the spot." in page
    for number in (1, 2, 3):
        assert f'href="#result-question-{number}"' in page
        assert f'id="result-question-{number}"' in page


def test_a_result_without_a_pre_check_says_nothing_about_one(para_client, district, module):
    read(para_client, module)
    attempt = recording.submit_quiz(
        district.para, module, quiz_answers(module), recording.new_form_token()
    ).attempt
    page = para_client.get(result_url(module, attempt)).text
    assert "What changed" not in page


def test_what_changed_follows_the_quiz_question_by_id_after_an_edit(district, module):
    recording.record_precheck(district.para, module, precheck_answers(module, right=()))
    # An editor moves the quiz's last question to the top: the ideas follow their
    # questions, which are now numbered 2, 3 and 4.
    raw = list(module.quiz.raw_data)
    module.quiz = [raw[3], *raw[:3]]
    module.save_revision().publish()
    module.refresh_from_db()
    recording.record_read(district.para, module)
    attempt = recording.submit_quiz(
        district.para, module, quiz_answers(module, wrong=(0,)), recording.new_form_token()
    ).attempt

    from courses.module_state import attempt_result
    from courses.prechecks import precheck_of, what_changed_since

    changed = what_changed_since(
        precheck_of(district.para, module), attempt_result(module, attempt)
    )
    assert [(idea.number, idea.before, idea.after) for idea in changed.ideas] == [
        (2, False, True),
        (3, False, True),
        (4, False, True),
    ]


def test_the_comparison_in_plain_words():
    ideas = lambda *pairs: WhatChanged(  # noqa: E731
        tuple(IdeaChange("Q", before, n, after) for n, (before, after) in enumerate(pairs, 1))
    )
    gained = ideas((False, True), (False, True), (True, True))
    assert (gained.before, gained.after, gained.total, gained.gained) == (1, 3, 3, 2)
    assert not gained.knew_already
    assert ideas((True, True), (True, True)).knew_already
    assert ideas((True, False), (False, False)).gained == -1


def test_an_idea_whose_quiz_question_is_gone_is_left_out(module):
    items = items_from_precheck(module.precheck)
    questions = questions_from_quiz(module.quiz)
    result = grade(questions[1:], {})  # the first quiz question has been removed
    changed = what_changed(items, {}, [q.id for q in questions], result)
    assert [idea.prompt for idea in changed.ideas] == [
        "Paras may rewrite a lesson on the spot.",
        "Writes down behavior data as it happens.",
    ]
    lone = [PreCheckItem(items[0].question, 9)]  # names a question the quiz never had
    assert what_changed(lone, {}, [q.id for q in questions], result) is None


# Previews ------------------------------------------------------------------------------


def test_editors_preview_the_pre_check_and_a_sample_comparison(client, district, module):
    client.force_login(district.editor)
    url = reverse("wagtailadmin_pages:view_draft", args=[module.pk])
    precheck = client.get(url, {"mode": "precheck"})
    assert precheck.status_code == HTTPStatus.OK
    assert "Who chooses which data a pair collects?" in precheck.text
    assert "disabled" in precheck.text
    result = client.get(url, {"mode": "result"})
    assert "What changed since the pre-check" in result.text
    assert not PreCheck.objects.exists() and not QuizAttempt.objects.exists()


def test_a_pre_check_must_name_a_quiz_question_the_quiz_has(course):
    from django.core.exceptions import ValidationError

    items = precheck_items()
    items[2][1]["quiz_question"] = 9
    with pytest.raises(ValidationError) as raised:
        make_module(course, "Dangling", precheck=items)
    assert "names quiz question 9, but the quiz has 4" in str(raised.value)


# The module report ---------------------------------------------------------------------


def take_both(user, module, precheck_right, quiz_wrong=()):
    recording.record_precheck(user, module, precheck_answers(module, right=precheck_right))
    recording.record_read(user, module)
    recording.submit_quiz(
        user, module, quiz_answers(module, quiz_wrong), recording.new_form_token()
    )


@pytest.fixture
def learning(district, module):
    """Maple: the para took the pre-check (1 of 3 right), failed the quiz at 75%, passed
    at 100%, then failed at 50%; the teacher took the pre-check (none right) and only
    failed the quiz (50%, then 25%); the other pair's para took the pre-check only.
    Riverside: the far pair's para took both (3 of 3, then 100%)."""
    d = district
    take_both(d.para, module, precheck_right=(0,), quiz_wrong=(1,))
    recording.submit_quiz(d.para, module, quiz_answers(module), recording.new_form_token())
    # A failed attempt after passing does not lower the final score: the best pass counts.
    recording.submit_quiz(d.para, module, quiz_answers(module, (0, 1)), recording.new_form_token())
    take_both(d.teacher, module, precheck_right=(), quiz_wrong=(0, 1))
    recording.submit_quiz(
        d.teacher, module, quiz_answers(module, (0, 1, 2)), recording.new_form_token()
    )
    recording.record_precheck(d.other_pair.para, module, precheck_answers(module))
    take_both(d.far_pair.para, module, precheck_right=(0, 1, 2))
    return module


def screen_row(page: str, title: str) -> list[str]:
    """The cells of the report's row for the module ``title``, as text."""
    rows = re.findall(r"<tr>(.*?)</tr>", re.sub(r"\s+", " ", page))
    row = next(row for row in rows if re.search(rf">\s*{re.escape(title)}\s*<", row))
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td.*?</td>", row)]


def report_rows(client, **params) -> dict[str, dict]:
    response = client.get(reverse("course_reports:modules"), {**params, "export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return {row["Module"]: row for row in csv.DictReader(io.StringIO(text))}


def test_the_module_report_sets_the_pre_check_beside_the_final_score(client, district, learning):
    client.force_login(district.school_admin)
    row = report_rows(client)[learning.title]
    # The para: 33% then a best pass of 100%; the other teacher: 0% then a latest 25%.
    assert row["Took pre-check and quiz"] == "2"
    assert row["Pre-check (average %)"] == "17"
    assert row["Final quiz score (average %)"] == "62"
    page = client.get(reverse("course_reports:modules")).text
    for heading in ("Took pre-check and quiz", "Pre-check (average %)", "Final quiz score"):
        assert heading in page
    assert screen_row(page, learning.title)[-3:] == ["2", "17", "62"]  # as the export says

    # Riverside's administrator sees only Riverside's people.
    client.force_login(district.other_school_admin)
    row = report_rows(client)[learning.title]
    assert (row["Took pre-check and quiz"], row["Pre-check (average %)"]) == ("1", "100")
    assert row["Final quiz score (average %)"] == "100"

    # Nobody took both of the other module: its cells are empty.
    other = report_rows(client)["Without one"]
    assert (other["Took pre-check and quiz"], other["Pre-check (average %)"]) == ("0", "")


def test_the_xlsx_export_holds_what_the_csv_holds(client, district, learning):
    client.force_login(district.district_admin)
    csv_rows = report_rows(client)
    response = client.get(reverse("course_reports:modules"), {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    xlsx = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    for column in (
        "Took pre-check and quiz",
        "Pre-check (average %)",
        "Final quiz score (average %)",
    ):
        assert column in header
        assert {str(r[column] if r[column] is not None else "") for r in xlsx.values()} == {
            r[column] for r in csv_rows.values()
        }
    assert csv_rows[learning.title]["Took pre-check and quiz"] == "3"


def test_learning_by_module_counts_only_people_who_took_both(district, learning):
    everyone = people_in_scope(district.district_admin)
    gain = learning_by_module([learning.pk], everyone)[learning.pk]
    assert gain.took_both == 3
    assert (gain.precheck_percent, gain.final_percent) == (44, 75)


# Privacy -----------------------------------------------------------------------------


def test_the_export_holds_pre_checks_and_each_attempts_choice_order(district, module):
    recording.record_precheck(district.para, module, precheck_answers(module, right=(0,)))
    recording.record_read(district.para, module)
    attempt = recording.submit_quiz(
        district.para, module, quiz_answers(module), recording.new_form_token()
    ).attempt

    sections = {section.label: section.rows for section in collect(district.para)}

    (precheck,) = sections["courses.PreCheck"]
    assert precheck["module__title"] == module.title
    assert precheck["answers"] == precheck_answers(module, right=(0,))
    assert precheck["choice_order"] == PreCheck.objects.get().choice_order
    assert precheck["score"] == pytest.approx(1 / 3)
    (exported,) = sections["courses.QuizAttempt"]
    assert exported["choice_order"] == attempt.choice_order != {}


def test_erasing_a_person_erases_their_pre_checks(district, module):
    recording.record_precheck(district.para, module, precheck_answers(module))
    recording.record_precheck(district.other_pair.para, module, precheck_answers(module))

    erasure = erase_person(district.para, by=district.district_admin)

    assert erasure.changed["courses.PreCheck"] == 1
    assert list(PreCheck.objects.values_list("user", flat=True)) == [district.other_pair.para.pk]


def test_the_personal_data_page_shows_a_pre_check_by_its_questions_text(client, district, module):
    recording.record_precheck(district.para, module, precheck_answers(module, right=(0,)))
    client.force_login(district.school_admin)

    page = client.get(reverse("privacy:person", args=[district.para.pk])).text

    assert ">Pre-checks (what they knew before a module)</h2>" in page
    first = questions_of(items_from_precheck(module.precheck))[0]
    assert first.prompt in page and first.id not in page
