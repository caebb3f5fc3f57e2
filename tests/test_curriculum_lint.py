"""The curriculum lint: the shipped curriculum passes it, and a small bad file for each
rule is refused with its file and line, by the lint and by ``load_curriculum --check``."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from courses.curriculum.errors import InvalidCurriculum
from courses.curriculum.lint import check_curriculum, sources_file
from courses.curriculum.reader import CURRICULUM_DIR, pd_hours_for, read_curriculum

COURSE = """\
+++
title = "A small course"
slug = "small-course"
audience = "pairs"
+++

A short intro.
"""

# Passes every rule: a three-question pre-check, six questions, two of them scenario
# items, right answers spread over positions, one true and one false key, feedback
# everywhere, a data action, a research block that is in the bibliography, and a
# model answer.
MODULE = """\
+++
title = "Clear roles"
slug = "clear-roles"
summary = "Who does what."
objectives = ["Name who plans.", "Name who records data."]
minutes = 15
pd_hours = 0.25
pass_mark = 80
+++

::: precheck single
quiz_question: 1
prompt: Who says when a tally sheet gets filled in?
[ ] Whoever has time on Friday :: Data is recorded as it happens.
[x] The teacher who made it :: Right.
[ ] The para alone :: The teacher sets out how it is used.
explanation: The teacher sets out how data is recorded.
:::

::: precheck truefalse
quiz_question: 2
prompt: A para gives parents progress updates.
[ ] True :: The teacher does.
[x] False :: Right.
explanation: The teacher leads communication with families.
:::

::: precheck multiple
quiz_question: 3
prompt: What does a weekly plan hold?
[x] This week's goals :: Yes.
[ ] Students' home addresses :: No.
[x] How data is collected :: Yes.
[ ] Staff ratings :: No.
explanation: Goals and a data plan.
:::

Clear roles make a calm classroom.

::: research
authors: Writer, A.
year: 2020
title: A Study of Roles
journal: A Journal
url: https://example.org/roles

Pairs with clear roles got along better.
:::

::: scenario
title: The tally sheet

The teacher made a tally sheet and the para isn't sure when to fill it in.
prompt: What would you ask?
:::

::: model-answer
I would ask when and how often to record, then do it that way.
:::

::: question single scenario
prompt: The para isn't sure when to fill in the teacher's tally sheet. What should she do?
[x] Ask the teacher when to record :: Right.
[ ] Fill it in on Friday from memory :: Memory isn't reliable.
[ ] Leave it blank :: The teacher needs the data.
explanation: Ask, then record as the teacher set out.
:::

::: question single scenario
prompt: A parent asks the para how a student is doing in reading. What does she say?
[ ] "She's behind." :: Progress news comes from the teacher.
[x] "Her teacher has the details; shall I ask him to call?" :: Right.
[ ] Nothing at all :: Be warm; just pass the question on.
explanation: The teacher leads communication with families.
:::

::: question multiple
prompt: Which belong in the weekly plan?
[ ] Students' full names :: No: initials only.
[x] Priority goals :: Yes.
[x] A data plan :: Yes.
[ ] The para's performance rating :: No: the plan is about students.
explanation: Goals and a data plan; students by initials.
:::

::: question truefalse
prompt: Changes to the lesson plan go through the teacher.
[x] True :: Correct.
[ ] False :: They do go through the teacher.
explanation: The teacher decides changes.
:::

::: question truefalse
prompt: A para may change a lesson plan on the spot.
[ ] True :: Changes go through the teacher.
[x] False :: Correct.
explanation: Changes go through the teacher.
:::

::: question who
prompt: Decides what data to collect.
answer: teacher
feedback_teacher: Right.
feedback_para: The para records it.
feedback_both: The decision is the teacher's.
explanation: The teacher decides; the para records.
:::

::: action together
Look at the role table together tomorrow.
:::

