"""The pair's workspace: the pair page, the try-tomorrow checklist and who may do what."""

import datetime
from dataclasses import dataclass
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Locale

from content.markdown import render_markdown
from courses.models import Assignment, ModulePage, ModuleProgress
from pairs.models import Pair
from tests.clock import TODAY
from tests.factories import PairFactory, TeacherFactory, signed_in
from tests.page_factories import home_page, make_course, make_module, try_tomorrow
from workspace.actions import add_module_actions
from workspace.health import pair_health
from workspace.models import (
    CheckIn,
    FidelityCheck,
    Measure,
    MeasureDay,
    Notification,
    PairAction,
    WeeklyPlan,
)
from workspace.notifications import notify
from workspace.plans import monday_of

pytestmark = pytest.mark.django_db

TOMORROW = TODAY + datetime.timedelta(days=1)
YESTERDAY = TODAY - datetime.timedelta(days=1)


@dataclass
class Workspace:
    district: object
    course: object
    module: object
    action: PairAction  # a "together" action on district.pair, from the module
    plan: WeeklyPlan

    @property
    def pair(self):
        return self.district.pair


@pytest.fixture
def ws(district) -> Workspace:
    # Pairs in the fixture start on a fixed date; the tests work relative to today.
    for pair in (district.pair, district.other_pair, district.far_pair):
        pair.started_on = TODAY - datetime.timedelta(days=70)
        pair.save()
    course = make_course("Stronger Together", modules=1)
    module = course.modules().first().specific
    action = PairAction.objects.create(
        pair=district.pair,
        module=module,
        block_id=module.actions[0].id,
        text=module.actions[0].value["text"],
        planned_for=TODAY,
    )
    plan = WeeklyPlan.objects.create(
        pair=district.pair, week_of=monday_of(TODAY), students="J.M.", priority_goals="Read"
    )
    return Workspace(district, course, module, action, plan)


def url(name: str, ws: Workspace, pair=None) -> str:
    pk = (pair or ws.pair).pk
    args = {
        "my_pairs": [],
        "pair_action_confirm": [pk, ws.action.pk],
        "pair_action_undo": [pk, ws.action.pk],
        "pair_action_record": [pk, ws.action.pk],
        "weekly_plan_week": [pk, ws.plan.week_of.isoformat()],
    }.get(name, [pk])
    return reverse(name, args=args)


# Every pair URL, with data that would change something if the request were let through.
def write_data(name: str, ws: Workspace) -> dict:
    return {
        "pair_action_add": {"module_id": ws.module.pk, "planned_for": TOMORROW.isoformat()},
        "pair_action_new": {
            "text": "Outsider's action",
            "who": "together",
            "planned_for": TOMORROW.isoformat(),
        },
        "pair_action_confirm": {"confirmed": "1"},
        "pair_action_undo": {},
        "pair_action_record": {"note": "Outsider's note", "outcome": "helped"},
        "weekly_plan": {"students": "Z.Z.", "priority_goals": "Outsider", "version": "1"},
        "weekly_plan_week": {"students": "Z.Z.", "priority_goals": "Outsider", "version": "1"},
        "check_in_new": {"kind": "check_in", "happened_on": TODAY.isoformat(), "minutes": "10"},
    }.get(name, {})


PAIR_URLS = [
    "pair_detail",
    "pair_courses",
    "pair_actions",
    "pair_action_add",
    "pair_action_new",
    "pair_action_confirm",
    "pair_action_undo",
    "pair_action_record",
    "weekly_plan",
    "weekly_plan_week",
    "check_ins",
    "check_in_new",
]
READ_URLS = [
    "pair_detail",
    "pair_courses",
    "pair_actions",
    "weekly_plan",
    "weekly_plan_week",
    "check_ins",
]
WRITE_URLS = [
    "pair_action_add",
    "pair_action_new",
    "pair_action_confirm",
    "pair_action_undo",
    "pair_action_record",
    "weekly_plan",
    "weekly_plan_week",
    "check_in_new",
]


