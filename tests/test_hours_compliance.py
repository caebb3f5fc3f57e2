"""The PD-hours compliance report and statement: each person under a rule the
district follows, by school or district, with filters, CSV and XLSX, a PDF
statement to sign, and a query count that does not grow with the district."""

from __future__ import annotations

import csv
import datetime
import io
import itertools
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import ModuleProgress
from hours.models import CheckInConfirmation, HoursRules, OutsidePD, PersonnelRecord
from tests.clock import TODAY
from tests.factories import PairFactory, ParaFactory
from tests.page_factories import make_course
from workspace.models import CheckIn

pytestmark = pytest.mark.django_db
REPORT = "hours_reports:compliance"


@pytest.fixture
def minnesota(district):
    """The district follows Minnesota; the Maple para has module hours, confirmed
    collaboration and outside PD; the Riverside para has nothing."""
    HoursRules.objects.create(rules=["minnesota"])
    para = district.para
    module = make_course("Report", modules=1).modules().first()
    ModuleProgress.objects.create(
        user=para, module_id=module.pk, read_at=timezone.now(), completed_at=timezone.now()
    )
    logged = CheckIn.objects.create(pair=district.pair, author=para, happened_on=TODAY, minutes=90)
    CheckInConfirmation.objects.create(check_in=logged, confirmed_by=district.teacher)
    OutsidePD.objects.create(
        person=para,
        title="Autism strategies",
        provider="SW/WC Service Cooperative",
        completed_on=TODAY,
        hours=Decimal("6"),
        delivery=OutsidePD.Delivery.LIVE_ONLINE,
    )
    PersonnelRecord.objects.create(person=para, hired_on=datetime.date(2015, 8, 20))
    far_para = district.far_pair.para
    far_para.last_name = "Farfield"
    far_para.save()
    return district


def export(client, **params) -> list[list[str]]:
    response = client.get(reverse(REPORT), {**params, "export": "csv"})
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_report_lists_hours_by_source_and_status(client, minnesota):
    client.force_login(minnesota.district_admin)

    rows = export(client)

    assert rows[0][:3] == ["Person", "School", "Hired on"]
    by_person = {row[0]: row for row in rows[1:]}
    mine = by_person[str(minnesota.para)]
    assert mine[1:] == [
        "Maple",
        "2015-08-20",
        "Minnesota: 8 hours a school year (Minn. Stat. § 121A.642)",
        "2026-07-01 – 2027-06-30",
        "8.00",
        "0.50",
        "1.50",
        "6.00",
        "8.00",
        "Met",
        "",
    ]
    far = by_person[str(minnesota.far_pair.para)]
    assert far[-2:] == ["Behind", "End of the period: 2027-06-30"]
    # Teachers are under no shipped rule.
    assert str(minnesota.teacher) not in by_person


def test_a_school_administrator_sees_only_their_schools(client, minnesota):
    client.force_login(minnesota.school_admin)

    page = client.get(reverse(REPORT))
    rows = export(client)

    assert page.status_code == HTTPStatus.OK
    assert "Farfield" not in page.text and "Farfield" not in str(rows)
    assert str(minnesota.para) in page.text
    # The person's name opens their statement.
    assert reverse("hours:statement", args=[minnesota.para.pk]) in page.text
    other = client.get(reverse(REPORT), {"school": minnesota.other_school.pk})
    assert other.status_code == HTTPStatus.NOT_FOUND


def test_the_filters_narrow_by_school_rule_and_status(client, minnesota):
    HoursRules.objects.update(rules=["minnesota", "pennsylvania"])
    client.force_login(minnesota.district_admin)

    behind = export(client, status="behind")
    riverside = export(client, school=minnesota.other_school.pk)
    pennsylvania = export(client, rule="pennsylvania")

    # The Maple para has met Minnesota and is on track for Pennsylvania (6.5 of 20
    # hours by November 18, ahead of an even pace): only the two without hours are behind.
    assert {row[0] for row in behind[1:]} == {
        str(p) for p in (minnesota.other_pair.para, minnesota.far_pair.para)
    }
    assert all(row[-2] == "Behind" for row in behind[1:])
    assert {row[1] for row in riverside[1:]} == {"Riverside"}
    assert {row[3] for row in pennsylvania[1:]} == {
        "Pennsylvania: 20 hours a school year (22 Pa. Code § 14.105)"
    }


def test_the_xlsx_export_is_a_workbook(client, minnesota):
    client.force_login(minnesota.district_admin)

    response = client.get(reverse(REPORT), {"export": "xlsx"})

    assert response.status_code == HTTPStatus.OK
    assert b"".join(response.streaming_content).startswith(b"PK\x03\x04")


def test_learners_and_editors_cannot_open_the_report(client, minnesota):
    client.force_login(minnesota.editor)
    assert client.get(reverse(REPORT)).status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    client.force_login(minnesota.para)
    assert client.get(reverse(REPORT)).status_code == HTTPStatus.FORBIDDEN


