"""The weekly collaboration plan, the check-in log, and keeping student information minimal."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.clock import TODAY
from tests.factories import signed_in
from workspace.models import CheckIn, WeeklyPlan
from workspace.plans import monday_of, save_plan
from workspace.student_data import (
    INITIALS_ONLY,
    NO_BIRTH_DATES,
    NO_ID_NUMBERS,
    personal_data_errors,
    student_list_errors,
)

pytestmark = pytest.mark.django_db

MONDAY = monday_of(TODAY)


@pytest.fixture
def pair(district):
    district.pair.started_on = TODAY - datetime.timedelta(days=70)
    district.pair.save()
    return district.pair


def plan_url(pair, week=MONDAY) -> str:
    return reverse("weekly_plan_week", args=[pair.pk, week])


def plan_data(version: int, **fields) -> dict:
    data = {
        "students": "J.M., AB",
        "priority_goals": "Ask for help with **two-step** problems.",
        "strategies": "Visual schedule; first-then board.",
        "data_collection": "Tally prompts during maths, Tuesday and Thursday.",
        "communication": "Five minutes before the first bell.",
        "version": str(version),
    }
    data.update(fields)
    return data


# The plan ----------------------------------------------------------------------------


def test_a_partner_writes_this_weeks_plan_and_the_other_sees_who_changed_it(pair):
    para = signed_in(pair.para)
    response = para.get(reverse("weekly_plan", args=[pair.pk]))
    assert response.context["monday"] == MONDAY
    assert response.context["form"]["version"].value() == 0
    response = para.post(plan_url(pair), plan_data(0))
    assert response.status_code == HTTPStatus.FOUND
    plan = WeeklyPlan.objects.get(pair=pair, week_of=MONDAY)
    assert (plan.version, plan.updated_by) == (1, pair.para)

    page = signed_in(pair.teacher).get(plan_url(pair)).content.decode()
    assert f"by {pair.para.get_full_name()}." in page
    assert 'name="version" value="1"' in page


def test_the_teacher_edits_after_the_para_and_the_version_moves_on(pair):
    signed_in(pair.para).post(plan_url(pair), plan_data(0))
    signed_in(pair.teacher).post(plan_url(pair), plan_data(1, strategies="Timer."))
    plan = WeeklyPlan.objects.get(pair=pair, week_of=MONDAY)
    assert (plan.version, plan.strategies, plan.updated_by) == (2, "Timer.", pair.teacher)


def test_concurrent_saves_do_not_lose_an_edit(pair):
    WeeklyPlan.objects.create(pair=pair, week_of=MONDAY, strategies="Before.", version=1)
    para, teacher = signed_in(pair.para), signed_in(pair.teacher)
    # Both open the form at version 1...
    for client in (para, teacher):
        assert client.get(plan_url(pair)).context["form"]["version"].value() == 1
    # ...the para saves first, then the teacher.
    first = para.post(plan_url(pair), plan_data(1, strategies="The para's strategies."))
    assert first.status_code == HTTPStatus.FOUND
    second = teacher.post(plan_url(pair), plan_data(1, strategies="The teacher's strategies."))

    assert second.status_code == HTTPStatus.CONFLICT
    page = second.content.decode()
    assert "Your changes were not saved yet." in page
    assert "<p>The para's strategies.</p>" in page  # theirs, saved, rendered
    assert "The teacher&#x27;s strategies.</textarea>" in page  # yours, kept in the form
    assert 'name="version" value="2"' in page  # a second save is a deliberate one
    plan = WeeklyPlan.objects.get(pair=pair, week_of=MONDAY)
    assert (plan.strategies, plan.version) == ("The para's strategies.", 2)

    # Saving again from the conflict page keeps the teacher's version, knowingly.
    third = teacher.post(plan_url(pair), plan_data(2, strategies="Both, merged."))
    assert third.status_code == HTTPStatus.FOUND
    assert WeeklyPlan.objects.get(pair=pair, week_of=MONDAY).strategies == "Both, merged."


def test_two_first_saves_of_a_new_week_do_not_overwrite_each_other(pair):
    para = save_plan(pair, MONDAY, plan_data(0, strategies="Para's."), 0, pair.para)
    teacher = save_plan(pair, MONDAY, plan_data(0, strategies="Teacher's."), 0, pair.teacher)
    assert not para.conflict and teacher.conflict
    assert teacher.plan.strategies == "Para's."
    assert WeeklyPlan.objects.get(pair=pair, week_of=MONDAY).strategies == "Para's."


def test_a_stale_version_is_refused_by_one_update(pair, django_assert_num_queries):
    WeeklyPlan.objects.create(pair=pair, week_of=MONDAY, version=3)
    with django_assert_num_queries(2):  # the guarded UPDATE, then the row to show
        result = save_plan(pair, MONDAY, plan_data(2), 2, pair.para)
    assert result.conflict and result.plan.version == 3


def test_a_new_week_starts_from_the_last_plan(pair):
    WeeklyPlan.objects.create(
        pair=pair, week_of=MONDAY - datetime.timedelta(weeks=3), strategies="Old."
    )
    WeeklyPlan.objects.create(
        pair=pair, week_of=MONDAY - datetime.timedelta(weeks=1), strategies="Last week's."
    )
    response = signed_in(pair.teacher).get(plan_url(pair))
    form = response.context["form"]
    assert form["strategies"].value() == "Last week's."
    assert form["version"].value() == 0
    assert "Filled in from the week of" in response.content.decode()
    assert not WeeklyPlan.objects.filter(pair=pair, week_of=MONDAY).exists()  # GET writes nothing


def test_a_date_inside_a_week_redirects_to_its_monday(pair):
    wednesday = MONDAY + datetime.timedelta(days=2)
    response = signed_in(pair.para).get(plan_url(pair, wednesday))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == plan_url(pair, MONDAY)


def test_an_impossible_date_is_not_found(pair):
    response = signed_in(pair.para).get(f"/pairs/{pair.pk}/plan/2026-02-30/")
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_earlier_weeks_stay_readable_and_are_listed(pair):
    earlier = MONDAY - datetime.timedelta(weeks=2)
    WeeklyPlan.objects.create(pair=pair, week_of=earlier, priority_goals="Earlier *goal*")
    client = signed_in(pair.teacher)
    assert plan_url(pair, earlier) in client.get(plan_url(pair)).content.decode()
    page = client.get(plan_url(pair, earlier)).content.decode()
    assert "Earlier *goal*" in page  # in the form, as typed


def test_the_administrator_reads_a_plan_rendered(pair, district):
    WeeklyPlan.objects.create(
        pair=pair, week_of=MONDAY, priority_goals="Goal <script>alert(1)</script> *one*"
    )
    page = signed_in(district.school_admin).get(plan_url(pair)).content.decode()
    assert "<em>one</em>" in page
    assert "<script>alert(1)" not in page
    assert '<form method="post" action="' + plan_url(pair) not in page


def test_a_week_before_the_pair_started_is_refused_with_a_form_error(pair):
    before = monday_of(pair.started_on) - datetime.timedelta(weeks=2)
    response = signed_in(pair.para).post(plan_url(pair, before), plan_data(0))
    assert response.status_code == HTTPStatus.OK
    assert "outside the time this pair works together" in response.content.decode()
    assert "J.M., AB" in response.content.decode()
    assert not WeeklyPlan.objects.filter(pair=pair).exists()


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("students", "Jamal Ortiz, AB", INITIALS_ONLY),
        ("students", "Maria", INITIALS_ONLY),
        ("students", "J.M. 3/14/2016", NO_BIRTH_DATES),
        ("students", "J.M. #20481234", NO_ID_NUMBERS),
        ("priority_goals", "J.M. (born March 14, 2016) reads daily.", NO_BIRTH_DATES),
        ("data_collection", "Student 4471923: tally prompts.", NO_ID_NUMBERS),
        ("communication", "Call home re: DOB 2016-03-14.", NO_BIRTH_DATES),
    ],
)
def test_the_plan_refuses_personal_data_saying_why_and_keeps_what_was_typed(
    pair, field, value, message
):
    response = signed_in(pair.para).post(plan_url(pair), plan_data(0, **{field: value}))
    assert response.status_code == HTTPStatus.OK
    assert str(message) in response.context["form"].errors[field]
    page = response.content.decode()
    assert str(message).replace("'", "&#x27;") in page
    assert response.context["form"][field].value() == value
    assert not WeeklyPlan.objects.filter(pair=pair).exists()


@pytest.mark.parametrize("text", ["J.M., AB, K-L", "J. M.; T.R. and AB", "AB", "", "K-L., Q"])
def test_initials_are_accepted(text):
    assert student_list_errors(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Jamal Ortiz", [INITIALS_ONLY]),
        ("jamal", [INITIALS_ONLY]),
        ("AB, Jo", [INITIALS_ONLY]),
        ("AB 12/03/2015", [NO_BIRTH_DATES, INITIALS_ONLY]),
        ("AB 123456", [NO_ID_NUMBERS, INITIALS_ONLY]),
    ],
)
def test_student_lists_that_are_not_initials_are_refused(text, expected):
    assert student_list_errors(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Check in daily at 8:15 for 10 minutes.", []),
        ("Collect on 11/24 and 11/26.", []),
        ("Three prompts, then 2-3 minutes of choice.", []),
        ("Born 3/14/2016", [NO_BIRTH_DATES]),
        ("14 March 2016", [NO_BIRTH_DATES]),
        ("Sept. 3rd, 2015", [NO_BIRTH_DATES]),
        ("2015-09-03", [NO_BIRTH_DATES]),
        ("ID 4471", [NO_ID_NUMBERS]),
        ("DOB 01.02.2015, ID 99887766", [NO_BIRTH_DATES, NO_ID_NUMBERS]),
    ],
)
def test_personal_data_patterns(text, expected):
    assert personal_data_errors(text) == expected


def test_the_plan_form_has_no_file_upload(pair):
    page = signed_in(pair.para).get(plan_url(pair)).content.decode()
    assert 'type="file"' not in page and "multipart" not in page


# The check-in log --------------------------------------------------------------------


def test_a_partner_logs_a_planning_meeting_and_both_see_the_weeks_minutes(pair):
    response = signed_in(pair.teacher).post(
        reverse("check_in_new", args=[pair.pk]),
        {
            "kind": "planning",
            "happened_on": MONDAY.isoformat() if MONDAY <= TODAY else TODAY.isoformat(),
            "minutes": "10",
            "note": "Agreed on the *visual schedule*.",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    check_in = CheckIn.objects.get(pair=pair)
    assert (check_in.author, check_in.kind, check_in.minutes) == (pair.teacher, "planning", 10)

    page = signed_in(pair.para).get(reverse("pair_detail", args=[pair.pk])).content.decode()
    assert "<em>visual schedule</em>" in page
    assert 'value="10"' in page  # the meter
    assert "5 more to reach the goal of 15 to 30 minutes" in page


@pytest.mark.parametrize(
    "minutes, words",
    [
        (0, "No planning meeting logged this week yet."),
        (20, "within the 15–30 minute goal"),
        (45, "more than the 15–30 minute goal"),
    ],
)
@pytest.mark.parametrize("url_name", ["check_ins", "pair_detail"])
def test_planning_time_is_said_in_words(pair, minutes, words, url_name):
    """The check-in log counts the week's minutes; the pair page reads them from its
    weekly planning chart. Both say the same."""
    if minutes:
        CheckIn.objects.create(
            pair=pair, kind=CheckIn.Kind.PLANNING, happened_on=MONDAY, minutes=minutes
        )
    # A check-in that is not a planning meeting, and last week's meeting, do not count.
    CheckIn.objects.create(pair=pair, happened_on=MONDAY, minutes=30)
    CheckIn.objects.create(
        pair=pair,
        kind=CheckIn.Kind.PLANNING,
        happened_on=MONDAY - datetime.timedelta(days=1),
        minutes=30,
    )
    page = signed_in(pair.para).get(reverse(url_name, args=[pair.pk])).content.decode()
    assert words in page
    assert f'value="{minutes}"' in page


@pytest.mark.parametrize(
    "day, minutes, error_field",
    [
        (TODAY + datetime.timedelta(days=1), "10", "happened_on"),  # not yet happened
        (TODAY - datetime.timedelta(days=365), "10", "happened_on"),  # before the pair
        (TODAY, "0", "minutes"),
    ],
)
def test_a_check_in_with_a_bad_date_or_minutes_is_refused_and_keeps_the_note(
    pair, day, minutes, error_field
):
    response = signed_in(pair.para).post(
        reverse("check_in_new", args=[pair.pk]),
        {
            "kind": "check_in",
            "happened_on": day.isoformat(),
            "minutes": minutes,
            "note": "Kept as typed.",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors[error_field]
    assert "Kept as typed." in response.content.decode()
    assert not CheckIn.objects.filter(pair=pair).exists()


def test_a_check_in_note_with_hostile_markdown_is_inert_in_the_log(pair):
    signed_in(pair.para).post(
        reverse("check_in_new", args=[pair.pk]),
        {
            "kind": "check_in",
            "happened_on": TODAY.isoformat(),
            "minutes": "5",
            "note": (
                "<svg onload=alert(1)></svg>[x](JaVaScRiPt:alert(1)) "
                '<a href="java&#x09;script:1">y</a>'
            ),
        },
    )
    page = signed_in(pair.teacher).get(reverse("check_ins", args=[pair.pk])).content.decode()
    assert "<svg" not in page and "onload" not in page and "script:" not in page.lower()
