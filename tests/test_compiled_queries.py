"""SQL compiled once and run for one id at a time (``config.database.CompiledQuery``)
gives what the queryset itself gives, to the right pair and person only, on any
thread: the pair page's actions, measures, strategies, check-ins (to confirm
too) and plan; what waits on a person; the module page's form; My learning's
pairs, assignments, progress and certificates; and the published modules and
courses that listings read."""

import datetime
import itertools
import re
import threading

import pytest
from django.db import connection, connections
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Locale, PageViewRestriction

from config.database import ANY_ID, ANY_IDS, CompiledQuery, OneOf
from courses.models import Assignment, Certificate, ModulePage, ModuleProgress
from courses.my_learning import my_learning
from courses.progress import course_progress, live_modules_by_course
from hours.confirming import awaiting_confirmation
from hours.models import CheckInConfirmation
from pairs.scoping import pairs_of
from tests.clock import TODAY
from tests.factories import PairFactory
from tests.page_factories import make_course
from workspace.coaching import strategy_summaries
from workspace.measures import measure_trends, planning_chart
from workspace.models import (
    CheckIn,
    FidelityCheck,
    Measure,
    MeasureDay,
    Notification,
    PairAction,
    WeeklyPlan,
)
from workspace.overview import (
    CHECK_INS_SHOWN,
    DONE_ACTIONS_SHOWN,
    OPEN_ACTIONS_SHOWN,
    checklist_actions,
    pair_overview,
    shown_actions,
)
from workspace.plans import monday_of
from workspace.waiting import waiting_in_pair, waiting_items


def listed(action):
    """What the pair page reads of an action, its related rows included."""
    return (
        action.pk,
        action.pair_id,
        action.text,
        action.planned_for,
        action.latest_look_id,
        action.latest_look.pk if action.latest_look else None,
        action.module.title if action.module_id else None,
        action.measure.what if hasattr(action, "measure") else None,
        str(action.noted_by) if action.noted_by_id else None,
    )


def actions_of(pair, module, *, done: int, open_: int):
    made = []
    for n in range(done + open_):
        action = PairAction.objects.create(
            pair=pair,
            module=module if n % 2 else None,
            text=f"Pair {pair.pk}, action {n}",
            planned_for=TODAY - datetime.timedelta(days=n),
            noted_by=pair.teacher if n % 3 else None,
        )
        if n < done:
            action.para_done_at = action.teacher_done_at = datetime.datetime.now(datetime.UTC)
            action.save()
        made.append(action)
    return made


@pytest.fixture
def two_pairs(district):
    module = make_course("Compiled", modules=1).get_children().first().specific
    mine, theirs = district.pair, district.other_pair
    made = {pair: actions_of(pair, module, done=6, open_=4) for pair in (mine, theirs)}
    for pair, actions in made.items():
        Measure.objects.create(action=actions[7], kind="count", what=f"{pair.pk}", student="A.B.")
        for _ in range(2):
            FidelityCheck.objects.create(action=actions[1], observer=pair.teacher, total=1)
    return mine, theirs


@pytest.mark.django_db
def test_the_pair_pages_actions_are_what_their_queryset_gives_and_only_that_pairs(two_pairs):
    for pair in two_pairs:
        actions = checklist_actions(pair)
        expected_open = list(actions.open().order_by("planned_for", "pk")[: OPEN_ACTIONS_SHOWN + 1])
        expected_done = list(actions.done().order_by("-planned_for", "-pk")[:DONE_ACTIONS_SHOWN])
        for action in expected_open + expected_done:
            action.latest_look = FidelityCheck.objects.filter(action=action).first()

        open_actions, done_actions = shown_actions(pair)

        assert [listed(a) for a in open_actions] == [listed(a) for a in expected_open]
        assert [listed(a) for a in done_actions] == [listed(a) for a in expected_done]
        assert len(open_actions) == 4 and len(done_actions) == DONE_ACTIONS_SHOWN
        assert all(action.pair is pair for action in open_actions + done_actions)


@pytest.mark.django_db
def test_the_actions_come_with_their_related_rows(two_pairs):
    pair = two_pairs[0]
    with CaptureQueriesContext(connection) as queries:
        open_actions, done_actions = shown_actions(pair)
    assert len(queries) == 3  # each side, and the latest looks of both
    with CaptureQueriesContext(connection) as queries:
        for action in open_actions + done_actions:
            listed(action)
            action.pair.para, action.pair.teacher  # noqa: B018 - read, as the page does
    assert len(queries) == 0


