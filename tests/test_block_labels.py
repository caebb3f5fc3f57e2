"""What an editor reads in the module editor: a label and a help text on every
field of every block, and a new choice question that opens ready to fill in."""

import pytest
from wagtail import blocks

from courses.blocks import (
    ACTION_BLOCKS,
    MODULE_BODY_BLOCKS,
    QUIZ_BLOCKS,
    MultipleSelectQuestionBlock,
    SingleChoiceQuestionBlock,
)


def struct_fields(block, path=""):
    """Every (path, child) of the project's StructBlocks in and under ``block``
    (Wagtail's own, such as its image block, come with their labels)."""
    if isinstance(block, blocks.StructBlock) and type(block).__module__ == "courses.blocks":
        for name, child in block.child_blocks.items():
            yield f"{path}.{name}", child
            yield from struct_fields(child, f"{path}.{name}")
    elif isinstance(block, blocks.ListBlock):
        yield from struct_fields(block.child_block, path)


def help_text_of(block) -> str:
    # A field block keeps it on its form field; a list or struct block in its meta.
    form_field = getattr(block, "field", None)
    return form_field.help_text if form_field else getattr(block.meta, "help_text", "")


FIELDS = [
    pair
    for name, block in MODULE_BODY_BLOCKS + QUIZ_BLOCKS + ACTION_BLOCKS
    for pair in struct_fields(block, name)
]


def test_there_are_fields_to_check():
    assert len(FIELDS) > 40


@pytest.mark.parametrize("path, field", FIELDS, ids=[path for path, _ in FIELDS])
def test_every_block_field_has_a_written_label_and_help(path, field):
    # Wagtail makes a label from the name when none is given ("Feedback para"):
    # meta.label holds only one written for editors.
    assert field.meta.label, f"{path} has only a generated label"
    assert help_text_of(field), f"{path} has no help text"


def test_who_does_this_feedback_says_which_answer_it_is_for():
    block = dict(QUIZ_BLOCKS)["who_does_this"]
    assert block.child_blocks["feedback_para"].label == "Feedback if they answer “Para”"
    assert block.child_blocks["feedback_both"].label == "Feedback if they answer “Both”"


@pytest.mark.parametrize("block_class", [SingleChoiceQuestionBlock, MultipleSelectQuestionBlock])
def test_a_new_choice_question_opens_with_the_two_choices_it_needs(block_class):
    block = block_class()
    choices = block.child_blocks["choices"]
    state = choices.get_form_state(block.get_default()["choices"])
    assert len(state) == choices.meta.min_num == 2
    # Two independent choices, not one shown twice.
    assert state[0]["id"] != state[1]["id"]