def snapshot(pair) -> tuple:
    """What a write to the pair would change."""
    return (
        list(PairAction.objects.filter(pair=pair).values()),
        list(WeeklyPlan.objects.filter(pair=pair).values()),
        list(CheckIn.objects.filter(pair=pair).values()),
    )


# Access ------------------------------------------------------------------------------


OUTSIDERS = {
    "para of another pair": lambda d: d.other_pair.para,
    "teacher of another pair": lambda d: d.other_pair.teacher,
    "administrator of another school": lambda d: d.other_school_admin,
    "editor": lambda d: d.editor,
}


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", PAIR_URLS)
def test_outsiders_get_404_on_every_pair_url_and_change_nothing(ws, method, name):
    before = snapshot(ws.pair)
    for who, outsider in OUTSIDERS.items():
        client = signed_in(outsider(ws.district))
        response = getattr(client, method)(url(name, ws), write_data(name, ws))
        assert response.status_code == HTTPStatus.NOT_FOUND, who
    assert snapshot(ws.pair) == before


def test_a_signed_out_visitor_is_sent_to_sign_in(ws):
    response = Client().get(url("pair_detail", ws))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("who", ["para", "teacher", "school_admin", "district_admin"])
@pytest.mark.parametrize("name", READ_URLS)
def test_partners_and_the_schools_administrators_can_read(ws, who, name):
    response = signed_in(getattr(ws.district, who)).get(url(name, ws))
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("name", WRITE_URLS)
def test_the_school_administrator_can_read_but_not_write(ws, name):
    before = snapshot(ws.pair)
    response = signed_in(ws.district.school_admin).post(url(name, ws), write_data(name, ws))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "only the two partners can change it" in response.content.decode()
    assert snapshot(ws.pair) == before


def test_the_administrator_sees_no_buttons_to_change_anything(ws):
    page = signed_in(ws.district.school_admin).get(url("pair_detail", ws)).content.decode()
    assert "reading this pair's workspace as an administrator" in page
    assert "I did my part" not in page
    assert reverse("check_in_new", args=[ws.pair.pk]) not in page


@pytest.fixture
def ended(ws):
    ws.pair.ended_on = TODAY - datetime.timedelta(days=1)
    ws.pair.save()
    return ws


@pytest.mark.parametrize("name", WRITE_URLS)
def test_an_ended_pair_is_read_only(ended, name):
    before = snapshot(ended.pair)
    response = signed_in(ended.district.para).post(url(name, ended), write_data(name, ended))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "can no longer be changed" in response.content.decode()
    assert snapshot(ended.pair) == before


@pytest.mark.parametrize("name", READ_URLS)
def test_an_ended_pair_stays_readable_to_its_partners(ended, name):
    response = signed_in(ended.district.teacher).get(url(name, ended))
    assert response.status_code == HTTPStatus.OK
    assert "I did my part" not in response.content.decode()


def test_get_does_not_confirm(ws):
    response = signed_in(ws.district.para).get(url("pair_action_confirm", ws))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    ws.action.refresh_from_db()
    assert ws.action.para_done_at is None