@pytest.mark.django_db
def test_a_pairs_measures_are_its_own(two_pairs):
    for pair in two_pairs:
        trends = measure_trends(pair, TODAY)
        assert [trend.measure.what for trend in trends] == [str(pair.pk)]
        assert trends[0].measure.action.pair_id == pair.pk
        with CaptureQueriesContext(connection) as queries:
            trends[0].measure.action.module.title  # noqa: B018
        assert len(queries) == 0


@pytest.mark.django_db
def test_a_pairs_strategies_are_the_actions_it_was_looked_at_on(two_pairs):
    for pair in two_pairs:
        looked_at = [row.action for row in strategy_summaries(pair, TODAY)]
        assert [action.text for action in looked_at] == [f"Pair {pair.pk}, action 1"]
        assert looked_at[0].pair_id == pair.pk
        assert strategy_summaries(pair, TODAY)[0].times == 2


@pytest.mark.django_db
def test_a_pairs_charts_and_weeks_of_looks_count_its_own_days_only(two_pairs):
    """The measure's days, the looks since the summary's first Monday and the
    planning minutes are each read by SQL compiled once, for any pair."""
    for n, pair in enumerate(two_pairs, start=1):
        measure = Measure.objects.get(action__pair=pair)
        for days_ago in range(3):
            MeasureDay.objects.create(
                measure=measure, day=TODAY - datetime.timedelta(days=days_ago), value=n
            )
        looked_at = FidelityCheck.objects.filter(action__pair=pair).first().action
        for _ in range(n):
            FidelityCheck.objects.create(action=looked_at, observer=pair.teacher, total=1)
        CheckIn.objects.create(
            pair=pair,
            author=pair.para,
            kind=CheckIn.Kind.PLANNING,
            happened_on=monday_of(TODAY),
            minutes=10 * n,
        )
    for n, pair in enumerate(two_pairs, start=1):
        [trend] = measure_trends(pair, TODAY)
        assert trend.today_value == n
        assert sum(point.value for point in trend.chart.points) == 3 * n
        assert planning_chart(pair, TODAY).points[-1].value == 10 * n
        [strategy] = strategy_summaries(pair, TODAY)
        assert (strategy.times, strategy.weeks[-1].times) == (2 + n, 2 + n)


@pytest.mark.django_db
def test_a_pairs_page_shows_its_own_latest_check_ins_and_this_weeks_plan(two_pairs):
    monday = monday_of(TODAY)
    for pair in two_pairs:
        WeeklyPlan.objects.create(pair=pair, week_of=monday, students=f"Pair {pair.pk}")
        WeeklyPlan.objects.create(pair=pair, week_of=monday - datetime.timedelta(weeks=1))
        for days_ago in range(CHECK_INS_SHOWN + 2):
            CheckIn.objects.create(
                pair=pair,
                author=pair.para,
                happened_on=TODAY - datetime.timedelta(days=days_ago),
                minutes=days_ago + 1,
            )
    for pair in two_pairs:
        overview = pair_overview(pair, pair.para)
        assert (overview.plan.pair_id, overview.plan.week_of) == (pair.pk, monday)
        assert overview.plan.students == f"Pair {pair.pk}"
        assert [check_in.minutes for check_in in overview.check_ins] == [1, 2, 3, 4, 5]
        assert {check_in.pair_id for check_in in overview.check_ins} == {pair.pk}
    WeeklyPlan.objects.filter(week_of=monday).delete()
    assert pair_overview(two_pairs[0], two_pairs[0].para).plan is None


@pytest.mark.django_db(transaction=True)
def test_sql_compiled_on_one_thread_runs_on_another(two_pairs):
    """A web server's threads share what is compiled, each with its own connection."""
    pair = two_pairs[0]
    compiled = CompiledQuery(
        PairAction.objects.filter(pair=ANY_ID).select_related("module").order_by("pk"), "default"
    )
    found = {}

    def run():
        try:
            found["actions"] = [(a.pk, a.module_id) for a in compiled.instances(pair.pk)]
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert found["actions"] == list(
        PairAction.objects.filter(pair=pair).order_by("pk").values_list("pk", "module_id")
    )


def test_a_queryset_not_built_for_any_id_is_refused():
    with pytest.raises(ValueError, match="ANY_ID"):
        CompiledQuery(PairAction.objects.filter(pair=3), "default")
    # And one built for an id, where a query about no id was meant.
    with pytest.raises(ValueError, match="no id"):
        CompiledQuery(PairAction.objects.filter(pair=ANY_ID), "default", for_ids=False)


