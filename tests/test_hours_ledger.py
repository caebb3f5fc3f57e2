"""The PD-hours ledger: one row per credited activity with its source, read from
where each hour is recorded (modules, confirmed check-ins, outside PD), and in
agreement with the transcript to the minute."""

from __future__ import annotations

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.template import Context, Template
from django.test.html import parse_html
from django.urls import reverse
from django.utils import timezone, translation

from courses.models import ModuleProgress
from courses.transcript import by_school_year, transcript_entries
from hours.confirming import awaiting_confirmation
from hours.ledger import ledger_for, minutes_by_source
from hours.models import CheckInConfirmation, HoursRules, OutsidePD
from hours.rules import COLLABORATION, MODULE, OUTSIDE
from tests.clock import TODAY
from tests.page_factories import make_course
from workspace.models import CheckIn

pytestmark = pytest.mark.django_db


def complete(user, module, day: datetime.date, hour: int = 12):
    when = datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )
    return ModuleProgress.objects.create(user=user, module=module, read_at=when, completed_at=when)


def check_in(pair, author, day=TODAY, minutes=30, kind=CheckIn.Kind.CHECK_IN):
    return CheckIn.objects.create(
        pair=pair, author=author, happened_on=day, minutes=minutes, kind=kind
    )


def test_the_ledger_holds_each_source_once_with_its_minutes(district):
    para, teacher = district.para, district.teacher
    module = make_course("Ledger", modules=1).modules().first().specific
    complete(para, module, TODAY)
    confirmed = check_in(district.pair, para, minutes=25, kind=CheckIn.Kind.PLANNING)
    CheckInConfirmation.objects.create(check_in=confirmed, confirmed_by=teacher)
    check_in(district.pair, para, minutes=40)  # not confirmed: one person's log
    OutsidePD.objects.create(
        person=para,
        title="Behavior support basics",
        provider="Intermediate Unit 13",
        completed_on=TODAY,
        hours=Decimal("1.5"),
        delivery=OutsidePD.Delivery.IN_PERSON,
    )

    ledger = ledger_for([para.pk, teacher.pk])

    assert minutes_by_source(ledger[para.pk]) == {MODULE: 30, COLLABORATION: 25, OUTSIDE: 90}
    # Time the partners spent together counts for both of them.
    assert minutes_by_source(ledger[teacher.pk]) == {MODULE: 0, COLLABORATION: 25, OUTSIDE: 0}
    assert [row.title for row in ledger[teacher.pk]] == ["Planning meeting"]


def test_a_check_in_confirmed_by_its_own_author_is_not_verified(district):
    para = district.para
    own = check_in(district.pair, para)
    CheckInConfirmation.objects.create(check_in=own, confirmed_by=para)

    assert ledger_for([para.pk]) == {}


def test_the_ledger_and_the_transcript_agree_to_the_minute(district):
    """Module hours in the ledger are the transcript's, school year by school year,
    including a module finished late in the evening on the last day of June."""
    para = district.para
    modules = [m.specific for m in make_course("Agree", modules=3).modules()]
    complete(para, modules[0], datetime.date(2026, 6, 30), hour=23)
    complete(para, modules[1], datetime.date(2026, 7, 1), hour=0)
    complete(para, modules[2], TODAY)

    ledger = ledger_for([para.pk])[para.pk]
    for year in by_school_year(transcript_entries(para)):
        first, last = datetime.date(year.start, 7, 1), datetime.date(year.start + 1, 6, 30)
        in_year = [row for row in ledger if row.source == MODULE and first <= row.on <= last]
        assert sum(row.minutes for row in in_year) == year.hours * 60
        assert [row.title for row in in_year] == [entry.title for entry in year.modules]


def test_ledger_queries_do_not_grow_with_people(district, django_assert_num_queries):
    people = [district.para.pk, district.teacher.pk, district.far_pair.para.pk]
    with django_assert_num_queries(3):
        ledger_for(people, datetime.date(2026, 7, 1), TODAY)


# The partner's confirmation ----------------------------------------------------------