def test_an_action_of_another_pair_is_404_even_under_ones_own_pair(ws):
    """Swapping the action id in a URL of one's own pair must not reach another pair's row."""
    theirs = PairAction.objects.create(
        pair=ws.district.other_pair, text="Theirs", planned_for=TODAY
    )
    response = signed_in(ws.district.para).post(
        reverse("pair_action_confirm", args=[ws.pair.pk, theirs.pk]), {"confirmed": "1"}
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    theirs.refresh_from_db()
    assert theirs.para_done_at is None


# My pairs and the pair page ----------------------------------------------------------


def test_my_pairs_lists_each_pair_with_what_waits(ws):
    second = PairFactory(
        school=ws.district.school,
        para=ws.district.para,
        teacher=TeacherFactory(first_name="Rosa", last_name="Diaz"),
        started_on=TODAY - datetime.timedelta(days=10),
    )
    PairAction.objects.create(pair=second, text="Past", planned_for=YESTERDAY)
    page = signed_in(ws.district.para).get(reverse("my_pairs")).content.decode()
    assert reverse("pair_detail", args=[ws.pair.pk]) in page
    assert reverse("pair_detail", args=[second.pk]) in page
    assert "Rosa Diaz" in page
    assert "Waiting on you" in page
    assert "This week has a plan" in page  # ws.pair's plan


def test_my_pairs_does_not_list_other_peoples_pairs(ws):
    page = signed_in(ws.district.school_admin).get(reverse("my_pairs")).content.decode()
    assert reverse("pair_detail", args=[ws.pair.pk]) not in page
    assert "not in a pair yet" in page


def test_the_pair_page_links_to_the_partners_courses_side_by_side(ws):
    second_module = make_module(ws.course, title="Boundaries")
    Assignment.objects.create(
        user=ws.district.para, page=ws.course, due_on=TOMORROW, assigned_by=None
    )
    passed_on = timezone.make_aware(datetime.datetime(2026, 10, 5, 12))
    ModuleProgress.objects.create(
        user=ws.district.teacher,
        module=ws.module,
        read_at=passed_on,
        passed_at=passed_on,
        completed_at=passed_on,
    )
    ModuleProgress.objects.create(user=ws.district.para, module=second_module)
    response = signed_in(ws.district.para).get(url("pair_detail", ws))
    assert f"You and {ws.district.teacher.get_full_name()}" in response.content.decode()
    assert url("pair_courses", ws) in response.content.decode()
    response = signed_in(ws.district.para).get(url("pair_courses", ws))
    page = response.content.decode()
    assert f"You and {ws.district.teacher.get_full_name()}" in page
    rows = {row.module.pk: row for row in response.context["courses"][0].modules}
    assert rows[ws.module.pk].teacher.state == "complete"
    assert rows[ws.module.pk].para.state == "not_started"
    assert rows[second_module.pk].para.state == "in_progress"
    assert (rows[ws.module.pk].actions_total, rows[ws.module.pk].actions_done) == (1, 0)
    assert "Passed Oct. 5, 2026" in page
    assert "In progress" in page and "Not started" in page


def test_the_pairs_courses_include_those_whose_actions_the_pair_took_on(ws):
    """A course neither partner was assigned nor started shows once the pair takes
    on one of its module's actions; an untouched course does not."""
    from_an_action = make_course("From an action", modules=2)
    make_course("Untouched", modules=1)
    PairAction.objects.create(
        pair=ws.pair,
        module=from_an_action.get_children().specific()[1],
        text="Try the cue.",
        planned_for=TOMORROW,
    )
    courses = signed_in(ws.district.para).get(url("pair_courses", ws)).context["courses"]
    assert [row.course.title for row in courses] == [ws.course.title, "From an action"]


def make_history(pair, module, actions: int, check_ins: int, plans: int, modules: int):
    course = make_course(f"Course for {actions}", modules=modules)
    Assignment.objects.create(user=pair.para, page=course, due_on=TOMORROW)
    for number in range(actions):
        PairAction.objects.create(
            pair=pair,
            module=module if number % 2 else None,
            text=f"Action {number}",
            records_data=True,
            note=f"Note **{number}**",
            planned_for=TODAY - datetime.timedelta(days=number % 60),
            para_done_at=timezone.now() if number % 3 else None,
        )
    for number in range(check_ins):
        CheckIn.objects.create(
            pair=pair,
            author=pair.para,
            kind=CheckIn.Kind.PLANNING if number % 2 else CheckIn.Kind.CHECK_IN,
            happened_on=TODAY - datetime.timedelta(days=number % 60),
            minutes=10,
            note=f"Met about *{number}*",
        )
    for number in range(1, plans + 1):
        WeeklyPlan.objects.create(
            pair=pair, week_of=monday_of(TODAY) - datetime.timedelta(weeks=number)
        )
    # Measures kept day by day, the teacher's looks, and what waits on the para.
    for action in pair.actions.order_by("pk")[:actions]:
        action.look_fors = ["Cue first.", "Wait five seconds.", "Praise the try."]
        action.save(update_fields=["look_fors"])
        measure = Measure.objects.create(
            action=action, kind=Measure.Kind.COUNT, what="used the break card", student="J.M."
        )
        MeasureDay.objects.bulk_create(
            MeasureDay(measure=measure, day=TODAY - datetime.timedelta(days=day), value=day % 4)
            for day in range(actions * 3)
        )
        FidelityCheck.objects.create(action=action, observer=pair.teacher, seen=[0, 2], total=3)
        Notification.objects.create(
            recipient=pair.para, actor=pair.teacher, pair=pair, action=action, kind="feedback"
        )


@pytest.mark.parametrize("size", [1, 30])
def test_the_pair_page_query_count_does_not_grow(ws, size, django_assert_max_num_queries):
    make_history(ws.pair, ws.module, actions=size, check_ins=size, plans=size, modules=size)
    client = signed_in(ws.district.para)
    # 22 on a first visit, 18 once its notes are rendered and kept. The courses side
    # by side, which took 4 more, have a page of their own (below).
    with django_assert_max_num_queries(22):
        response = client.get(url("pair_detail", ws))
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("size", [1, 30])
def test_the_pairs_courses_query_count_does_not_grow(ws, size, django_assert_num_queries):
    make_history(ws.pair, ws.module, actions=size, check_ins=size, plans=size, modules=size)
    client = signed_in(ws.district.para)
    client.get(url("pair_courses", ws))  # the sites' root paths, looked up and kept
    # The session, the person, the pair, the header's count; then the partners'
    # course paths, the courses, their modules, both partners' statuses and the
    # pair's actions counted by module.
    with django_assert_num_queries(9):
        response = client.get(url("pair_courses", ws))
    assert response.status_code == HTTPStatus.OK
    assert f"Course for {size}" in response.content.decode()


@pytest.mark.parametrize("name", ["pair_actions", "check_ins", "weekly_plan", "my_pairs"])
@pytest.mark.parametrize("size", [1, 30])
def test_workspace_lists_query_count_does_not_grow(ws, name, size, django_assert_max_num_queries):
    make_history(ws.pair, ws.module, actions=size, check_ins=size, plans=size, modules=1)
    client = signed_in(ws.district.para)
    with django_assert_max_num_queries(20):
        response = client.get(url(name, ws))
    assert response.status_code == HTTPStatus.OK


# The checklist -----------------------------------------------------------------------


def test_the_pair_page_shows_open_actions_in_planned_order_and_the_latest_done(ws):
    from workspace.overview import DONE_ACTIONS_SHOWN, OPEN_ACTIONS_SHOWN

    ws.action.delete()
    now = timezone.now()
    planned = [TODAY - datetime.timedelta(days=n) for n in range(OPEN_ACTIONS_SHOWN + 2)]
    for day in reversed(planned):  # made out of order: the page orders them
        PairAction.objects.create(pair=ws.pair, text=f"Open {day}", planned_for=day)
    for n in range(DONE_ACTIONS_SHOWN + 2):
        PairAction.objects.create(
            pair=ws.pair,
            text=f"Done {n}",
            planned_for=TODAY - datetime.timedelta(days=n),
            para_done_at=now,
            teacher_done_at=now,
        )
    overview = signed_in(ws.district.para).get(url("pair_detail", ws)).context["overview"]
    assert [item.action.text for item in overview.open_actions] == [
        f"Open {day}" for day in sorted(planned)[:OPEN_ACTIONS_SHOWN]
    ]
    assert overview.more_open_actions
    assert [item.action.text for item in overview.done_actions] == [
        f"Done {n}" for n in range(DONE_ACTIONS_SHOWN)
    ]


def confirm(client, ws, action=None):
    action = action or ws.action
    return client.post(
        reverse("pair_action_confirm", args=[ws.pair.pk, action.pk]), {"confirmed": "1"}
    )


def test_both_partners_confirm_from_two_clients_and_the_pair_sees_it_done(ws):
    para, teacher = signed_in(ws.district.para), signed_in(ws.district.teacher)
    assert confirm(para, ws).status_code == HTTPStatus.FOUND
    ws.action.refresh_from_db()
    assert not ws.action.is_done

    page = teacher.get(url("pair_detail", ws)).content.decode()
    assert "did their part" in page and "Done lately" not in page

    response = confirm(teacher, ws)
    assert response.status_code == HTTPStatus.FOUND
    ws.action.refresh_from_db()
    assert ws.action.is_done
    for client in (para, teacher):
        overview = client.get(url("pair_detail", ws)).context["overview"]
        assert [item.action.pk for item in overview.done_actions] == [ws.action.pk]
        assert overview.open_actions == []


def test_confirming_three_times_sets_the_key_once(ws):
    client = signed_in(ws.district.para)
    confirm(client, ws)
    ws.action.refresh_from_db()
    first = ws.action.para_done_at
    assert first is not None
    for _ in range(2):
        assert confirm(client, ws).status_code == HTTPStatus.FOUND
    ws.action.refresh_from_db()
    assert ws.action.para_done_at == first
    assert ws.action.teacher_done_at is None
    messages = [str(m) for m in client.get(url("pair_detail", ws)).context["messages"]]
    assert "Your part was already marked as done." in messages


def test_confirm_without_confirmed_1_changes_nothing(ws):
    response = signed_in(ws.district.para).post(url("pair_action_confirm", ws), {})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    ws.action.refresh_from_db()
    assert ws.action.para_done_at is None


def test_undo_is_a_separate_action_that_clears_only_ones_own_key(ws):
    confirm(signed_in(ws.district.para), ws)
    confirm(signed_in(ws.district.teacher), ws)
    signed_in(ws.district.teacher).post(url("pair_action_undo", ws))
    ws.action.refresh_from_db()
    assert ws.action.para_done_at is not None
    assert ws.action.teacher_done_at is None
    assert not ws.action.is_done


@pytest.mark.parametrize("who, other", [("para", "teacher"), ("teacher", "para")])
def test_an_action_for_one_partner_is_done_when_that_partner_confirms(ws, who, other):
    solo = PairAction.objects.create(pair=ws.pair, text="Solo", who=who, planned_for=TODAY)
    response = confirm(signed_in(getattr(ws.district, other)), ws, solo)
    solo.refresh_from_db()
    assert (solo.para_done_at, solo.teacher_done_at) == (None, None)
    follow = signed_in(getattr(ws.district, other)).get(response.url)
    assert follow.status_code == HTTPStatus.OK
    confirm(signed_in(getattr(ws.district, who)), ws, solo)
    solo.refresh_from_db()
    assert solo.is_done


def test_a_past_action_prompts_each_partner_differently(ws):
    ws.action.planned_for = YESTERDAY
    ws.action.save()
    confirm(signed_in(ws.district.para), ws)
    para_page = signed_in(ws.district.para).get(url("pair_detail", ws)).content.decode()
    teacher_page = signed_in(ws.district.teacher).get(url("pair_detail", ws)).content.decode()
    assert "Waiting on your partner" in para_page and "Waiting on you:" not in para_page
    assert "Waiting on you:" in teacher_page and "Waiting on your partner" not in teacher_page
    assert "status--waiting" in teacher_page


def test_an_action_planned_for_today_is_not_waiting_yet(ws):
    page = signed_in(ws.district.teacher).get(url("pair_detail", ws)).content.decode()
    assert "Waiting" not in page
    assert "Planned" in page


def test_a_partner_adds_a_modules_actions_for_tomorrow_and_twice_adds_nothing(ws):
    module = make_module(
        ws.course,
        title="Data together",
        actions=[try_tomorrow("Agree on one cue."), try_tomorrow("Count prompts.", data=True)],
    )
    client = signed_in(ws.district.teacher)
    data = {"module_id": module.pk, "planned_for": TOMORROW.isoformat(), "next": module.url}
    response = client.post(url("pair_action_add", ws), data)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == module.url
    added = PairAction.objects.filter(pair=ws.pair, module=module)
    assert sorted(added.values_list("text", "records_data", "planned_for")) == [
        ("Agree on one cue.", False, TOMORROW),
        ("Count prompts.", True, TOMORROW),
    ]
    assert added.first().added_by == ws.district.teacher
    client.post(url("pair_action_add", ws), data)
    assert PairAction.objects.filter(pair=ws.pair, module=module).count() == 2


def test_adding_follows_no_offsite_next(ws):
    response = signed_in(ws.district.para).post(
        url("pair_action_add", ws),
        {
            "module_id": ws.module.pk,
            "planned_for": TOMORROW.isoformat(),
            "next": "https://evil.example/",
        },
    )
    assert response.url == reverse("pair_detail", args=[ws.pair.pk])


@pytest.mark.parametrize(
    "day",
    [
        TODAY - datetime.timedelta(days=71),  # before the pair started
        "not-a-date",
    ],
)
def test_adding_for_a_day_outside_the_pair_is_refused_and_keeps_the_form(ws, day):
    day = day.isoformat() if isinstance(day, datetime.date) else day
    response = signed_in(ws.district.para).post(
        url("pair_action_add", ws), {"module_id": ws.module.pk, "planned_for": day}
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["planned_for"]
    assert f'value="{day}"' in response.content.decode()
    assert PairAction.objects.filter(pair=ws.pair).count() == 1


def test_a_partner_writes_an_action_of_their_own(ws):
    client = signed_in(ws.district.para)
    assert client.get(url("pair_action_new", ws)).context["form"]["planned_for"].value() == (
        TOMORROW
    )
    response = client.post(
        url("pair_action_new", ws),
        {"text": "Swap roles at snack time.", "who": "para", "planned_for": TODAY.isoformat()},
    )
    assert response.status_code == HTTPStatus.FOUND
    action = PairAction.objects.get(pair=ws.pair, text="Swap roles at snack time.")
    assert (action.who, action.module, action.block_id, action.added_by) == (
        "para",
        None,
        "",
        ws.district.para,
    )


def test_an_own_action_outside_the_period_is_refused_and_keeps_what_was_typed(ws):
    response = signed_in(ws.district.para).post(
        url("pair_action_new", ws),
        {
            "text": "Typed with care.",
            "who": "together",
            "planned_for": (TODAY - datetime.timedelta(days=400)).isoformat(),
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert "Pick a day while this pair works together" in response.content.decode()
    assert "Typed with care." in response.content.decode()


def test_a_record_with_hostile_markdown_renders_inert_on_the_pair_page(ws):
    ws.action.records_data = True
    ws.action.save()
    hostile = (
        "It **helped**. <script>alert('x')</script> [more](javascript:alert(1)) "
        '<img src=x onerror="alert(1)"> [guide](https://ok.example)'
    )
    client = signed_in(ws.district.teacher)
    response = client.post(url("pair_action_record", ws), {"note": hostile, "outcome": "helped"})
    assert response.status_code == HTTPStatus.FOUND
    page = client.get(url("pair_detail", ws)).content.decode()
    assert render_markdown(hostile) in page
    assert "<script>alert" not in page and "onerror" not in page and "javascript:" not in page
    assert '<a href="https://ok.example" rel="nofollow noopener">guide</a>' in page
    assert "It helped." in page


@pytest.mark.parametrize("name", ["pair_detail", "pair_actions"])
def test_what_people_typed_shows_as_text_in_an_action(ws, name):
    """Each action is built as HTML in Python (``workspace.markup``): every
    value in it is escaped, as the template engine would."""
    ws.action.text = "Cue <b>first</b>\nthen wait & see"
    ws.action.look_fors = ["Say <i>when</i>."]
    ws.action.save()
    teacher = ws.district.teacher
    teacher.first_name = "Ana <em>"
    teacher.save()
    FidelityCheck.objects.create(
        action=ws.action,
        observer=teacher,
        seen=[0],
        total=1,
        feedback='Nice <img src=x onerror="x">',
    )
    Measure.objects.create(
        action=ws.action, kind=Measure.Kind.COUNT, what="<u>asks</u>", student="J&M"
    )
    page = signed_in(ws.district.para).get(url(name, ws)).content.decode()
    assert "Cue &lt;b&gt;first&lt;/b&gt;<br>then wait &amp; see" in page
    assert "<li>Say &lt;i&gt;when&lt;/i&gt;.</li>" in page
    assert "Feedback from Ana &lt;em&gt;" in page
    assert "“Nice &lt;img src=x onerror=&quot;x&quot;&gt;”" in page
    assert "Record today: J&amp;M, &lt;u&gt;asks&lt;/u&gt;" in page
    assert "<b>first" not in page and "<img src=x" not in page and "<em>" not in page


def test_a_check_in_shows_what_people_typed_as_text_wherever_it_is_listed(ws):
    """A check-in, built as HTML in Python too: on the pair page, in the log, and on
    the page where the partner confirms it."""
    para = ws.district.para
    para.first_name, para.last_name = "Zoe <em>", "Nair & Co"
    para.save()
    check_in = CheckIn.objects.create(
        pair=ws.pair, author=para, happened_on=YESTERDAY, minutes=1, note="<b>Met</b> *briefly*"
    )
    teacher = signed_in(ws.district.teacher)
    for page_url in (
        url("pair_detail", ws),
        url("check_ins", ws),
        reverse("hours:confirm_check_in", args=[check_in.pk]),
    ):
        page = teacher.get(page_url).content.decode()
        assert "· 1 minute · logged by Zoe &lt;em&gt; Nair &amp; Co on" in page, page_url
        assert render_markdown(check_in.note) in page
        assert "<em> Nair" not in page


def test_saving_a_record_does_not_undo_a_partners_confirmation(ws):
    """The record form was loaded before the partner confirmed; saving it keeps their key."""
    ws.action.records_data = True
    ws.action.save()
    client = signed_in(ws.district.teacher)
    client.get(url("pair_action_record", ws))
    confirm(signed_in(ws.district.para), ws)
    client.post(url("pair_action_record", ws), {"note": "Went well.", "outcome": "helped"})
    ws.action.refresh_from_db()
    assert ws.action.para_done_at is not None
    assert ws.action.note == "Went well."


def test_a_record_needs_an_outcome_and_keeps_the_note(ws):
    ws.action.records_data = True
    ws.action.save()
    response = signed_in(ws.district.para).post(
        url("pair_action_record", ws), {"note": "Half the class joined in."}
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["outcome"]
    assert "Half the class joined in." in response.content.decode()


def test_an_action_that_asks_for_no_data_has_no_record_page(ws):
    response = signed_in(ws.district.para).get(url("pair_action_record", ws))
    assert response.status_code == HTTPStatus.NOT_FOUND


# The module page's form --------------------------------------------------------------


def render_tag(user, page) -> str:
    request = RequestFactory().get(page.url)
    request.user = user
    return Template("{% load checklist_tags %}{% add_to_checklist page %}").render(
        Context({"request": request, "page": page, "csrf_token": "token"})
    )


def test_the_tag_offers_one_button_for_one_pair_defaulting_to_tomorrow(ws):
    html = render_tag(ws.district.teacher, ws.module)
    assert f'action="{url("pair_action_add", ws)}"' in html
    assert f'value="{TOMORROW.isoformat()}"' in html
    assert "Add these actions to our checklist" in html
    assert "formaction" not in html
    assert "Already on your checklist" in html  # ws.action came from this module


def test_the_tag_lets_a_person_with_several_pairs_choose(ws):
    second = PairFactory(
        school=ws.district.school,
        para=ws.district.para,
        started_on=TODAY - datetime.timedelta(days=5),
    )
    html = render_tag(ws.district.para, ws.module)
    for pair in (ws.pair, second):
        assert f'formaction="{reverse("pair_action_add", args=[pair.pk])}"' in html
        assert pair.teacher.get_full_name() in html


def test_the_tag_shows_nothing_without_an_active_pair(ws):
    assert render_tag(ws.district.school_admin, ws.module).strip() == ""
    ws.pair.ended_on = YESTERDAY
    ws.pair.save()
    assert render_tag(ws.district.teacher, ws.module).strip() == ""


# Pair health, for the administrators' reports ----------------------------------------


def test_pair_health_in_one_query(ws, django_assert_num_queries):
    other = ws.district.other_pair
    PairAction.objects.create(pair=ws.pair, text="Late", who="together", planned_for=YESTERDAY)
    PairAction.objects.create(
        pair=ws.pair,
        text="Para's part in",
        planned_for=YESTERDAY,
        para_done_at=timezone.now(),
    )
    PairAction.objects.create(
        pair=ws.pair, text="Teacher only", who="teacher", planned_for=YESTERDAY
    )
    PairAction.objects.create(pair=ws.pair, text="Future", planned_for=TOMORROW)
    CheckIn.objects.create(pair=ws.pair, happened_on=YESTERDAY, minutes=5)
    CheckIn.objects.create(pair=ws.pair, happened_on=TODAY - datetime.timedelta(days=9), minutes=5)
    with django_assert_num_queries(1):
        health = pair_health(Pair.objects.filter(pk__in=[ws.pair.pk, other.pk]), TODAY)
    mine, theirs = health[ws.pair.pk], health[other.pk]
    assert mine.last_check_in == YESTERDAY
    assert mine.has_plan_this_week
    assert (mine.waiting_on_para, mine.waiting_on_teacher) == (1, 3)
    assert (theirs.last_check_in, theirs.has_plan_this_week, theirs.waiting) == (None, False, 0)


def test_a_modules_actions_read_in_the_readers_language_and_stay_one_record(district):
    home_page()
    call_command("load_curriculum", verbosity=0)
    english = ModulePage.objects.sources().get(slug="clarifying-roles")
    spanish = english.get_translation(Locale.objects.get(language_code="es"))
    para, teacher = district.para, district.teacher
    para.language, teacher.language = "es", "en"
    para.save(update_fields=["language"])
    teacher.save(update_fields=["language"])
    add_module_actions(district.pair, english, TOMORROW, para)
    for action in district.pair.actions.all():
        # What waits on the para lists the action too (its words cut short).
        notify(district.pair, teacher, Notification.Kind.FEEDBACK, action=action)
    Assignment.objects.create(user=para, page=english, due_on=TOMORROW)
    # The pair page's data names the action a measure or a look is about.
    for action in district.pair.actions.all():
        FidelityCheck.objects.create(action=action, observer=teacher, seen=[0], total=2)
        if not action.records_data:  # the other keeps its measure page open, below
            Measure.objects.create(action=action, kind=Measure.Kind.COUNT, what="x", student="J.M.")
    english_words = [escape(block.value["text"][:60]) for block in english.actions]
    spanish_words = [escape(block.value["text"][:60]) for block in spanish.actions]
    pages = [
        reverse("pair_detail", args=[district.pair.pk]),
        reverse("pair_actions", args=[district.pair.pk]),
        reverse("my_pairs"),
    ]

    for url in pages:
        in_spanish = signed_in(para).get(url).text
        assert all(words in in_spanish for words in spanish_words), url
        assert not any(words in in_spanish for words in english_words), url
        assert escape(spanish.title) in in_spanish, url
        assert escape(english.title) not in in_spanish, url
    for url in pages[:2]:
        in_english = signed_in(teacher).get(url).text
        assert all(words in in_english for words in english_words)
    # An action's own pages too: noting what happened, keeping a measure.
    noted = district.pair.actions.get(records_data=True)
    spanish_text = escape(next(b.value["text"] for b in spanish.actions if b.id == noted.block_id))
    for name in ("pair_action_record", "pair_action_measure"):
        page = signed_in(para).get(reverse(name, args=[district.pair.pk, noted.pk])).text
        assert spanish_text in page and escape(noted.text) not in page, name
    # The record keeps the English page's words; only what is shown changes.
    assert sorted(PairAction.objects.values_list("text", flat=True)) == sorted(
        block.value["text"] for block in english.actions
    )

    # A module not yet in Spanish: its actions in English, marked as such.
    spanish.unpublish()
    in_spanish = signed_in(para).get(pages[1]).text
    assert in_spanish.count('<p class="action-item__text" lang="en">') == len(english_words)
