"""Each attempt shows the choices in its own order, keeps that order, and shows it
again on its result; a person lists their own attempts at a module."""

import re
from http import HTTPStatus

import pytest
from django.utils.html import escape

from courses.grading import questions_from_quiz
from courses.models import QuizAttempt
from tests.page_factories import make_course, multiple_select, single_choice
from tests.test_learning import answers_for, modules_of, quiz_url, read

pytestmark = pytest.mark.django_db

FIELD = re.compile(r'name="q-(?P<question>[^"]+)" id="[^"]*" value="(?P<choice>[^"]*)"')
TOKEN = re.compile(r'name="form_token" value="(?P<token>[0-9a-f]*)"')


def shown_order(html: str) -> dict[str, list[str]]:
    """{question id: [choice ids]} in the order the form shows them."""
    order: dict[str, list[str]] = {}
    for match in FIELD.finditer(html):
        order.setdefault(match["question"], []).append(match["choice"])
    return order


def token_of(html: str) -> str:
    return TOKEN.search(html)["token"]


def attempts_url(module) -> str:
    return module.url + module.reverse_subpage("quiz_attempts")


def result_url(module, attempt) -> str:
    return module.url + module.reverse_subpage("quiz_result", args=[attempt.pk])


@pytest.fixture
def course(db):
    return make_course("Stronger Together", modules=2, audience="paras")


@pytest.fixture
def para_client(client, district):
    client.force_login(district.para)
    return client


@pytest.fixture
def module(course):
    return modules_of(course)[0]


def submit_shown_form(client, module, html: str, right=True):
    data = {**answers_for(module, right=right), "form_token": token_of(html)}
    return client.post(quiz_url(module), data)


def test_a_reload_shows_the_same_form_in_the_same_order(para_client, module):
    first = para_client.get(quiz_url(module)).text
    again = para_client.get(quiz_url(module)).text
    assert token_of(first) == token_of(again)
    assert shown_order(first) == shown_order(again)


def test_the_attempt_keeps_the_order_its_form_showed(para_client, module):
    html = para_client.get(quiz_url(module)).text
    submit_shown_form(para_client, module, html)
    attempt = QuizAttempt.objects.get()
    assert attempt.form_token == token_of(html)
    assert attempt.choice_order == shown_order(html)


def test_a_missing_answer_shows_the_form_again_in_the_same_order(para_client, module):
    html = para_client.get(quiz_url(module)).text
    data = {**answers_for(module, skip={0}), "form_token": token_of(html)}
    again = para_client.post(quiz_url(module), data)
    assert again.status_code == HTTPStatus.OK
    assert shown_order(again.text) == shown_order(html)


def test_a_new_attempt_gets_a_new_form_and_keeps_the_first(para_client, module):
    first = para_client.get(quiz_url(module)).text
    submit_shown_form(para_client, module, first, right=False)
    second = para_client.get(quiz_url(module)).text
    assert token_of(second) != token_of(first)
    submit_shown_form(para_client, module, second)
    # The same first form again (the back button) adds nothing and changes nothing.
    submit_shown_form(para_client, module, first)
    attempts = list(QuizAttempt.objects.order_by("pk"))
    assert [a.passed for a in attempts] == [False, True]
    assert [a.choice_order for a in attempts] == [shown_order(first), shown_order(second)]


def test_true_false_and_who_does_this_are_never_shuffled(para_client, module):
    order = shown_order(para_client.get(quiz_url(module)).text)
    _single, true_false, who, _multiple = questions_from_quiz(module.quiz)
    assert order[true_false.id] == ["true", "false"]
    assert order[who.id] == ["teacher", "para", "both"]


def test_pinned_choices_keep_their_place_on_the_form(para_client, course):
    question = single_choice(choices=["Plans", "Records", "Decides", "None of the above"])
    question[1]["choices"][3]["pinned"] = True
    module = modules_of(course)[0]
    module.quiz = [question]
    module.save_revision().publish()
    (q,) = questions_from_quiz(module.quiz)
    orders = []
    for _ in range(8):  # each submitted form makes way for a new one
        html = para_client.get(quiz_url(module)).text
        orders.append(tuple(shown_order(html)[q.id]))
        submit_shown_form(para_client, module, html)
    assert {order[3] for order in orders} == {q.choices[3].id}
    assert len(set(orders)) > 1


