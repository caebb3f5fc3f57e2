"""axe on every page state the pair loop added, on a 375 px phone and on a laptop:
what waits (My pairs, My learning, the pair page), the teacher's confirmation with
look-fors, keeping a measure, the pair's data, and a plan conflict."""

import datetime

import pytest
from django.utils import timezone

from tests.browser.helpers import LAPTOP, PHONE, scrolls_sideways, serious_accessibility_violations
from tests.clock import TODAY
from workspace.models import (
    FidelityCheck,
    Measure,
    MeasureDay,
    Notification,
    PairAction,
    WeeklyPlan,
)
from workspace.plans import monday_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SIZES = {"phone": PHONE, "laptop": LAPTOP}


@pytest.fixture
def loop(district):
    pair = district.pair
    pair.started_on = TODAY - datetime.timedelta(days=70)
    pair.save()
    looked_at = PairAction.objects.create(
        pair=pair,
        text="Offer the break card before reading groups.",
        planned_for=TODAY,
        look_fors=["Show the card first.", "Wait five seconds.", "Praise the try."],
        para_done_at=timezone.now(),
        teacher_done_at=timezone.now(),
    )
    FidelityCheck.objects.create(
        action=looked_at, observer=pair.teacher, seen=[0, 2], total=3, feedback="Calm cue."
    )
    measure = Measure.objects.create(
        action=looked_at, kind=Measure.Kind.COUNT, what="used the break card", student="J.M."
    )
    MeasureDay.objects.bulk_create(
        MeasureDay(measure=measure, day=TODAY - datetime.timedelta(days=n), value=n % 4)
        for n in range(40)
    )
    waiting = PairAction.objects.create(
        pair=pair,
        text="Greet each student at the door.",
        planned_for=TODAY,
        look_fors=["Eye level.", "Use the name."],
        para_done_at=timezone.now(),
    )
    Notification.objects.create(
        recipient=pair.teacher, actor=pair.para, pair=pair, action=waiting, kind="partner_confirmed"
    )
    Notification.objects.create(
        recipient=pair.para, actor=pair.teacher, pair=pair, action=looked_at, kind="feedback"
    )
    WeeklyPlan.objects.create(pair=pair, week_of=monday_of(TODAY), strategies="Timer.")
    return pair, waiting


def check(page, state: str) -> None:
    assert serious_accessibility_violations(page) == [], state
    assert not scrolls_sideways(page), state


@pytest.mark.parametrize("size", SIZES)
def test_the_pair_loops_pages_have_no_serious_violations(loop, signed_in, size):
    pair, waiting = loop
    para = signed_in(pair.para, **SIZES[size]).new_page()
    teacher = signed_in(pair.teacher, **SIZES[size]).new_page()

    for path, state in [
        ("/pairs/", "My pairs, a thing waiting"),
        ("/learning/", "My learning, a thing waiting"),
        (f"/pairs/{pair.pk}/", "pair page with feedback and data"),
        (f"/pairs/{pair.pk}/actions/{waiting.pk}/measure/", "keep a measure"),
    ]:
        para.goto(path)
        check(para, f"para: {state} ({size})")
    teacher.goto(f"/pairs/{pair.pk}/actions/{waiting.pk}/coach/")
    check(teacher, f"teacher: confirm with what you saw ({size})")
    teacher.get_by_label("One line of feedback (optional)").fill("Jamal Ortiz did well.")
    teacher.get_by_role("button", name="Confirm", exact=True).click()
    check(teacher, f"teacher: feedback refused ({size})")

    # A plan conflict: the teacher saves over the para's open form.
    para.goto(f"/pairs/{pair.pk}/plan/")
    WeeklyPlan.objects.filter(pair=pair).update(strategies="Token board.", version=2)
    para.get_by_label("Strategies and accommodations").fill("Timer and break card.")
    para.get_by_role("button", name="Save the plan").click()
    para.get_by_role("alert").wait_for()
    check(para, f"para: plan conflict ({size})")
