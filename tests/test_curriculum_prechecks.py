"""The curriculum's Markdown carries the pre-check and pinned choices: the reader reads
them, the writer imports them and leaves them alone the second time, and the lint
holds every module to a three-question pre-check and choices that really shuffle.
The shipped modules meet it, and the two newer modules link to their job aids."""

import pytest
from django.core.management import call_command
from wagtail.models import Revision

from courses import job_aids
from courses.choice_order import shuffled_choice_ids
from courses.curriculum.errors import InvalidCurriculum
from courses.curriculum.reader import read_curriculum
from courses.grading import questions_from_quiz
from courses.models import ModulePage
from courses.prechecks import items_from_precheck
from tests.page_factories import home_page
from tests.test_curriculum_lint import MODULE, problems, the_only_problem, where, write

pytestmark = pytest.mark.django_db

# The lint's good module, with "None of the above" pinned in its multiple-select question.
PINNED = MODULE.replace(
    "[ ] The para's performance rating :: No: the plan is about students.",
    "[ ] The para's performance rating :: No: the plan is about students.\n"
    "[ ] (pinned) None of the above :: Two of them belong.",
)


def load(root) -> None:
    call_command("load_curriculum", "--path", str(root / "en"), verbosity=0)


def read_module(root):
    (course,) = read_curriculum(root / "en")
    (module,) = course.modules
    return module


def reading_fails(root) -> str:
    with pytest.raises(InvalidCurriculum) as raised:
        read_curriculum(root / "en")
    (error,) = raised.value.errors
    return str(error)


# Reading and writing ---------------------------------------------------------------------


def test_the_pre_check_and_a_pinned_choice_are_read(tmp_path):
    write(tmp_path, PINNED)
    module = read_module(tmp_path)

    assert [(item.kind, item.value["quiz_question"]) for item in module.precheck] == [
        ("single_choice", 1),
        ("true_false", 2),
        ("multiple_select", 3),
    ]
    assert module.precheck[0].value["prompt"] == "Who says when a tally sheet gets filled in?"
    assert "scenario" not in module.precheck[0].value
    choices = module.quiz[2].value["choices"]
    assert [choice.get("pinned", False) for choice in choices] == [False] * 4 + [True]
    assert choices[4]["text"] == "None of the above"
    assert problems(tmp_path) == []


def test_the_writer_imports_them_and_a_second_import_changes_nothing(tmp_path):
    home_page()
    write(tmp_path, PINNED)
    load(tmp_path)
    page = ModulePage.objects.get(slug="clear-roles")

    items = items_from_precheck(page.precheck)
    assert [item.quiz_question for item in items] == [1, 2, 3]
    assert [item.question.prompt for item in items][1] == "A para gives parents progress updates."
    multiple = questions_from_quiz(page.quiz)[2]
    assert [choice.pinned for choice in multiple.choices] == [False] * 4 + [True]

    revisions = Revision.objects.count()
    load(tmp_path)  # the round trip: the page already says what the file says
    assert Revision.objects.count() == revisions

    # Unpinning it in the file is one new revision; the question keeps its block id.
    (tmp_path / "en/1-small-course/01-clear-roles.md").write_text(MODULE)
    load(tmp_path)
    page = ModulePage.objects.get(pk=page.pk)
    assert Revision.objects.count() == revisions + 1
    assert questions_from_quiz(page.quiz)[2].id == multiple.id
    assert not any(choice.pinned for choice in questions_from_quiz(page.quiz)[2].choices)
    assert [item.question.id for item in items_from_precheck(page.precheck)] == [
        item.question.id for item in items
    ]


def test_a_pinned_choice_keeps_its_place_in_every_order(tmp_path):
    home_page()
    write(tmp_path, PINNED)
    load(tmp_path)
    question = questions_from_quiz(ModulePage.objects.get(slug="clear-roles").quiz)[2]
    orders = {tuple(shuffled_choice_ids(question, f"seed-{n}")) for n in range(30)}

    assert len(orders) > 1
    assert {order[4] for order in orders} == {question.choices[4].id}


# What the reader refuses, with its line ----------------------------------------------


def test_a_pre_check_after_the_body_is_refused(tmp_path):
    block = MODULE[MODULE.index("::: precheck multiple") : MODULE.index("Clear roles make")]
    text = MODULE.replace(block, "").replace("::: research", block + "::: research")
    write(tmp_path, text)

    assert reading_fails(tmp_path) == where(tmp_path, text, "::: precheck multiple") + (
        "the order is the pre-check, then body text and blocks, then questions, then actions."
    )


def test_a_pre_check_question_names_its_quiz_question_first(tmp_path):
    text = MODULE.replace("quiz_question: 2\n", "")
    write(tmp_path, text)

    assert reading_fails(tmp_path) == where(tmp_path, text, "prompt: A para gives") + (
        "a pre-check question opens with a 'quiz_question: N' line: the number of the quiz "
        "question on the same idea (1 for the first)."
    )


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("9", "quiz_question 9: the quiz has 6 questions."),
        ("two", "'quiz_question:' is a question number, like 3."),
        ("0", "'quiz_question:' is a question number, like 3."),
    ],
)
def test_a_pre_check_question_names_a_quiz_question_that_is_there(tmp_path, number, message):
    text = MODULE.replace("quiz_question: 3", f"quiz_question: {number}")
    write(tmp_path, text)

    assert reading_fails(tmp_path) == where(tmp_path, text, f"quiz_question: {number}") + message


