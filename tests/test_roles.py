"""The role vocabulary (accounts.roles): its values are stored in rows and in
StreamField JSON, so they stay as they are; the code that reads them by name
agrees with them."""

import pytest

from accounts.roles import AccessRole, ActionWho, LearnerRole, PairRole, WhoDoesThisAnswer
from courses.blocks import WhoDoesThisQuestionBlock
from workspace.models import DONE_FIELDS, PairAction


@pytest.mark.parametrize(
    ("vocabulary", "stored"),
    [
        (LearnerRole, ["para", "teacher", ""]),
        (PairRole, ["para", "teacher"]),
        (ActionWho, ["together", "teacher", "para"]),
        # In the order the quiz offers them.
        (WhoDoesThisAnswer, ["teacher", "para", "both"]),
        (AccessRole, ["para", "teacher", "school_administrator", "district_administrator"]),
    ],
)
def test_stored_values_do_not_change(vocabulary, stored):
    assert vocabulary.values == stored


def test_a_partner_is_named_alike_in_every_list():
    lists = (PairRole, ActionWho, WhoDoesThisAnswer, AccessRole)
    for role in PairRole:
        names = {vocabulary(role.value).label for vocabulary in lists}
        assert names == {LearnerRole(role.value).label}
    assert [role.counterpart for role in PairRole] == [PairRole.TEACHER, PairRole.PARA]


def test_every_partner_has_a_key_and_every_answer_its_feedback():
    fields = {field.name for field in PairAction._meta.get_fields()}
    assert set(DONE_FIELDS) == set(PairRole)
    assert set(DONE_FIELDS.values()) <= fields
    feedback = {f"feedback_{answer}" for answer in WhoDoesThisAnswer.values}
    assert feedback <= set(WhoDoesThisQuestionBlock().child_blocks)
