"""The curriculum importer: the shipped files import, re-runs change nothing, and a
bad file is refused with its name and line while nothing at all is written."""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Page, Revision

from courses.curriculum import writer
from courses.curriculum.errors import InvalidCurriculum
from courses.curriculum.reader import CURRICULUM_DIR, read_curriculum
from courses.models import CourseIndexPage, CoursePage, ModulePage
from tests.page_factories import home_page

pytestmark = pytest.mark.django_db

COURSE = """\
+++
title = "A small course"
slug = "small-course"
audience = "paras"
+++

A short intro with **bold** words.
"""

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

Clear roles make a calm classroom.

## Who plans

The special educator plans; the para carries out and reports back.

::: callout tip
title: Deciding or doing?
Deciding sits with the teacher. Doing is often yours.
:::

::: question single
prompt: Who decides what data to collect?
[x] The special educator :: Right.
[ ] The para :: Not quite: the para records it.
[ ] The family :: Families share information but don't set data plans.
explanation: The teacher decides; the para records.
:::

::: question truefalse
prompt: A para may change a lesson plan on the spot.
[ ] True :: Changes go through the teacher.
[x] False :: Correct.
explanation: Changes go through the teacher.
:::

::: question who
prompt: Records behavior data during the lesson.
answer: para
feedback_teacher: The teacher designs the sheet.
feedback_para: Right.
feedback_both: Recording is the para's task.
explanation: The teacher builds the tool; the para records.
:::

::: question multiple
prompt: Which belong in the weekly plan?
[x] Priority goals :: Yes.
[x] A data plan :: Yes.
[ ] Students' full names :: No: initials only.
[ ] Home addresses :: No.
explanation: Goals and methods, with students by initials.
:::

::: action together
Look at the role table together tomorrow.
:::