def grow(district, people: int) -> None:
    """``people`` more paras in Maple, each with a pair, a completed module,
    a confirmed check-in and outside PD."""
    module = make_course("Grown", modules=1).modules().first()
    for _number in range(people):
        pair = PairFactory(school=district.school, para=ParaFactory())
        ModuleProgress.objects.create(
            user=pair.para, module_id=module.pk, read_at=timezone.now(), completed_at=timezone.now()
        )
        logged = CheckIn.objects.create(pair=pair, author=pair.para, happened_on=TODAY, minutes=30)
        CheckInConfirmation.objects.create(check_in=logged, confirmed_by=pair.teacher)
        OutsidePD.objects.create(
            person=pair.para, title="PD", provider="IU", completed_on=TODAY, hours=1,
            delivery=OutsidePD.Delivery.IN_PERSON,
        )  # fmt: skip
        PersonnelRecord.objects.create(
            person=pair.para, hired_on=TODAY - datetime.timedelta(days=9)
        )


def count_queries(client, django_assert_max_num_queries, limit: int) -> int:
    with django_assert_max_num_queries(limit):
        assert client.get(reverse(REPORT)).status_code == HTTPStatus.OK
    with django_assert_max_num_queries(limit):
        response = client.get(reverse(REPORT), {"export": "csv"})
        return sum(1 for _ in itertools.islice(response.streaming_content, 1, None))


@pytest.mark.parametrize("who", ["district_admin", "school_admin"])
def test_report_queries_do_not_grow_with_the_district(
    client, minnesota, django_assert_max_num_queries, who
):
    client.force_login(getattr(minnesota, who))
    # Session (and saving it), user, permissions and menus, the filters' choices, the
    # setting, the people (counted, then a page of them), their hire dates and the
    # ledger's three sources.
    limit = 22
    small = count_queries(client, django_assert_max_num_queries, limit)
    grow(minnesota, people=60)
    large = count_queries(client, django_assert_max_num_queries, limit)

    assert large == small + 60


# The statement ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["para", "school_admin", "district_admin"])
def test_the_statement_is_a_pdf_for_the_person_and_their_administrators(client, minnesota, who):
    client.force_login(getattr(minnesota, who))

    response = client.get(reverse("hours:statement", args=[minnesota.para.pk]))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize("who", ["teacher", "other_school_admin", "editor"])
def test_the_statement_is_not_found_for_anyone_else(client, minnesota, who):
    client.force_login(getattr(minnesota, who))

    response = client.get(reverse("hours:statement", args=[minnesota.para.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


# The weekly digest ----------------------------------------------------------------------


def test_the_weekly_digest_names_who_is_behind_in_the_administrators_schools(minnesota):
    from django.template.loader import render_to_string

    from reporting.reminders import digest_context

    context = digest_context(minnesota.school_admin, TODAY)
    text = render_to_string("emails/admin_digest.txt", context)

    behind = {minnesota.other_pair.para}  # the Maple para with hours has met the rule
    assert set(context["hours_behind"]) == behind
    assert "1 person behind on PD hours" in text
    assert f"- {minnesota.other_pair.para}\n" in text
    assert "Farfield" not in text
    assert "/admin/reports/pd-hours/?status=behind" in text


def test_the_digest_says_nothing_of_hours_when_no_rule_is_followed(district):
    from django.template.loader import render_to_string

    from reporting.reminders import digest_context

    text = render_to_string("emails/admin_digest.txt", digest_context(district.school_admin, TODAY))

    assert "PD hours" not in text


# Choosing the rules --------------------------------------------------------------------


def test_the_district_administrator_chooses_the_rules_in_the_settings(client, district):
    url = reverse("wagtailsettings:edit", args=["hours", "hoursrules"])
    client.force_login(district.district_admin)

    page = client.get(url, follow=True)  # Wagtail sends the generic setting to its row
    url = page.redirect_chain[-1][0]
    response = client.post(url, {"rules": ["minnesota", "new-york-ctle"]})

    assert page.status_code == HTTPStatus.OK
    assert "Pennsylvania: 20 hours a school year" in page.text
    assert response.status_code == HTTPStatus.FOUND
    assert HoursRules.objects.get().rules == ["minnesota", "new-york-ctle"]
    refused = client.post(url, {"rules": ["texas"]})
    assert "Select a valid choice" in refused.text
    assert HoursRules.objects.get().rules == ["minnesota", "new-york-ctle"]


def test_a_school_administrator_cannot_change_the_districts_rules(client, district):
    setting = HoursRules.objects.create(rules=[])
    client.force_login(district.school_admin)

    response = client.post(
        reverse("wagtailsettings:edit", args=["hours", "hoursrules", setting.pk]),
        {"rules": ["washington"]},
    )

    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    setting.refresh_from_db()
    assert setting.rules == []


def test_the_streamed_standings_are_the_paged_ones(minnesota):
    """The export's streams, merged by person, give what the page computes person by person."""
    from django.contrib.auth import get_user_model

    from hours.compliance import compliance_for, stream_compliance

    HoursRules.objects.update(rules=["minnesota", "pennsylvania", "washington"])
    PersonnelRecord.objects.create(person=minnesota.other_pair.para, hired_on=TODAY)
    people = get_user_model().objects.filter(role="para")

    streamed = list(stream_compliance(people, TODAY))
    paged = compliance_for(list(people.order_by("last_name", "first_name", "pk")), TODAY)

    assert [found.person for found in streamed] == [found.person for found in paged]
    assert [found.standings for found in streamed] == [found.standings for found in paged]
    assert [found.hired_on for found in streamed] == [found.hired_on for found in paged]
