"""Grading is a pure function: no database, one test per rule."""

import pytest
from django.http import QueryDict

from courses.grading import (
    Choice,
    InvalidAnswers,
    Question,
    answers_from_form,
    grade,
    missing_answers,
    questions_from_quiz,
)
from courses.models import ModulePage
from tests.page_factories import multiple_select, single_choice, true_false, who_does_this

SINGLE = Question(
    id="q-single",
    prompt="Who decides which data to collect?",
    explanation="The special educator designs the tools.",
    choices=(
        Choice("a", "The special educator", True, "Yes: they design the tools."),
        Choice("b", "The para", False, "The para records the data."),
    ),
)
MULTIPLE = Question(
    id="q-multi",
    prompt="Which belong in the weekly plan?",
    explanation="Goals and methods; students by initials only.",
    multiple=True,
    choices=(
        Choice("g", "Priority goals", True, "Yes."),
        Choice("d", "Data collection plan", True, "Yes."),
        Choice("n", "Full names", False, "Initials only."),
    ),
)
QUIZ = [SINGLE, MULTIPLE]


def quiz_stream(*blocks):
    """A quiz StreamValue with block and choice ids, as a saved page has, without a database."""
    stream_block = ModulePage._meta.get_field("quiz").stream_block
    raw = []
    for n, (block_type, value) in enumerate(blocks):
        value = dict(value)
        if "choices" in value:
            value["choices"] = [
                {"type": "item", "value": choice, "id": f"c{n}-{i}"}
                for i, choice in enumerate(value["choices"])
            ]
        raw.append({"type": block_type, "value": value, "id": f"block-{n}"})
    return stream_block.to_python(raw)


def test_all_right_scores_one_and_passes():
    result = grade(QUIZ, {"q-single": ["a"], "q-multi": ["g", "d"]})
    assert result.score == 1.0
    assert [item.correct for item in result.feedback] == [True, True]
    assert result.passes(100)


def test_a_wrong_single_choice_scores_zero_for_that_question():
    result = grade(QUIZ, {"q-single": ["b"], "q-multi": ["g", "d"]})
    assert result.score == 0.5
    assert result.feedback[0].correct is False
    assert [choice.feedback for choice in result.feedback[0].chosen] == [
        "The para records the data."
    ]


@pytest.mark.parametrize(
    "chosen, right",
    [
        (["g", "d"], True),
        (["d", "g"], True),
        (["g"], False),  # part of the set is not the set
        (["g", "d", "n"], False),  # the whole set plus a wrong one
        (["n"], False),
    ],
)
def test_multiple_select_is_right_only_for_exactly_the_correct_set(chosen, right):
    assert grade([MULTIPLE], {"q-multi": chosen}).feedback[0].correct is right


def test_partial_answers_count_missing_questions_as_wrong():
    result = grade(QUIZ, {"q-single": ["a"]})
    assert result.score == 0.5
    assert result.feedback[1].answered is False
    assert result.feedback[1].correct is False
    assert missing_answers(QUIZ, {"q-single": ["a"]}) == {"q-multi"}


def test_no_answers_scores_zero():
    assert grade(QUIZ, {}).score == 0.0
    assert missing_answers(QUIZ, {"q-single": [], "q-multi": []}) == {"q-single", "q-multi"}


@pytest.mark.parametrize(
    "answers",
    [
        {"q-unknown": ["a"]},
        {"q-single": ["zzz"]},
        {"q-multi": ["g", "a"]},  # a choice of another question
        {"q-single": ["a", "b"]},  # two answers to a one-answer question
    ],
)
def test_unknown_question_or_choice_ids_are_refused(answers):
    with pytest.raises(InvalidAnswers):
        grade(QUIZ, answers)


@pytest.mark.parametrize(
    "correct, pass_mark, passes",
    [(4, 80, True), (3, 80, False), (3, 60, True), (5, 100, True), (4, 100, False)],
)
def test_pass_mark_is_compared_exactly(correct, pass_mark, passes):
    questions = [
        Question(f"q{i}", "?", "", (Choice("y", "Y", True, ""), Choice("n", "N", False, "")))
        for i in range(5)
    ]
    answers = {f"q{i}": ["y" if i < correct else "n"] for i in range(5)}
    assert grade(questions, answers).passes(pass_mark) is passes


def test_an_empty_quiz_scores_one():
    assert grade([], {}).score == 1.0


def test_answers_from_form_reads_question_fields_and_ignores_the_rest():
    data = QueryDict(mutable=True)
    data.setlist("q-q-multi", ["g", "d", "g"])
    data["q-q-single"] = "a"
    data["form_token"] = "abc"
    data["csrfmiddlewaretoken"] = "x"
    assert answers_from_form(QUIZ, data) == {"q-single": ["a"], "q-multi": ["g", "d"]}


def test_answers_from_form_refuses_an_unknown_question():
    data = QueryDict("q-q-other=a")
    with pytest.raises(InvalidAnswers):
        answers_from_form(QUIZ, data)


def test_questions_from_quiz_single_and_multiple_use_list_child_ids():
    single, multiple = questions_from_quiz(quiz_stream(single_choice(), multiple_select()))
    assert single.id == "block-0"
    assert [c.id for c in single.choices] == ["c0-0", "c0-1", "c0-2"]
    assert single.correct_ids == {"c0-0"}
    assert single.multiple is False
    assert multiple.multiple is True
    assert multiple.correct_ids == {"c1-0", "c1-1"}


@pytest.mark.parametrize(
    "answer, right, wrong", [(True, "true", "false"), (False, "false", "true")]
)
def test_true_false_choices_are_true_and_false(answer, right, wrong):
    (question,) = questions_from_quiz(quiz_stream(true_false(answer=answer)))
    assert question.choice_ids == {"true", "false"}
    assert grade([question], {question.id: [right]}).score == 1.0
    result = grade([question], {question.id: [wrong]})
    assert result.score == 0.0
    assert result.feedback[0].chosen[0].feedback == true_false()[1][f"feedback_{wrong}"]


@pytest.mark.parametrize("answer", ["teacher", "para", "both"])
def test_who_does_this_choices_are_teacher_para_both(answer):
    (question,) = questions_from_quiz(quiz_stream(who_does_this(answer=answer)))
    assert question.choice_ids == {"teacher", "para", "both"}
    assert question.correct_ids == {answer}
    others = sorted({"teacher", "para", "both"} - {answer})
    assert grade([question], {question.id: [answer]}).score == 1.0
    assert grade([question], {question.id: [others[0]]}).score == 0.0