def test_the_result_shows_the_choices_in_the_order_the_attempt_showed(para_client, module):
    single = questions_from_quiz(module.quiz)[0]
    html = para_client.get(quiz_url(module)).text
    result = para_client.get(submit_shown_form(para_client, module, html, right=False).url)
    # The wrong choice picked and the right one missed, in the order the form showed them.
    chosen_id = answers_for(module, right=False)[single.field_name][0]
    texts = {c.id: c.text for c in single.choices}
    shown = [
        texts[c] for c in shown_order(html)[single.id] if c in (chosen_id, *single.correct_ids)
    ]
    positions = [result.text.index(f"<strong>{text}</strong>") for text in shown]
    assert positions == sorted(positions)


def test_the_result_shows_the_feedback_of_a_missed_right_choice(para_client, course):
    module = modules_of(course)[0]
    module.quiz = [multiple_select(correct=(0, 1))]
    module.save_revision().publish()
    (q,) = questions_from_quiz(module.quiz)
    html = para_client.get(quiz_url(module)).text
    picked, missed, wrong, untouched = q.choices
    data = {q.field_name: [picked.id, wrong.id], "form_token": token_of(html)}
    data["module"] = str(module.pk)
    result = para_client.get(para_client.post(quiz_url(module), data).url).text
    assert "You missed this" in result
    assert escape(missed.feedback) in result  # "About Data collection plan."
    assert escape(picked.feedback) in result
    assert escape(wrong.feedback) in result
    assert escape(untouched.feedback) not in result  # neither picked nor right


def test_the_module_page_links_to_my_attempts(para_client, module):
    read(para_client, module)
    assert "My attempts" not in para_client.get(module.url).text
    para_client.post(quiz_url(module), answers_for(module, right=False))
    assert f'href="{attempts_url(module)}"' in para_client.get(module.url).text


def test_my_attempts_lists_each_attempt_with_its_score_and_result(para_client, module):
    para_client.post(quiz_url(module), answers_for(module, right=False))
    para_client.post(quiz_url(module), answers_for(module))
    page = para_client.get(attempts_url(module))
    assert page.status_code == HTTPStatus.OK
    failed, passed = QuizAttempt.objects.order_by("pk")
    text = page.text
    assert f'href="{result_url(module, failed)}"' in text
    assert f'href="{result_url(module, passed)}"' in text
    assert "0%" in text and "100%" in text
    assert "Not passed" in text and "Passed" in text
    # Newest first.
    assert text.index(result_url(module, passed)) < text.index(result_url(module, failed))


def test_my_attempts_shows_only_my_own(client, district, module):
    client.force_login(district.other_pair.para)
    client.post(quiz_url(module), answers_for(module))
    theirs = QuizAttempt.objects.get()
    client.force_login(district.para)
    page = client.get(attempts_url(module))
    assert page.status_code == HTTPStatus.OK
    assert result_url(module, theirs) not in page.text
    assert "You have not taken this quiz yet." in page.text
    assert client.get(result_url(module, theirs)).status_code == HTTPStatus.NOT_FOUND


def test_my_attempts_needs_a_sign_in(client, module):
    response = client.get(attempts_url(module))
    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response.url


def test_my_attempts_takes_the_same_queries_however_many_attempts(
    para_client, module, django_assert_max_num_queries
):
    for _ in range(3):
        para_client.post(quiz_url(module), answers_for(module, right=False))
    with django_assert_max_num_queries(20) as few:
        para_client.get(attempts_url(module))
    count = len(few)  # read now: the next request clears the connection's log
    for _ in range(10):
        para_client.post(quiz_url(module), answers_for(module, right=False))
    with django_assert_max_num_queries(count):
        para_client.get(attempts_url(module))