def test_a_fourth_pre_check_question_is_refused(tmp_path):
    block = MODULE[MODULE.index("::: precheck truefalse") : MODULE.index("::: precheck multiple")]
    text = MODULE.replace(block, block + block)
    write(tmp_path, text)

    fourth = [n for n, line in enumerate(text.splitlines(), 1) if line.startswith("::: precheck")]
    assert reading_fails(tmp_path) == (
        f"{tmp_path}/en/1-small-course/01-clear-roles.md:{fourth[3]}: "
        "a pre-check has at most 3 questions (this one has 4)."
    )


def test_true_and_false_take_no_pin(tmp_path):
    text = MODULE.replace("[x] True :: Correct.", "[x] (pinned) True :: Correct.")
    write(tmp_path, text)

    assert reading_fails(tmp_path) == where(tmp_path, text, "(pinned) True") + (
        "true and false are never shuffled: leave out '(pinned)'."
    )


# What the lint refuses ---------------------------------------------------------------


def test_a_module_without_a_pre_check(tmp_path):
    start = MODULE.index("::: precheck single")
    text = MODULE[:start] + MODULE[MODULE.index("Clear roles make") :]
    write(tmp_path, text)

    assert the_only_problem(tmp_path) == where(tmp_path, text, "Clear roles make") + (
        "a module opens with a pre-check of 3 questions, '::: precheck TYPE' blocks before "
        "the body (it has 0)."
    )


def test_two_pre_check_questions_on_one_idea(tmp_path):
    text = MODULE.replace("quiz_question: 2", "quiz_question: 1")
    write(tmp_path, text)

    first = where(tmp_path, text, "quiz_question: 1").rsplit(":", 2)[1]
    lines = [n for n, line in enumerate(text.splitlines(), 1) if line == "quiz_question: 1"]
    assert the_only_problem(tmp_path) == (
        f"{tmp_path}/en/1-small-course/01-clear-roles.md:{lines[1]}: quiz question 1 already "
        f"has a pre-check question (line {first}): each pre-check question checks a different "
        "idea."
    )


def test_a_pre_check_question_that_copies_its_quiz_question(tmp_path):
    text = MODULE.replace(
        "prompt: What does a weekly plan hold?", "prompt: Which belong in the weekly plan?"
    )
    write(tmp_path, text)

    assert the_only_problem(tmp_path) == where(tmp_path, text, "Which belong in the weekly") + (
        "this pre-check question copies quiz question 3: ask about the same idea in other "
        "words, so the quiz shows what was learned, not what was seen."
    )


def test_a_question_pinned_so_far_that_it_cannot_shuffle(tmp_path):
    text = MODULE.replace(
        "[ ] Fill it in on Friday from memory :: Memory isn't reliable.\n"
        "[ ] Leave it blank :: The teacher needs the data.",
        "[ ] (pinned) Fill it in on Friday from memory :: Memory isn't reliable.\n"
        "[ ] (pinned) Leave it blank :: The teacher needs the data.",
    )
    write(tmp_path, text)

    assert the_only_problem(tmp_path) == where(tmp_path, text, "(pinned) Fill it in") + (
        "only 1 of this question's choices can move: pin at most 1, so the choices are shuffled."
    )


# The shipped curriculum --------------------------------------------------------------


def shipped_modules():
    return [module for course in read_curriculum() for module in course.modules]


def test_every_shipped_module_has_a_pre_check_on_three_of_its_quiz_questions():
    for module in shipped_modules():
        numbers = [item.value["quiz_question"] for item in module.precheck]
        assert len(numbers) == 3 == len(set(numbers)), module.slug
        assert all(1 <= number <= len(module.quiz) for number in numbers), module.slug


def test_every_shipped_module_has_six_questions_or_more_with_scenario_items():
    for module in shipped_modules():
        assert len(module.quiz) >= 6, module.slug
        assert sum(1 for q in module.quiz if q.value.get("scenario")) >= 2, module.slug
    # The modules that had five end with a new scenario item.
    for slug in (
        "why-collaboration-matters",
        "communication-systems",
        "what-students-gain",
        "directing-and-coaching-your-para",
        "supervising-and-scheduling-paras",
    ):
        (module,) = [m for m in shipped_modules() if m.slug == slug]
        assert module.quiz[-1].kind == "single_choice" and module.quiz[-1].value["scenario"]


def test_the_two_newer_modules_link_to_the_job_aids_they_use(client, district):
    call_command("load_curriculum", verbosity=0)
    client.force_login(district.teacher)
    for slug in ("directing-and-coaching-your-para", "supervising-and-scheduling-paras"):
        assert [aid.slug for aid in job_aids.for_module(slug)] == [
            "planning-template",
            "role-card",
        ]
        page = client.get(ModulePage.objects.sources().get(slug=slug).url).text
        assert "Job aids for this module" in page
        assert "/learning/job-aids/planning-template/" in page
        assert "/learning/job-aids/role-card/" in page