@pytest.mark.django_db
def test_a_list_of_ids_is_one_parameter_and_selects_what_in_selects(two_pairs):
    mine, theirs = two_pairs
    actions = list(PairAction.objects.order_by("pk").values_list("pk", flat=True))
    lists = [[], actions[:1], actions[2:9], [*actions, -1, 10**12]]
    for ids in lists:
        in_one = PairAction.objects.filter(OneOf("pk", ids)).order_by("pk")
        assert list(in_one.values_list("pk", flat=True)) == list(
            PairAction.objects.filter(pk__in=ids).order_by("pk").values_list("pk", flat=True)
        )
    # Compiled once for any list, and beside an id: the arguments in STAND_INS' order.
    compiled = CompiledQuery(
        PairAction.objects.filter(OneOf("pk", ANY_IDS), pair=ANY_ID).order_by("pk"), "default"
    )
    for pair, ids in itertools.product((mine, theirs), lists):
        expected = pair.actions.filter(pk__in=ids).order_by("pk")
        assert [action.pk for action in compiled.instances(pair.pk, ids)] == [
            action.pk for action in expected
        ]
    with pytest.raises(TypeError, match="2 ids, given 1"):
        compiled.rows(mine.pk)


# The published modules and courses -------------------------------------------------


def listed_ids(modules_by_course: dict) -> dict:
    return {
        course: [module.pk for module in modules] for course, modules in modules_by_course.items()
    }


@pytest.mark.django_db
@pytest.mark.parametrize("restricted", ["nothing", "course", "second module"])
def test_the_modules_listed_are_each_courses_published_public_ones(
    district, settings, restricted, django_assert_num_queries
):
    """Every published module of a locale is read once, and each course keeps its own."""
    settings.WAGTAIL_I18N_ENABLED = True
    course, other = make_course("Listed", modules=4), make_course("Other", modules=1)
    first, second, third, fourth = course.modules().specific()
    fourth.unpublish()
    spanish = Locale.objects.get_or_create(language_code="es")[0]
    course_in_spanish = course.copy_for_translation(spanish, copy_parents=True)
    course_in_spanish.save_revision().publish()
    for module in (first, third):
        module.copy_for_translation(spanish).save_revision().publish()
    # On the English pages only (a translation copies the restrictions there are).
    if restricted == "course":
        PageViewRestriction.objects.create(page=course, restriction_type="login")
    if restricted == "second module":
        PageViewRestriction.objects.create(page=second, restriction_type="login")

    courses = [course, other, course_in_spanish]
    expected = {
        listed.pk: list(
            ModulePage.objects.live()
            .public()
            .child_of(listed)
            .order_by("path")
            .values_list("pk", flat=True)
        )
        for listed in courses
    }
    assert len(expected[course.pk]) == {"nothing": 3, "course": 0, "second module": 2}[restricted]
    assert len(expected[course_in_spanish.pk]) == 2
    # A query for each locale among the courses.
    with django_assert_num_queries(2):
        assert listed_ids(live_modules_by_course(courses)) == expected
    with django_assert_num_queries(1):
        assert listed_ids(live_modules_by_course([other, course])) == {
            other.pk: expected[other.pk],
            course.pk: expected[course.pk],
        }
    assert live_modules_by_course([]) == {}

    catalogue = {p.course.pk for p in my_learning(district.school_admin, TODAY).catalogue}
    assert catalogue == ({other.pk} if restricted == "course" else {course.pk, other.pk})


# What waits, the module page's form, My learning -------------------------------------


@pytest.fixture
def teacher_with_two_pairs(district):
    """The teacher of ``pair``, with a second (and an ended) pair of her own."""
    teacher = district.pair.teacher
    second = PairFactory(school=district.school, teacher=teacher)
    PairFactory(school=district.school, teacher=teacher, ended_on=TODAY)
    return teacher, district.pair, second