::: action para data
Ask one clarifying question and note the answer.
:::
"""

SOURCES = """\
[[source]]
id = "writer-2020"
authors = "Writer, A."
year = 2020
title = "A Study of Roles"
published_in = "A Journal, 1(1), 1-10"
url = "https://example.org/roles"
checked = "The publisher's page for the article."
"""


def write(root: Path, module: str = MODULE, sources: str | None = SOURCES) -> Path:
    """A curriculum folder ``root/en`` with one course of one module; returns the module."""
    folder = root / "en" / "1-small-course"
    folder.mkdir(parents=True)
    (folder / "course.md").write_text(COURSE)
    path = folder / "01-clear-roles.md"
    path.write_text(module)
    if sources is not None:
        (root / "sources.toml").write_text(sources)
    return path


def problems(root: Path) -> list[str]:
    try:
        check_curriculum(root / "en")
    except InvalidCurriculum as invalid:
        return [str(error) for error in invalid.errors]
    return []


def line_of(text: str, needle: str) -> int:
    """The number of the first line containing ``needle``."""
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def where(root: Path, text: str, needle: str) -> str:
    return f"{root}/en/1-small-course/01-clear-roles.md:{line_of(text, needle)}: "


def the_only_problem(root: Path) -> str:
    found = problems(root)
    assert len(found) == 1, found
    return found[0]


# The shipped curriculum ---------------------------------------------------------


def test_the_shipped_curriculum_passes_the_lint():
    courses = check_curriculum()

    assert sources_file(CURRICULUM_DIR).name == "sources.toml"
    assert sum(len(course.modules) for course in courses) == 14


def test_check_runs_the_lint_and_writes_nothing(capsys):
    call_command("load_curriculum", "--check")

    assert "are valid" in capsys.readouterr().out


def test_every_shipped_module_has_a_model_answer_and_scenario_items():
    for course in read_curriculum():
        for module in course.modules:
            assert module.model_answer is not None, module.slug
            flagged = [q for q in module.quiz if q.value.get("scenario")]
            assert len(flagged) >= 2, module.slug


# A good file, and how the format carries the new parts --------------------------


def test_a_good_file_passes(tmp_path):
    write(tmp_path)

    assert problems(tmp_path) == []


def test_scenario_items_and_the_model_answer_are_read(tmp_path):
    write(tmp_path)
    (module,) = read_curriculum(tmp_path / "en")[0].modules

    assert [bool(q.value.get("scenario")) for q in module.quiz] == [True, True] + [False] * 4
    assert module.model_answer.value == (
        "I would ask when and how often to record, then do it that way."
    )


def test_pd_hours_can_be_left_out_and_follow_the_minutes(tmp_path):
    text = MODULE.replace("pd_hours = 0.25\n", "").replace("minutes = 15", "minutes = 20")
    write(tmp_path, text)
    (module,) = read_curriculum(tmp_path / "en")[0].modules

    assert module.pd_hours == Decimal("0.25")
    assert problems(tmp_path) == []
    assert [pd_hours_for(m) for m in (10, 15, 20, 30, 45, 60)] == [
        Decimal(h) for h in ("0.25", "0.25", "0.25", "0.5", "0.75", "1")
    ]


def test_only_choice_questions_can_be_scenario_items(tmp_path):
    text = MODULE.replace(
        "::: question truefalse\nprompt: A para", "::: question truefalse scenario\nprompt: A para"
    )
    write(tmp_path, text)

    assert the_only_problem(tmp_path) == where(tmp_path, text, "truefalse scenario") + (
        "only single and multiple questions can be scenario items."
    )


# One bad file for each rule -------------------------------------------------------


def test_fewer_than_five_questions(tmp_path):
    start = MODULE.index("::: question truefalse\nprompt: Changes")
    end = MODULE.index("::: question who")
    text = MODULE[:start] + MODULE[end:]  # drops both true-or-false questions
    write(tmp_path, text)

    assert where(tmp_path, text, "::: question who") + (
        "a module needs at least 5 questions (it has 4)."
    ) in problems(tmp_path)


def test_fewer_than_two_scenario_items(tmp_path):
    text = MODULE.replace(
        "::: question single scenario\nprompt: A parent", "::: question single\nprompt: A parent"
    )
    write(tmp_path, text)

    assert the_only_problem(tmp_path) == where(tmp_path, text, "::: question single") + (
        "a module needs at least 2 scenario items, questions opened "
        "'::: question single scenario' (it has 1)."
    )


def test_right_answers_all_in_one_position(tmp_path):
    text = MODULE.replace(
        """[ ] "She's behind." :: Progress news comes from the teacher.
[x] "Her teacher has the details; shall I ask him to call?" :: Right.""",
        """[x] "Her teacher has the details; shall I ask him to call?" :: Right.
[ ] "She's behind." :: Progress news comes from the teacher.""",
    ).replace(
        """[ ] Students' full names :: No: initials only.
[x] Priority goals :: Yes.""",
        """[x] Priority goals :: Yes.
[ ] Students' full names :: No: initials only.""",
    )
    write(tmp_path, text)

    assert the_only_problem(tmp_path) == where(tmp_path, text, "[x] Ask the teacher") + (
        "choice 1 is right in 3 of this module's 4 right answers; spread them so no "
        "position holds more than half."
    )