def test_the_partner_confirms_a_check_in_and_it_counts_for_both(client, district):
    logged = check_in(district.pair, district.para, minutes=20)
    client.force_login(district.teacher)
    url = reverse("hours:confirm_check_in", args=[logged.pk])

    page = client.get(url)
    response = client.post(url)

    assert page.status_code == HTTPStatus.OK
    assert "20 minutes" in page.text
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("check_ins", args=[district.pair.pk])
    assert CheckInConfirmation.objects.get(check_in=logged).confirmed_by == district.teacher
    # A second submit changes nothing.
    client.post(url)
    assert CheckInConfirmation.objects.count() == 1


@pytest.mark.parametrize("who", ["para", "school_admin"])
def test_the_author_and_administrators_cannot_confirm(client, district, who):
    logged = check_in(district.pair, district.para)
    client.force_login(getattr(district, who))

    response = client.post(reverse("hours:confirm_check_in", args=[logged.pk]))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not CheckInConfirmation.objects.exists()


def test_another_pairs_check_in_is_not_found(client, district):
    logged = check_in(district.far_pair, district.far_pair.para)
    client.force_login(district.teacher)

    response = client.post(reverse("hours:confirm_check_in", args=[logged.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_pair_page_include_lists_what_waits_for_the_partner(rf, district):
    logged = check_in(district.pair, district.para, minutes=35)
    request = rf.get("/")
    template = Template('{% include "hours/pair_confirmations.html" %}')

    def rendered(user):
        request.user = user
        return template.render(Context({"request": request, "pair": district.pair}))

    assert reverse("hours:confirm_check_in", args=[logged.pk]) in rendered(district.teacher)
    assert "Check-ins to confirm" not in rendered(district.para)


# What the list's template wrote, before the tag wrote it in Python.
CHECK_INS_TO_CONFIRM_TEMPLATE = """{% load i18n %}
<div class="learning-section">
    <h3>{% translate "Check-ins to confirm" %}</h3>
    <p class="muted">{% translate "Your partner logged these. Once you confirm one, its minutes count as PD time for you both." %}</p>
    <ul class="list-plain">
        {% for check_in in awaiting %}
            <li class="item-row">
                {% blocktranslate trimmed count counter=check_in.minutes with kind=check_in.get_kind_display day=check_in.happened_on|date:"DATE_FORMAT" %}{{ kind }} on {{ day }} · {{ counter }} minute{% plural %}{{ kind }} on {{ day }} · {{ counter }} minutes{% endblocktranslate %}
                <a href="{% url 'hours:confirm_check_in' check_in.pk %}">{% translate "Confirm" %}</a>
            </li>
        {% endfor %}
    </ul>
</div>"""  # noqa: E501


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_check_ins_to_confirm_are_written_as_their_template_wrote_them(rf, district, language):
    check_in(district.pair, district.para, minutes=1)
    check_in(district.pair, district.para, day=TODAY - datetime.timedelta(days=40), minutes=35)
    check_in(district.pair, district.para, minutes=20, kind=CheckIn.Kind.PLANNING)
    request = rf.get("/")
    request.user = district.teacher
    with translation.override(language):
        written = Template('{% include "hours/pair_confirmations.html" %}').render(
            Context({"request": request, "pair": district.pair})
        )
        awaiting = awaiting_confirmation(district.pair, district.teacher, up_to=20)
        templated = Template(CHECK_INS_TO_CONFIRM_TEMPLATE).render(Context({"awaiting": awaiting}))
    assert len(awaiting) == 3
    assert parse_html(written) == parse_html(templated)
    assert ("1 minuto" if language == "es" else "1 minute") in written


def test_the_partner_confirms_from_the_pair_page(client, district):
    logged = check_in(district.pair, district.para, minutes=35)
    confirm_url = reverse("hours:confirm_check_in", args=[logged.pk])
    pair_page = reverse("pair_detail", args=[district.pair.pk])

    client.force_login(district.teacher)
    assert confirm_url in client.get(pair_page).text
    client.force_login(district.para)
    assert confirm_url not in client.get(pair_page).text


# My learning and My PD hours ---------------------------------------------------------


def test_my_learning_shows_progress_toward_the_rules_hours(client, district):
    HoursRules.objects.create(rules=["minnesota"])
    module = make_course("Progress", modules=1).modules().first().specific
    complete(district.para, module, TODAY)
    client.force_login(district.para)

    text = client.get(reverse("my_learning")).text

    assert "My PD hours" in text
    assert "Minnesota: 8 hours a school year" in text
    assert "0.50 of 8.00 hours" in text
    assert '<progress id="hours-learning-1" max="100" value="6">' in text


def test_my_learning_says_nothing_of_hours_when_no_rule_is_followed(client, district):
    client.force_login(district.para)

    assert "My PD hours" not in client.get(reverse("my_learning")).text


def test_my_pd_hours_lists_the_ledger(client, district):
    module = make_course("Mine", modules=1).modules().first().specific
    complete(district.para, module, TODAY)
    client.force_login(district.para)

    response = client.get(reverse("hours:mine"))

    assert response.status_code == HTTPStatus.OK
    assert "Mine: module 1" in response.text
    assert "Tandem modules" in response.text


def test_the_ledger_by_day_sums_what_the_full_ledger_lists(district):
    para = district.para
    modules = [m.specific for m in make_course("Summed", modules=3).modules()]
    complete(para, modules[0], TODAY, hour=8)
    complete(para, modules[1], TODAY, hour=23)  # late evening: still today, locally
    complete(para, modules[2], datetime.date(2026, 9, 1))
    confirmed = check_in(district.pair, para, minutes=20)
    CheckInConfirmation.objects.create(check_in=confirmed, confirmed_by=district.teacher)

    full = ledger_for([para.pk])[para.pk]
    by_day = ledger_for([para.pk], by_day=True)[para.pk]

    def totals(rows):
        found = {}
        for row in rows:
            found[(row.source, row.on)] = found.get((row.source, row.on), 0) + row.minutes
        return found

    assert totals(by_day) == totals(full)
    assert len(by_day) == 3  # two modules on one day are one row


def test_one_persons_ledger_by_day_reads_what_a_group_read_gives_them(district):
    """One person's sums come from SQL compiled once and run with their id: each
    person gets their own rows, of the same types, as when read with others."""
    para, teacher = district.para, district.teacher
    modules = [m.specific for m in make_course("Compiled", modules=2).modules()]
    complete(para, modules[0], TODAY, hour=23)
    complete(teacher, modules[1], datetime.date(2026, 9, 1))
    confirmed = check_in(district.pair, para, minutes=20, day=datetime.date(2026, 10, 5))
    CheckInConfirmation.objects.create(check_in=confirmed, confirmed_by=teacher)
    OutsidePD.objects.create(
        person=teacher,
        title="Reading interventions",
        provider="Regional center",
        completed_on=datetime.date(2026, 8, 20),
        hours=Decimal("2.5"),
        delivery=OutsidePD.Delivery.LIVE_ONLINE,
    )
    first, last = datetime.date(2026, 8, 1), TODAY

    together = ledger_for([para.pk, teacher.pk], first, last, by_day=True)
    alone = {
        person.pk: ledger_for([person.pk], first, last, by_day=True)[person.pk]
        for person in (para, teacher)
    }

    assert alone == together
    assert {(row.source, row.on, row.minutes) for row in alone[teacher.pk]} == {
        (MODULE, datetime.date(2026, 9, 1), Decimal(30)),
        (COLLABORATION, datetime.date(2026, 10, 5), Decimal(20)),
        (OUTSIDE, datetime.date(2026, 8, 20), Decimal(150)),
    }
    assert all(type(row.on) is datetime.date for row in alone[para.pk])
    # The bounds hold: a day before ``first`` is left out for one person too.
    assert ledger_for([teacher.pk], datetime.date(2026, 9, 2), last, by_day=True)[teacher.pk] == [
        row for row in alone[teacher.pk] if row.on >= datetime.date(2026, 9, 2)
    ]
