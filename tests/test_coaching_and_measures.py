"""The teacher coaches inside the two keys (look-fors seen, one line of feedback, try
again), and the pair keeps a measure a tap a day, drawn as a trend on the pair page."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.template import Context, Template
from django.test.html import parse_html
from django.urls import reverse
from django.utils import translation

from tests.clock import TODAY, local
from tests.factories import signed_in
from workspace.coaching import strategy_summaries
from workspace.markup import measure_block, measure_today
from workspace.models import FidelityCheck, Measure, MeasureDay, Notification, PairAction
from workspace.waiting import waiting_count

pytestmark = pytest.mark.django_db

LOOK_FORS = ["Give the cue before the transition.", "Wait five seconds.", "Praise the try."]


@pytest.fixture
def pair(district):
    district.pair.started_on = TODAY - datetime.timedelta(days=70)
    district.pair.save()
    return district.pair


@pytest.fixture
def action(pair):
    return PairAction.objects.create(
        pair=pair, text="Offer the break card.", planned_for=TODAY, look_fors=LOOK_FORS
    )


def para_confirms(pair, action):
    signed_in(pair.para).post(
        reverse("pair_action_confirm", args=[pair.pk, action.pk]), {"confirmed": "1"}
    )


def coach_url(pair, action):
    return reverse("pair_action_coach", args=[pair.pk, action.pk])


def test_the_teacher_confirms_with_look_fors_and_feedback_and_the_para_sees_it(pair, action):
    para_confirms(pair, action)
    teacher = signed_in(pair.teacher)
    page = teacher.get(reverse("pair_detail", args=[pair.pk])).content.decode()
    assert coach_url(pair, action) in page

    form = teacher.get(coach_url(pair, action))
    assert form.status_code == HTTPStatus.OK
    for step in LOOK_FORS:
        assert step in form.content.decode()
    response = teacher.post(
        coach_url(pair, action),
        {"seen": ["0", "2"], "feedback": "Calm cue, good wait.", "decision": "confirm"},
    )
    assert response.status_code == HTTPStatus.FOUND

    action.refresh_from_db()
    assert action.is_done
    check = FidelityCheck.objects.get()
    assert (check.seen, check.total, check.feedback, check.try_again) == (
        [0, 2],
        3,
        "Calm cue, good wait.",
        False,
    )
    assert waiting_count(pair.teacher) == 0  # what waited on her is done
    assert waiting_count(pair.para) == 1
    para_page = signed_in(pair.para).get(reverse("pair_detail", args=[pair.pk])).content.decode()
    assert "Calm cue, good wait." in para_page
    assert "saw 2 of 3 look-fors" in para_page
    # The pair page sums it up per strategy.
    assert "67%" in para_page


def test_each_action_shows_the_teachers_latest_look_on_the_pair_page_and_checklist(
    pair, action, clock
):
    other = PairAction.objects.create(
        pair=pair, text="Use a first-then board.", planned_for=TODAY, look_fors=LOOK_FORS
    )
    for week, feedback in enumerate(["Week one: cue late.", "Week two: cue on time."]):
        clock.move_to(clock.now() + datetime.timedelta(days=7 * week))
        FidelityCheck.objects.create(
            action=action, observer=pair.teacher, seen=[0], total=3, feedback=feedback
        )
    FidelityCheck.objects.create(
        action=other, observer=pair.teacher, seen=[0, 1, 2], total=3, feedback="All three."
    )
    para = signed_in(pair.para)

    for name in ("pair_detail", "pair_actions"):
        page = para.get(reverse(name, args=[pair.pk])).text
        assert "Week two: cue on time." in page, name
        assert "Week one: cue late." not in page, name
        assert "All three." in page and "saw 3 of 3 look-fors" in page, name


def test_strategy_summaries_sum_every_look_and_the_last_weeks_by_local_week(pair, action):
    """The totals count every look ever made; the weeks count each look in the
    site's week it was made (a look late on Sunday evening is the week before,
    though it is Monday in UTC). Today is Wednesday 18 November 2026."""
    no_look_fors = PairAction.objects.create(
        pair=pair, text="Greet at the door.", planned_for=TODAY
    )
    PairAction.objects.create(pair=pair, text="Never looked at.", planned_for=TODAY)
    for when, seen in [
        ("2026-11-17 10:00", [0, 1]),
        ("2026-11-16 00:30", [0]),  # Monday just after midnight: this week
        ("2026-11-15 23:30", []),  # Sunday evening: last week (Monday in UTC)
        ("2026-10-12 00:10", [0]),  # the first Monday the summary shows
        ("2026-10-11 23:50", [0, 1, 2]),  # the day before it: in the totals only
        ("2026-09-01 09:00", [0, 1, 2]),
    ]:
        FidelityCheck.objects.create(
            action=action, observer=pair.teacher, seen=seen, total=3, at=local(when)
        )
    FidelityCheck.objects.create(action=no_look_fors, observer=pair.teacher, total=0)

    rows = strategy_summaries(pair, TODAY)

    assert [row.action for row in rows] == [action, no_look_fors]
    looked, greeted = rows
    assert (looked.times, looked.share) == (6, 10 / 18)
    weeks = {week.monday: (week.times, week.share) for week in looked.weeks}
    assert list(weeks) == [
        datetime.date(2026, 10, 12) + datetime.timedelta(weeks=n) for n in range(6)
    ]
    assert weeks == {
        datetime.date(2026, 10, 12): (1, 1 / 3),
        datetime.date(2026, 10, 19): (0, None),
        datetime.date(2026, 10, 26): (0, None),
        datetime.date(2026, 11, 2): (0, None),
        datetime.date(2026, 11, 9): (1, 0.0),
        datetime.date(2026, 11, 16): (2, 0.5),
    }
    assert (greeted.times, greeted.share) == (1, None)


def test_try_again_takes_the_paras_key_back_for_the_next_school_day(pair, action, clock):
    para_confirms(pair, action)
    signed_in(pair.teacher).post(
        coach_url(pair, action),
        {"seen": ["1"], "feedback": "Try the cue earlier.", "decision": "try_again"},
    )
    action.refresh_from_db()
    assert action.para_done_at is None and action.teacher_done_at is None
    assert action.planned_for == TODAY + datetime.timedelta(days=1)
    notification = Notification.objects.get(recipient=pair.para)
    assert notification.kind == Notification.Kind.TRY_AGAIN


def test_only_the_teacher_coaches_and_only_what_the_para_did(pair, action):
    # Before the para's part: nothing to look at.
    response = signed_in(pair.teacher).post(
        coach_url(pair, action), {"feedback": "Good.", "decision": "confirm"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert not FidelityCheck.objects.exists()
    para_confirms(pair, action)
    signed_in(pair.para).post(coach_url(pair, action), {"feedback": "Me.", "decision": "confirm"})
    assert not FidelityCheck.objects.exists()


def test_feedback_refuses_student_data_and_keeps_the_text(pair, action):
    para_confirms(pair, action)
    text = "Jamal Ortiz did well."
    response = signed_in(pair.teacher).post(
        coach_url(pair, action), {"feedback": text, "decision": "confirm"}
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"]["feedback"].value() == text
    assert response.context["form"].errors["feedback"]
    assert not FidelityCheck.objects.exists()


# Measures ------------------------------------------------------------------------------


def keep_measure(pair, action, kind="count"):
    response = signed_in(pair.para).post(
        reverse("pair_action_measure", args=[pair.pk, action.pk]),
        {"kind": kind, "what": "used the break card", "student": "J.M."},
    )
    assert response.status_code == HTTPStatus.FOUND
    return Measure.objects.get(action=action)


def tap(user, pair, measure, **data):
    return signed_in(user).post(reverse("pair_measure_record", args=[pair.pk, measure.pk]), data)


def test_both_partners_count_with_plus_and_minus_without_javascript(pair, action):
    measure = keep_measure(pair, action)
    for _ in range(3):
        assert tap(pair.para, pair, measure, step="1").status_code == HTTPStatus.FOUND
    tap(pair.teacher, pair, measure, step="1")
    tap(pair.teacher, pair, measure, step="-1")
    assert MeasureDay.objects.get(measure=measure, day=TODAY).value == 3
    for _ in range(5):
        tap(pair.para, pair, measure, step="-1")
    assert MeasureDay.objects.get(measure=measure, day=TODAY).value == 0  # never below zero


def test_a_yes_no_measure_takes_one_tap_and_answers_json_to_the_script(pair, action):
    measure = keep_measure(pair, action, kind="yes_no")
    response = signed_in(pair.para).post(
        reverse("pair_measure_record", args=[pair.pk, measure.pk]),
        {"value": "1"},
        HTTP_ACCEPT="application/json",
    )
    assert response.json() == {"value": 1, "text": "Yes today"}
    assert tap(pair.para, pair, measure, step="1").status_code == HTTPStatus.BAD_REQUEST


# What the pair page's measure template wrote (with its "today" words inlined),
# before ``workspace.markup.measure_block`` wrote it in Python.
MEASURE_TEMPLATE = """{% load i18n %}
<div class="measure" id="measure-{{ measure.pk }}">
    <p><strong>{{ measure.student }}: {{ measure.what }}</strong> <span class="muted">({{ measure.get_kind_display|lower }})</span></p>
    {% if can_write %}
        <form method="post" action="{% url 'pair_measure_record' pair.pk measure.pk %}" class="measure__form" data-measure>
            {% csrf_token %}
            <input type="hidden" name="next" value="{{ request.get_full_path }}#measure-{{ measure.pk }}">
            {% if measure.kind == "yes_no" %}
                <span>{% translate "Today:" %}</span>
                <button type="submit" name="value" value="1">{% translate "Yes" %}</button>
                <button type="submit" name="value" value="0" class="button--secondary">{% translate "No" %}</button>
                <output class="measure__value" aria-live="polite">{% if measure.kind == "yes_no" %}{% if today_value is None %}{% translate "Not recorded today" %}{% elif today_value %}{% translate "Yes today" %}{% else %}{% translate "No today" %}{% endif %}{% elif measure.kind == "minutes" %}{% blocktranslate trimmed count counter=today_value|default:0 %}{{ counter }} minute today{% plural %}{{ counter }} minutes today{% endblocktranslate %}{% else %}{% blocktranslate trimmed count counter=today_value|default:0 %}{{ counter }} time today{% plural %}{{ counter }} times today{% endblocktranslate %}{% endif %}</output>
            {% else %}
                <button type="submit" name="step" value="-1" class="button--secondary" aria-label="{% translate "One less today" %}">−</button>
                <output class="measure__value" aria-live="polite">{% if measure.kind == "yes_no" %}{% if today_value is None %}{% translate "Not recorded today" %}{% elif today_value %}{% translate "Yes today" %}{% else %}{% translate "No today" %}{% endif %}{% elif measure.kind == "minutes" %}{% blocktranslate trimmed count counter=today_value|default:0 %}{{ counter }} minute today{% plural %}{{ counter }} minutes today{% endblocktranslate %}{% else %}{% blocktranslate trimmed count counter=today_value|default:0 %}{{ counter }} time today{% plural %}{{ counter }} times today{% endblocktranslate %}{% endif %}</output>
                <button type="submit" name="step" value="1" aria-label="{% translate "One more today" %}">+</button>
            {% endif %}
        </form>
    {% endif %}