::: action para data
Ask one clarifying question and note the answer.
:::
"""


def write_course(root: Path, slug: str = "small-course", modules: int = 1) -> Path:
    folder = root / slug
    folder.mkdir(parents=True)
    (folder / "course.md").write_text(COURSE.replace("small-course", slug))
    for number in range(1, modules + 1):
        module_slug = f"clear-roles-{number}"
        text = MODULE.replace('slug = "clear-roles"', f'slug = "{module_slug}"')
        (folder / f"{number:02d}-{module_slug}.md").write_text(text)
    return folder


def load(path: Path | None = None) -> None:
    call_command("load_curriculum", *(["--path", str(path)] if path else []), verbosity=0)


def line_of(text: str, needle: str) -> int:
    """The number of the last line containing ``needle``."""
    return max(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


@pytest.fixture(autouse=True)
def home():
    return home_page()


# The shipped curriculum ---------------------------------------------------------


def test_the_shipped_files_import_as_two_courses_of_nine_and_five_modules():
    load()

    index = CourseIndexPage.objects.sources().get()
    assert (index.title, index.slug, index.get_parent().specific) == (
        "Courses",
        "courses",
        home_page(),
    )
    courses = CoursePage.objects.child_of(index).live().order_by("path")
    assert [(course.slug, course.modules().count()) for course in courses] == [
        ("stronger-together", 9),
        ("leading-collaborative-teams", 5),
    ]
    modules = ModulePage.objects.child_of(courses.get(slug="stronger-together")).order_by("path")
    assert [module.slug for module in modules] == [
        path.stem[3:] for path in sorted((CURRICULUM_DIR / "1-stronger-together").glob("0*.md"))
    ]
    assert all(module.live and not module.has_unpublished_changes for module in modules)


def test_a_module_keeps_everything_its_file_says():
    load()
    module = ModulePage.objects.sources().get(slug="clarifying-roles")

    assert (module.title, module.minutes, str(module.pd_hours), module.pass_mark) == (
        "Clarifying roles",
        20,
        "0.25",  # worked out from the minutes: the file states no pd_hours
        80,
    )
    assert len(module.objectives) == 3
    assert [block.block_type for block in module.body][:2] == ["text", "roles_table"]
    assert module.body[0].value.source.startswith("<p>Most friction between a teacher")
    assert "<h2>The basic pattern</h2>" in module.body[0].value.source
    assert "<b>decides and designs</b>" in module.body[0].value.source
    roles = module.body[1].value
    assert roles["rows"][2]["task"] == "Data collection"
    assert [block.block_type for block in module.quiz] == ["who_does_this"] * 4 + [
        "single_choice"
    ] * 3 + ["true_false"]
    assert [bool(block.value["scenario"]) for block in module.quiz] == [False] * 5 + [
        True,
        True,
        False,
    ]
    true_false = module.quiz[7].value
    assert true_false["answer"] is False
    assert true_false["feedback_true"].startswith("Not quite.")
    assert true_false["feedback_false"].startswith("Correct.")
    assert [choice["correct"] for choice in module.quiz[4].value["choices"]] == [False, True, False]
    assert [(a.value["who"], a.value["records_data"]) for a in module.actions] == [
        ("together", False),
        ("para", True),
    ]
    assert module.model_answer.startswith("I'd smile and say something like")
    assert "\n\nThen I'd pass the question on" in module.model_answer


def test_the_boundaries_module_says_a_disclosure_is_reported_at_once():
    load()
    module = ModulePage.objects.sources().get(slug="boundaries-and-confidentiality")
    text = " ".join(block.value.source for block in module.body if block.block_type == "text")

    assert "at all times" not in text
    assert "mandated reporters" in text
    assert "report it at once, through your school's child-protection procedure" in text
    scenario_items = [block.value for block in module.quiz if block.value["scenario"]]
    assert any("child-protection procedure" in item["explanation"] for item in scenario_items)


def test_running_it_twice_changes_nothing():
    load()
    pages, revisions = Page.objects.count(), Revision.objects.count()
    # One revision a page, in each language (the home pages come from migrations).
    pages_imported = [CourseIndexPage, CoursePage, ModulePage]
    assert revisions == sum(model.objects.count() for model in pages_imported)

    load()

    assert (Page.objects.count(), Revision.objects.count()) == (pages, revisions)


def test_it_says_what_it_did(capsys):
    call_command("load_curriculum")
    # Each page in English and in Spanish.
    assert "Pages created: 34, updated: 0, unchanged: 0." in capsys.readouterr().out
    call_command("load_curriculum")
    assert "Pages created: 0, updated: 0, unchanged: 32." in capsys.readouterr().out


# Changes to the files ------------------------------------------------------------


@pytest.fixture
def curriculum(tmp_path) -> Path:
    root = tmp_path / "curriculum"
    shutil.copytree(CURRICULUM_DIR, root)
    return root


def test_a_changed_file_makes_exactly_one_new_revision(curriculum):
    load(curriculum)
    module = ModulePage.objects.get(slug="clarifying-roles")
    quiz_ids = [block.id for block in module.quiz]
    action_ids = [block.id for block in module.actions]
    revisions = Revision.objects.count()
    path = curriculum / "1-stronger-together" / "02-clarifying-roles.md"
    path.write_text(path.read_text().replace("fuzzy expectations", "unclear expectations"))

    load(curriculum)

    module.refresh_from_db()
    assert Revision.objects.count() == revisions + 1
    assert module.latest_revision == module.live_revision
    assert "unclear expectations" in module.body[0].value.source
    # Records that point at a question or an action keep pointing at it.
    assert [block.id for block in module.quiz] == quiz_ids
    assert [block.id for block in module.actions] == action_ids


def test_a_renumbered_module_moves_to_its_new_place(curriculum):
    load(curriculum)
    folder = curriculum / "2-leading-collaborative-teams"
    (folder / "01-protected-planning-time.md").rename(folder / "09-protected-planning-time.md")

    load(curriculum)

    course = CoursePage.objects.get(slug="leading-collaborative-teams")
    assert [module.slug for module in course.modules()][-1] == "protected-planning-time"
    assert course.modules().count() == 5


def test_an_unpublished_module_is_published_again(curriculum):
    load(curriculum)
    module = ModulePage.objects.get(slug="clarifying-roles")
    module.unpublish()

    load(curriculum)

    assert ModulePage.objects.get(slug="clarifying-roles").live


def test_a_module_an_editor_published_is_kept_unless_asked(curriculum, district, capsys):
    load(curriculum)
    module = ModulePage.objects.get(slug="clarifying-roles")
    module.title = "Clarifying our roles"
    module.save_revision(user=district.editor).publish(user=district.editor)
    path = curriculum / "1-stronger-together" / "02-clarifying-roles.md"
    path.write_text(path.read_text().replace("fuzzy expectations", "unclear expectations"))

    call_command("load_curriculum", "--path", str(curriculum))

    assert ModulePage.objects.get(pk=module.pk).title == "Clarifying our roles"
    assert "Kept as editors published them in Wagtail: 1" in capsys.readouterr().out

    call_command("load_curriculum", "--path", str(curriculum), "--overwrite", verbosity=0)

    module.refresh_from_db()
    assert module.title == "Clarifying roles"
    assert "unclear expectations" in module.body[0].value.source


def test_check_reads_every_file_and_writes_nothing(capsys):
    call_command("load_curriculum", "--check")

    assert (
        "2 courses and 14 modules in courses/curriculum/en, "
        "with 2 courses and 14 modules in 'es' are valid."
    ) in capsys.readouterr().out
    assert not CourseIndexPage.objects.exists()


def test_a_failure_while_writing_leaves_nothing_behind(curriculum, monkeypatch):
    def fail(pages):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "_keep_order", fail)

    with pytest.raises(RuntimeError):
        load(curriculum)

    assert not CourseIndexPage.objects.exists()
    assert not Revision.objects.exists()


# Bad files --------------------------------------------------------------------------

BAD_MODULES = {
    "bad TOML": ("minutes = 15", "minutes = ", "minutes =", "invalid TOML"),
    "missing front-matter key": ('summary = "Who does what."\n', "", "+++", "missing 'summary'"),
    "unclosed block": (
        "Ask one clarifying question and note the answer.\n:::\n",
        "Ask one clarifying question and note the answer.\n",
        "::: action para data",
        "never closed",
    ),
    "block inside a block": (
        "Deciding sits with the teacher. Doing is often yours.\n:::\n",
        "Deciding sits with the teacher. Doing is often yours.\n",
        "::: question single",
        "blocks don't nest",
    ),
    "unknown block kind": (
        "::: callout tip",
        "::: sidebar tip",
        "::: sidebar",
        "unknown block kind",
    ),
    "single question with two [x]": (
        "[ ] The para :: Not quite",
        "[x] The para :: Not quite",
        "[x] The para",
        "a single-choice question needs exactly one [x] choice",
    ),
    "who question with a bad answer": ("answer: para", "answer: aide", "answer: aide", "answer is"),
    "too few objectives": (
        'objectives = ["Name who plans.", "Name who records data."]',
        'objectives = ["Name who plans."]',
        "objectives =",
        "2 to 4 objectives",
    ),
    "choice without feedback": (
        "[ ] Home addresses :: No.",
        "[ ] Home addresses",
        "[ ] Home addresses",
        "feedback",
    ),
    "true and false the wrong way round": (
        "[ ] True :: Changes go through the teacher.\n[x] False :: Correct.",
        "[x] False :: Correct.\n[ ] True :: Changes go through the teacher.",
        "[x] False",
        "'True' then 'False'",
    ),
    "too few questions": (
        MODULE[MODULE.index("::: question multiple") : MODULE.index("::: action together")],
        "",
        "::: question who",
        "at least 4 questions (it has 3)",
    ),
    "question after an action": (
        "note the answer.\n:::\n",
        "note the answer.\n:::\n\n::: question truefalse\nprompt: Late?\n[x] True :: Yes.\n"
        "[ ] False :: No.\nexplanation: It is.\n:::\n",
        "::: question truefalse",
        "then questions, then actions",
    ),
    "heading where the block has none": (
        "title: Deciding or doing?\n",
        "title: Deciding or doing?\n## A heading\n",
        "## A heading",
        "a ## heading can't be used in a callout",
    ),
    "a value the editor would refuse": (
        "title: Deciding or doing?",
        "title: " + "Very long title " * 10,
        "title: Very long",
        "title: Ensure this value has at most 120 characters",
    ),
    "HTML": ("Clear roles make", "<b>Clear</b> roles make", "<b>Clear", "HTML isn't allowed"),
    "wrong slug for the file name": (
        'slug = "clear-roles-2"',
        'slug = "other"',
        'slug = "other"',
        "must match the file name",
    ),
}


@pytest.mark.parametrize(
    ("old", "new", "bad_line", "message"), BAD_MODULES.values(), ids=BAD_MODULES
)
def test_a_bad_module_file_is_refused_with_its_line_and_nothing_is_written(
    tmp_path, old, new, bad_line, message
):
    write_course(tmp_path, slug="good-course")
    folder = write_course(tmp_path, modules=2)
    path = folder / "02-clear-roles-2.md"
    text = path.read_text()
    assert old in text
    text = text.replace(old, new, 1)
    path.write_text(text)
    pages = Page.objects.count()

    with pytest.raises(CommandError) as refused:
        load(tmp_path)

    where = f"{path}:{line_of(text, bad_line)}: "
    assert where in str(refused.value)
    assert message in str(refused.value).split(where, 1)[1].splitlines()[0]
    assert Page.objects.count() == pages
    assert not Revision.objects.exists()


def test_a_good_folder_still_reads(tmp_path):
    write_course(tmp_path, modules=2)

    (course,) = read_curriculum(tmp_path)

    assert [module.slug for module in course.modules] == ["clear-roles-1", "clear-roles-2"]
    assert course.intro == "<p>A short intro with <b>bold</b> words.</p>"


def test_every_bad_file_is_named_at_once(tmp_path):
    folder = write_course(tmp_path, modules=2)
    for path in folder.glob("0*.md"):
        path.write_text(path.read_text().replace("answer: para", "answer: aide"))

    with pytest.raises(InvalidCurriculum) as refused:
        read_curriculum(tmp_path)

    assert [error.path.name for error in refused.value.errors] == [
        "01-clear-roles-1.md",
        "02-clear-roles-2.md",
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'audience = "paras"',
            'audience = "everyone"',
            "audience: Value 'everyone' is not a valid",
        ),
        ('title = "A small course"\n', "", "missing 'title'"),
        ("A short intro", "::: callout tip\nA short intro", "course.md holds only Markdown"),
    ],
)
def test_a_bad_course_file_is_refused(tmp_path, old, new, message):
    folder = write_course(tmp_path)
    path = folder / "course.md"
    path.write_text(path.read_text().replace(old, new))

    with pytest.raises(CommandError, match=message):
        load(tmp_path)

    assert not CoursePage.objects.exists()


def test_a_stray_file_name_is_refused(tmp_path):
    folder = write_course(tmp_path)
    shutil.copy(folder / "01-clear-roles-1.md", folder / "notes.md")

    with pytest.raises(CommandError, match=r"notes\.md: module files are named NN-slug\.md"):
        load(tmp_path)