def test_true_false_keys_mostly_one_way_across_a_course(tmp_path):
    text = MODULE.replace(
        "[x] True :: Correct.\n[ ] False :: They do go through the teacher.",
        "[ ] True :: They don't.\n[x] False :: Correct.",
    ).replace("Changes to the lesson plan go through the teacher.", "Paras decide lesson changes.")
    write(tmp_path, text)

    opening = line_of(text, "prompt: A para may") - 1  # the second true-or-false question
    assert the_only_problem(tmp_path) == (
        f"{tmp_path}/en/1-small-course/01-clear-roles.md:{opening}: "
        "2 of the 2 true-or-false questions in the course 'small-course' are keyed False; "
        "no more than 60% may go one way."
    )


def test_a_choice_without_feedback(tmp_path):
    text = MODULE.replace("[ ] Leave it blank :: The teacher needs the data.", "[ ] Leave it blank")
    write(tmp_path, text)

    assert the_only_problem(tmp_path) == where(tmp_path, text, "[ ] Leave it blank") + (
        "every choice has text, then ' :: ' and its feedback."
    )


def test_no_action_asks_for_a_note(tmp_path):
    text = MODULE.replace("::: action para data", "::: action para")
    write(tmp_path, text)

    assert the_only_problem(tmp_path) == where(tmp_path, text, "::: action together") + (
        "at least one action asks the pair to note what happened: open it '::: action WHO data'."
    )


def test_pd_hours_that_do_not_follow_the_minutes(tmp_path):
    text = MODULE.replace("minutes = 15", "minutes = 20").replace(
        "pd_hours = 0.25", "pd_hours = 0.5"
    )
    write(tmp_path, text)

    assert the_only_problem(tmp_path) == where(tmp_path, text, "pd_hours") + (
        "pd_hours is minutes / 60 to the nearest quarter hour: 20 minutes give 0.25, "
        "not 0.5 (or leave pd_hours out)."
    )


def test_a_module_that_cites_nothing(tmp_path):
    start = MODULE.index("::: research")
    end = MODULE.index("::: scenario")
    text = MODULE[:start] + MODULE[end:]
    write(tmp_path, text)

    assert the_only_problem(tmp_path) == where(tmp_path, text, "::: question single") + (
        "a module cites at least one source in a '::: research' block."
    )


def test_a_source_missing_from_the_bibliography(tmp_path):
    text = MODULE.replace("title: A Study of Roles", "title: Another Study")
    write(tmp_path, text)

    assert the_only_problem(tmp_path) == where(tmp_path, text, "::: research") + (
        "this source (Writer, A., 2020) is not in sources.toml: add it there, with how it "
        "was checked."
    )


def test_a_bibliography_entry_without_a_doi_eric_number_or_url(tmp_path):
    write(tmp_path, sources=SOURCES.replace('url = "https://example.org/roles"\n', ""))

    assert the_only_problem(tmp_path) == (
        f"{tmp_path}/sources.toml:1: a source needs a DOI, an ERIC number or a URL "
        "(doi, eric or url)."
    )


def test_a_bibliography_entry_that_does_not_say_how_it_was_checked(tmp_path):
    write(
        tmp_path,
        sources=SOURCES.replace('checked = "The publisher\'s page for the article."\n', ""),
    )

    assert (
        the_only_problem(tmp_path)
        == f"{tmp_path}/sources.toml:1: this source is missing 'checked'."
    )


def test_a_module_without_a_model_answer(tmp_path):
    start = MODULE.index("::: model-answer")
    end = MODULE.index("::: question")
    text = MODULE[:start] + MODULE[end:]
    write(tmp_path, text)

    assert the_only_problem(tmp_path) == where(tmp_path, text, "::: question single") + (
        "a module needs a '::: model-answer' block (what a good answer to its scenario "
        "sounds like) before its questions."
    )


def test_check_exits_with_the_messages(tmp_path):
    text = MODULE.replace("::: action para data", "::: action para")
    path = write(tmp_path, text)

    with pytest.raises(CommandError) as raised:
        call_command("load_curriculum", "--check", "--path", str(path.parent.parent))

    assert "The curriculum has problems:" in str(raised.value)
    assert where(tmp_path, text, "::: action together") in str(raised.value)


# The model answer on the result page ----------------------------------------------


def test_the_result_page_includes_the_model_answer():
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    html = render_to_string(
        "courses/includes/model_answer.html",
        {"page": SimpleNamespace(model_answer="First I'd listen.\n\nThen I'd report it.")},
    )
    assert "What a good answer sounds like" in html
    assert "<p>First I&#x27;d listen.</p>" in html and "<p>Then I&#x27;d report it.</p>" in html
    assert (
        render_to_string(
            "courses/includes/model_answer.html", {"page": SimpleNamespace(model_answer="")}
        ).strip()
        == ""
    )
    result = (
        Path(__file__).resolve().parent.parent / "templates/courses/quiz_result.html"
    ).read_text()
    assert '{% include "courses/includes/model_answer.html" %}' in result