</div>"""  # noqa: E501


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("can_write", [True, False])
@pytest.mark.parametrize(
    ("kind", "today_value"),
    [
        ("yes_no", None),
        ("yes_no", 0),
        ("yes_no", 1),
        ("minutes", None),
        ("minutes", 1),
        ("minutes", 25),
        ("count", 0),
        ("count", 1),
        ("count", 3),
    ],
)
def test_a_measure_is_written_as_its_template_wrote_it(
    rf, pair, action, kind, today_value, can_write, language
):
    measure = Measure.objects.create(
        action=action, kind=kind, what="asked & <waited>", student="J.M."
    )
    request = rf.get("/pairs/1/?tab=measures&x=<y>")
    with translation.override(language):
        written = measure_block(
            measure, today_value, pair=pair, can_write=can_write, request=request, csrf_token="tok"
        )
        templated = Template(MEASURE_TEMPLATE).render(
            Context(
                {
                    "measure": measure,
                    "today_value": today_value,
                    "can_write": can_write,
                    "pair": pair,
                    "request": request,
                    "csrf_token": "tok",
                }
            )
        )
        words = measure_today(measure, today_value)
    assert parse_html(written) == parse_html(templated)
    assert (words in written) is can_write
    if language == "es" and kind == "count":
        assert "vez" in words or "veces" in words


def test_a_measure_takes_initials_only(pair, action):
    response = signed_in(pair.para).post(
        reverse("pair_action_measure", args=[pair.pk, action.pk]),
        {"kind": "count", "what": "used the break card", "student": "Jamal Ortiz"},
    )
    assert response.status_code == HTTPStatus.OK
    assert not Measure.objects.exists()


def test_the_pair_page_draws_the_trend_with_a_text_equivalent(pair, action, clock):
    measure = keep_measure(pair, action)
    for week, value in enumerate([2, 5, 7]):
        MeasureDay.objects.create(
            measure=measure, day=TODAY - datetime.timedelta(weeks=2 - week), value=value
        )
    page = signed_in(pair.teacher).get(reverse("pair_detail", args=[pair.pk])).content.decode()
    assert "<svg" in page and "<polyline" in page
    assert "J.M.: used the break card, week by week" in page
    assert "<td>7</td>" in page and "<td>5</td>" in page
    assert "The shaded band is the goal: 15 to 30 minutes a week." in page
    assert (
        "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]
        or "chart" not in page.split("<script", 1)[1][:200]
    )


def test_each_chart_is_labelled_by_its_own_title(pair, action):
    """Three measures and the planning minutes: four SVGs, each named by its own title.

    The measures' charts once shared one id, so a screen reader named all three by
    the first measure's title."""
    measures = [keep_measure(pair, action)]
    for what in ("asked for help", "stayed seated"):
        other = PairAction.objects.create(pair=pair, text=what, planned_for=TODAY)
        measures.append(
            Measure.objects.create(action=other, kind="count", what=what, student="A.B.")
        )
    page = signed_in(pair.para).get(reverse("pair_detail", args=[pair.pk])).content.decode()
    labelled_by = re.findall(r'<svg [^>]*aria-labelledby="([^"]+)"', page)
    titles = dict(re.findall(r'<title id="([^"]+)">([^<]*)</title>', page))
    assert len(labelled_by) == len(set(labelled_by)) == 4
    assert [titles[id_].split(",")[0] for id_ in labelled_by] == [
        *(f"{measure.student}: {measure.what}" for measure in measures),
        "Weekly planning minutes",
    ]


def test_an_outsider_cannot_record_a_pairs_measure(pair, action, district):
    measure = keep_measure(pair, action)
    response = tap(district.other_pair.para, district.other_pair, measure, step="1")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not MeasureDay.objects.exists()


def test_the_pair_writes_look_fors_on_an_action_of_their_own(pair):
    url = reverse("pair_action_new", args=[pair.pk])
    data = {"text": "Greet at the door.", "who": "para", "planned_for": str(TODAY)}
    one = signed_in(pair.teacher).post(url, {**data, "look_fors_text": "Only one step."})
    assert one.status_code == HTTPStatus.OK
    assert "two to five steps" in one.content.decode()
    assert one.context["form"]["look_fors_text"].value() == "Only one step."

    signed_in(pair.teacher).post(
        url, {**data, "look_fors_text": "- Eye level.\n- Use the name.\n\n"}
    )
    assert PairAction.objects.get().look_fors == ["Eye level.", "Use the name."]
