"""Look-fors: the observable steps of doing an action well. The action block holds
none or two to five; the curriculum's Markdown carries them as ``look_for:`` lines
(read, imported, left alone the second time, refused at their line when there are
too few, too many or two the same); every shipped action has them, and adding a
module's actions to a pair's checklist carries them onto the pair's actions."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils.html import escape
from wagtail.models import Revision

from courses.blocks import TryTomorrowBlock
from courses.curriculum.reader import read_curriculum
from courses.models import ModulePage
from tests.clock import TODAY
from tests.factories import PairFactory
from tests.page_factories import home_page
from tests.test_curriculum_lint import MODULE, the_only_problem, where, write
from workspace.actions import add_module_actions

pytestmark = pytest.mark.django_db

DATA_ACTION = "::: action para data\nAsk one clarifying question and note the answer.\n"
STEPS = (
    "look_for: Asks before the task starts, not halfway through\n"
    "look_for: Repeats the answer back in one sentence\n"
    "look_for: Writes the answer on the tally sheet the same day\n"
)
WITH_LOOK_FORS = MODULE.replace(DATA_ACTION, DATA_ACTION + STEPS)


def with_steps(*steps: str) -> str:
    lines = "".join(f"look_for: {step}\n" for step in steps)
    return MODULE.replace(DATA_ACTION, DATA_ACTION + lines)


def load(root=None) -> None:
    path = ["--path", str(root / "en")] if root else []
    call_command("load_curriculum", *path, verbosity=0)


def the_module(root):
    (course,) = read_curriculum(root / "en")
    (module,) = course.modules
    return module


# The block ------------------------------------------------------------------------------


def action(*steps: str) -> dict:
    return {
        "text": "Offer the break card.",
        "who": "para",
        "records_data": False,
        "look_fors": steps,
    }


@pytest.mark.parametrize("count", [0, 2, 5])
def test_an_action_has_no_look_fors_or_two_to_five(count):
    block = TryTomorrowBlock()
    steps = [f"Step {n}" for n in range(count)]

    assert list(block.clean(block.to_python(action(*steps)))["look_fors"]) == steps


@pytest.mark.parametrize("count", [1, 6])
def test_one_look_for_or_six_is_refused_with_the_reason(count):
    block = TryTomorrowBlock()

    with pytest.raises(ValidationError) as raised:
        block.clean(block.to_python(action(*[f"Step {n}" for n in range(count)])))

    (message,) = raised.value.block_errors["look_fors"].messages
    assert message == f"Write two to five look-fors, or none (this action has {count})."


# The Markdown format ----------------------------------------------------------------------


def test_look_for_lines_are_read_after_the_action_sentence(tmp_path):
    write(tmp_path, WITH_LOOK_FORS)
    module = the_module(tmp_path)

    together, para = module.actions
    assert together.value["look_fors"] == []
    assert para.value["text"] == "Ask one clarifying question and note the answer."
    assert para.value["look_fors"] == [
        "Asks before the task starts, not halfway through",
        "Repeats the answer back in one sentence",
        "Writes the answer on the tally sheet the same day",
    ]


def test_one_look_for_is_refused_at_its_line(tmp_path):
    text = with_steps("Asks before the task starts")
    write(tmp_path, text)

    assert the_only_problem(tmp_path) == where(tmp_path, text, "look_for: Asks") + (
        "look_fors: Write two to five look-fors, or none (this action has 1)."
    )


def test_six_look_fors_are_refused(tmp_path):
    text = with_steps(*[f"Step number {n}" for n in range(1, 7)])
    write(tmp_path, text)

    assert the_only_problem(tmp_path) == where(tmp_path, text, "Step number 1") + (
        "look_fors: Write two to five look-fors, or none (this action has 6)."
    )


def test_a_look_for_before_the_sentence_is_refused(tmp_path):
    text = MODULE.replace(
        DATA_ACTION, "::: action para data\nlook_for: Asks early\nAsk one clarifying question.\n"
    )
    write(tmp_path, text)

    assert the_only_problem(tmp_path) == where(tmp_path, text, "look_for: Asks early") + (
        "an action's 'look_for:' lines come last, after its sentence."
    )


def test_an_empty_look_for_is_refused(tmp_path):
    text = with_steps("Asks early", "Repeats the answer back").replace(
        "look_for: Repeats the answer back", "look_for:"
    )
    write(tmp_path, text)
    empty_line = text.splitlines().index("look_for:") + 1

    assert the_only_problem(tmp_path) == (
        f"{tmp_path}/en/1-small-course/01-clear-roles.md:{empty_line}: 'look_for:' needs a value."
    )


def test_the_lint_refuses_two_look_fors_the_same(tmp_path):
    text = with_steps("Repeats the answer back", "Asks early", "repeats the  answer back")
    write(tmp_path, text)
    first = text.splitlines().index("look_for: Repeats the answer back") + 1

    assert the_only_problem(tmp_path) == where(tmp_path, text, "repeats the  answer") + (
        f"this look-for repeats line {first}: each one names a different step the teacher can see."
    )


# The writer --------------------------------------------------------------------------------


def test_the_writer_imports_them_and_a_second_import_changes_nothing(tmp_path):
    home_page()
    write(tmp_path, WITH_LOOK_FORS)
    load(tmp_path)
    page = ModulePage.objects.get(slug="clear-roles")
    para_action = page.actions[1]
    assert list(para_action.value["look_fors"])[1] == "Repeats the answer back in one sentence"

    revisions = Revision.objects.count()
    load(tmp_path)  # the round trip: the page already says what the file says
    assert Revision.objects.count() == revisions

    # Editing a look-for is one new revision; the action keeps its block id.
    edited = WITH_LOOK_FORS.replace("in one sentence", "in their own words")
    (tmp_path / "en/1-small-course/01-clear-roles.md").write_text(edited)
    load(tmp_path)
    page = ModulePage.objects.get(pk=page.pk)
    assert Revision.objects.count() == revisions + 1
    assert page.actions[1].id == para_action.id
    assert (
        list(page.actions[1].value["look_fors"])[1] == "Repeats the answer back in their own words"
    )


# The shipped curriculum ------------------------------------------------------------------


def test_every_shipped_action_has_two_to_four_look_fors():
    for course in read_curriculum():
        for module in course.modules:
            for block in module.actions:
                assert 2 <= len(block.value["look_fors"]) <= 4, (module.slug, block.line)


def test_loading_the_curriculum_puts_look_fors_on_the_pages_and_the_checklist_carries_them():
    home_page()
    load()
    pages = ModulePage.objects.live().sources()
    assert pages.count() == 14
    for page in pages:
        for block in page.actions:
            assert 2 <= len(block.value["look_fors"]) <= 4, page.slug

    module = pages.get(slug="planning-together")
    pair = PairFactory()
    added = add_module_actions(pair, module, TODAY, added_by=pair.teacher)

    assert added
    assert {action.block_id: action.look_fors for action in pair.actions.filter(module=module)} == {
        block.id: list(block.value["look_fors"]) for block in module.actions
    }


def test_the_module_page_shows_what_doing_each_action_well_looks_like(client):
    home_page()
    load()
    module = ModulePage.objects.live().sources().get(slug="planning-together")
    pair = PairFactory()
    client.force_login(pair.para)

    page = client.get(module.url).text

    assert "What doing it well looks like" in page
    for block in module.actions:
        for look_for in block.value["look_fors"]:
            assert f"<li>{escape(look_for)}</li>" in page
