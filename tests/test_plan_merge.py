"""A stale save of the weekly plan is merged field by field: what only one partner
changed is kept from each, and only the fields both changed are asked about."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.clock import TODAY
from tests.factories import signed_in
from workspace.models import PLAN_FIELDS, WeeklyPlan
from workspace.plans import merge_plan, monday_of, save_plan

pytestmark = pytest.mark.django_db

MONDAY = monday_of(TODAY)
BASE = {
    "students": "J.M., AB",
    "priority_goals": "Two-step problems.",
    "strategies": "Visual schedule.",
    "data_collection": "Tally prompts.",
    "communication": "Before the bell.",
}


def changed(**fields) -> dict[str, str]:
    return {**BASE, **fields}


def test_fields_only_one_side_changed_are_merged():
    merged = merge_plan(BASE, changed(strategies="Timer."), changed(communication="Daily note."))
    assert merged.conflicts == ()
    assert merged.from_partner == ("communication",)
    assert merged.values == changed(strategies="Timer.", communication="Daily note.")


def test_a_field_both_changed_differently_is_a_conflict_and_keeps_mine_in_the_form():
    merged = merge_plan(
        BASE, changed(strategies="Timer.", students="AB"), changed(strategies="Token board.")
    )
    assert merged.conflicts == ("strategies",)
    assert merged.values == changed(strategies="Timer.", students="AB")


def test_the_same_change_on_both_sides_is_no_conflict():
    merged = merge_plan(BASE, changed(strategies="Timer."), changed(strategies="Timer."))
    assert (merged.conflicts, merged.from_partner) == ((), ())


def test_line_endings_do_not_count_as_a_change():
    text = "One.\r\nTwo."
    merged = merge_plan(
        changed(strategies="One.\nTwo."), changed(strategies=text), changed(students="AB")
    )
    assert merged.conflicts == () and merged.values["students"] == "AB"


def test_without_a_base_every_difference_is_asked_about():
    merged = merge_plan(None, changed(strategies="Timer."), changed(communication="Note."))
    assert merged.conflicts == ("strategies", "communication")


def _plan(pair, **fields) -> WeeklyPlan:
    return WeeklyPlan.objects.create(pair=pair, week_of=MONDAY, **changed(**fields))


def test_a_stale_save_of_another_field_lands_and_keeps_the_partners_change(district):
    pair = district.pair
    _plan(pair)
    save_plan(pair, MONDAY, changed(communication="Daily note."), 1, pair.teacher, base=BASE)
    result = save_plan(pair, MONDAY, changed(strategies="Timer."), 1, pair.para, base=BASE)
    assert not result.conflict and result.from_partner == ("communication",)
    plan = WeeklyPlan.objects.get(pair=pair)
    assert (plan.strategies, plan.communication, plan.version) == ("Timer.", "Daily note.", 3)
    assert plan.updated_by == pair.para


def _form_data(response, **fields) -> dict[str, str]:
    """What the browser would post back: every field of the form as shown, then edits."""
    form = response.context["form"]
    data = {
        name: "" if form[name].value() is None else str(form[name].value()) for name in form.fields
    }
    data.update(fields)
    return {name: value for name, value in data.items() if value != "None"}


def test_the_conflict_page_asks_only_about_the_shared_field_side_by_side(district):
    pair = district.pair
    _plan(pair)
    url = reverse("weekly_plan_week", args=[pair.pk, MONDAY])
    para, teacher = signed_in(pair.para), signed_in(pair.teacher)
    para_form, teacher_form = para.get(url), teacher.get(url)

    teacher.post(
        url, _form_data(teacher_form, strategies="Token board.", communication="Daily note.")
    )
    response = para.post(
        url, _form_data(para_form, strategies="Timer.", data_collection="Tally twice.")
    )

    assert response.status_code == HTTPStatus.CONFLICT
    form = response.context["form"]
    assert form.conflicts == ("strategies",)
    page = response.content.decode()
    assert page.count("tag--conflict") == 1
    assert "<p>Token board.</p>" in page  # the partner's, beside
    assert "Timer.</textarea>" in page  # mine, to edit
    # The partner's other change is in the form already; mine too.
    assert form["communication"].value() == "Daily note."
    assert form["data_collection"].value() == "Tally twice."
    plan = WeeklyPlan.objects.get(pair=pair)
    assert (plan.strategies, plan.data_collection, plan.version) == (
        "Token board.",
        "Tally prompts.",
        2,
    )

    # Keeping the partner's version of the shared field, and my other change.
    done = para.post(url, _form_data(response, keep_strategies="theirs"))
    assert done.status_code == HTTPStatus.FOUND
    plan.refresh_from_db()
    assert {name: getattr(plan, name) for name in PLAN_FIELDS} == changed(
        strategies="Token board.", communication="Daily note.", data_collection="Tally twice."
    )


def test_choosing_mine_on_the_conflict_page_saves_my_text(district):
    pair = district.pair
    _plan(pair)
    url = reverse("weekly_plan_week", args=[pair.pk, MONDAY])
    para, teacher = signed_in(pair.para), signed_in(pair.teacher)
    para_form, teacher_form = para.get(url), teacher.get(url)
    teacher.post(url, _form_data(teacher_form, strategies="Token board."))
    conflict = para.post(url, _form_data(para_form, strategies="Timer."))
    done = para.post(url, _form_data(conflict, strategies="Timer, then token board."))
    assert done.status_code == HTTPStatus.FOUND
    assert WeeklyPlan.objects.get(pair=pair).strategies == "Timer, then token board."


def test_a_merged_save_says_the_partners_changes_were_kept(district):
    pair = district.pair
    _plan(pair)
    url = reverse("weekly_plan_week", args=[pair.pk, MONDAY])
    para, teacher = signed_in(pair.para), signed_in(pair.teacher)
    para_form, teacher_form = para.get(url), teacher.get(url)
    teacher.post(url, _form_data(teacher_form, communication="Daily note."))
    response = para.post(url, _form_data(para_form, strategies="Timer."), follow=True)
    assert "their changes to communication method and frequency are kept too" in (
        response.content.decode()
    )