@pytest.mark.django_db
def test_what_waits_in_a_pair_is_that_pairs_for_that_person(district, teacher_with_two_pairs):
    teacher, first, second = teacher_with_two_pairs
    kind = Notification.Kind.PARTNER_CONFIRMED
    for pair in (first, second):
        Notification.objects.create(recipient=teacher, actor=pair.para, pair=pair, kind=kind)
        Notification.objects.create(recipient=pair.para, actor=teacher, pair=pair, kind=kind)
    Notification.objects.create(
        recipient=teacher, actor=first.para, pair=first, kind=kind, read_at=timezone.now()
    )

    def pairs_of_items(items):
        notifications = [int(item.url.split("/")[-2]) for item in items]
        return sorted(
            Notification.objects.filter(pk__in=notifications).values_list("pair", "recipient")
        )

    assert pairs_of_items(waiting_in_pair(teacher, first)) == [(first.pk, teacher.pk)]
    assert pairs_of_items(waiting_in_pair(teacher, second)) == [(second.pk, teacher.pk)]
    assert pairs_of_items(waiting_in_pair(first.para, first)) == [(first.pk, first.para_id)]
    assert pairs_of_items(waiting_in_pair(first.para, second)) == []
    assert pairs_of_items(waiting_items(teacher, TODAY)) == [
        (first.pk, teacher.pk),
        (second.pk, teacher.pk),
    ]


@pytest.mark.django_db
def test_the_module_pages_form_tells_each_pair_whats_on_its_checklist(teacher_with_two_pairs):
    teacher, first, second = teacher_with_two_pairs
    module, other_module = make_course("Compiled", modules=2).modules().specific()
    PairAction.objects.create(pair=first, module=module, text="From the module", planned_for=TODAY)

    def already(page):
        request = RequestFactory().get(page.url)
        request.user = teacher
        html = Template("{% load checklist_tags %}{% add_to_checklist page %}").render(
            Context({"request": request, "page": page, "csrf_token": "token"})
        )
        return sorted(
            int(pk)
            for pk in re.findall(r'Already on the checklist with .*?href="/pairs/(\d+)/', html)
        )

    assert already(module) == [first.pk]
    assert already(other_module) == []


@pytest.mark.django_db
def test_the_check_ins_to_confirm_are_the_partners_in_that_pair(teacher_with_two_pairs):
    teacher, first, second = teacher_with_two_pairs

    def logged(pair, author, day):
        return CheckIn.objects.create(pair=pair, author=author, happened_on=day, minutes=20)

    older = logged(first, first.para, TODAY - datetime.timedelta(days=2))
    newer = logged(first, first.para, TODAY)
    confirmed = logged(first, first.para, TODAY)
    CheckInConfirmation.objects.create(check_in=confirmed, confirmed_by=teacher)
    logged(first, teacher, TODAY)  # her own: her partner confirms it
    in_second = logged(second, second.para, TODAY)

    assert awaiting_confirmation(first, teacher, up_to=20) == [newer, older]
    assert awaiting_confirmation(first, teacher, up_to=1) == [newer]
    assert awaiting_confirmation(second, teacher, up_to=20) == [in_second]
    assert [c.author for c in awaiting_confirmation(first, first.para, up_to=20)] == [teacher]


@pytest.mark.django_db
def test_my_learning_lists_the_persons_own_active_pairs(district, teacher_with_two_pairs):
    teacher, first, second = teacher_with_two_pairs
    pairs = my_learning(teacher, TODAY).pairs
    assert sorted(pair.pk for pair in pairs) == sorted([first.pk, second.pk])
    assert [pair.pk for pair in pairs] == list(
        pairs_of(teacher).active().named().values_list("pk", flat=True)
    )
    with CaptureQueriesContext(connection) as queries:
        [(str(pair.para), pair.school.name) for pair in pairs]
    assert len(queries) == 0


@pytest.mark.django_db
def test_my_learning_reads_the_persons_own_work_progress_and_certificates(district):
    course = make_course("Compiled", modules=2)
    first, second = course.modules().specific()
    para, teacher = district.pair.para, district.pair.teacher
    due = TODAY + datetime.timedelta(days=3)
    Assignment.objects.create(user=para, page=first, due_on=due)
    Assignment.objects.create(user=teacher, page=second, due_on=due)
    ModuleProgress.objects.create(user=teacher, module=first)
    Certificate.objects.create(
        user=teacher, course=course, recipient_name="T", course_title="C", hours=1
    )

    for person, assigned_page in ((para, first), (teacher, second)):
        mine = my_learning(person, TODAY)
        assert [item.assignment.user_id for item in mine.assigned] == [person.pk]
        assert [item.assignment.page_id for item in mine.assigned] == [assigned_page.pk]
    para_course = course_progress(para, [course])[course.pk]
    teacher_course = course_progress(teacher, [course])[course.pk]
    assert [step.started for step in para_course.steps] == [False, False]
    assert [step.started for step in teacher_course.steps] == [True, False]
    assert para_course.certificate is None
    assert teacher_course.certificate.user_id == teacher.pk
