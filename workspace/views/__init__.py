"""The pair's workspace. Every view takes its pair from ``workspace.access.pair_view``,
which answers 404 to anyone who is not a partner or one of the school's administrators."""

from workspace.views.check_ins import check_in_new, check_ins
from workspace.views.checklist import (
    pair_action_add,
    pair_action_coach,
    pair_action_confirm,
    pair_action_measure,
    pair_action_new,
    pair_action_record,
    pair_action_undo,
    pair_actions,
    pair_measure_record,
)
from workspace.views.common import PER_PAGE
from workspace.views.pairs import my_pairs, pair_courses, pair_detail, waiting_open
from workspace.views.plan import weekly_plan

__all__ = [
    "PER_PAGE",
    "check_in_new",
    "check_ins",
    "my_pairs",
    "pair_action_add",
    "pair_action_coach",
    "pair_action_confirm",
    "pair_action_measure",
    "pair_action_new",
    "pair_action_record",
    "pair_action_undo",
    "pair_actions",
    "pair_courses",
    "pair_detail",
    "pair_measure_record",
    "waiting_open",
    "weekly_plan",
]
