"""Who may see what, for the cases the rules were written for: a person who works
in two schools, seen by each school's administrator and by the district's.

Every rule lives in ``pairs.scoping``; these tests go through the pages and
exports that use it.
"""

import datetime
import json
from http import HTTPStatus

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse

from pairs import scoping
from tests.clock import TODAY
from tests.factories import PairFactory, TeacherFactory, signed_in
from workspace.models import AccessRecord, CheckIn, WeeklyPlan
from workspace.plans import monday_of

pytestmark = pytest.mark.django_db

MAPLE_NOTE = "Maple note: practised the break card."
RIVERSIDE_NOTE = "Riverside note: reading group with R.T."
RIVERSIDE_GOAL = "Riverside goal: two-step problems."


@pytest.fixture
def shared(district):
    """Maple's para also works with a Riverside teacher: a second pair, in the
    other school, with a plan and a check-in of its own."""
    para = district.para
    riverside_pair = PairFactory(
        school=district.other_school,
        para=para,
        teacher=TeacherFactory(),
        started_on=TODAY - datetime.timedelta(days=30),
    )
    for pair, note in ((district.pair, MAPLE_NOTE), (riverside_pair, RIVERSIDE_NOTE)):
        CheckIn.objects.create(pair=pair, author=para, happened_on=TODAY, minutes=15, note=note)
    WeeklyPlan.objects.create(
        pair=riverside_pair, week_of=monday_of(TODAY), priority_goals=RIVERSIDE_GOAL
    )
    district.riverside_pair = riverside_pair
    return district


def test_the_rules_give_each_school_its_own_pairs_of_a_shared_person(shared):
    para = shared.para
    assert set(scoping.pairs_of_person_for(shared.school_admin, para)) == {shared.pair}
    assert set(scoping.pairs_of_person_for(shared.other_school_admin, para)) == {
        shared.riverside_pair
    }
    assert set(scoping.pairs_of_person_for(shared.district_admin, para)) == {
        shared.pair,
        shared.riverside_pair,
    }
    # Both schools' administrators report on the person; neither alone owns the account.
    for admin in (shared.school_admin, shared.other_school_admin):
        assert scoping.people_for_user(admin).filter(pk=para.pk).exists()
        assert not scoping.may_manage_account(admin, para)
    assert scoping.may_manage_account(shared.district_admin, para)
    # Someone only in Maple stays Maple's to manage.
    assert scoping.may_manage_account(shared.school_admin, shared.other_pair.para)


def test_a_school_administrator_sees_only_their_schools_records_of_a_shared_person(shared):
    client = signed_in(shared.school_admin)
    page = client.get(reverse("privacy:person", args=[shared.para.pk])).content.decode()
    assert MAPLE_NOTE in page
    for text in (RIVERSIDE_NOTE, RIVERSIDE_GOAL, str(shared.other_school)):
        assert text not in page

    download = client.get(reverse("privacy:person_json", args=[shared.para.pk]))
    data = json.loads(download.content)["data"]
    assert RIVERSIDE_NOTE not in download.content.decode()
    assert RIVERSIDE_GOAL not in download.content.decode()
    assert [row["pk"] for row in data["pairs.Pair"]] == [shared.pair.pk]
    # Only what was shown is recorded as exported.
    exported = AccessRecord.objects.filter(user=shared.school_admin)
    assert set(exported.values_list("pair", flat=True)) == {shared.pair.pk}


def test_the_district_administrator_sees_both_schools_records(shared):
    page = signed_in(shared.district_admin).get(reverse("privacy:person", args=[shared.para.pk]))
    text = page.content.decode()
    assert MAPLE_NOTE in text and RIVERSIDE_NOTE in text and RIVERSIDE_GOAL in text


def test_a_school_administrator_cannot_take_over_a_shared_persons_account(shared):
    url = reverse("people:edit", args=[shared.para.pk])
    assert signed_in(shared.school_admin).get(url).status_code == HTTPStatus.NOT_FOUND
    response = signed_in(shared.school_admin).post(
        url, {"email": "taken.over@example.org", "first_name": "X", "last_name": "Y"}
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    shared.para.refresh_from_db()
    assert shared.para.email != "taken.over@example.org"
    # The district administrator may; so may Maple's administrator for a Maple-only person.
    assert signed_in(shared.district_admin).get(url).status_code == HTTPStatus.OK
    only_maple = reverse("people:edit", args=[shared.other_pair.para.pk])
    assert signed_in(shared.school_admin).get(only_maple).status_code == HTTPStatus.OK


def test_a_school_administrator_cannot_erase_a_shared_person(shared):
    url = reverse("privacy:erase", args=[shared.para.pk])
    client = signed_in(shared.school_admin)
    page = client.get(reverse("privacy:person", args=[shared.para.pk])).content.decode()
    assert url not in page  # no erase button
    # Wagtail answers a refused admin request by sending the person back to the dashboard.
    for response in (client.get(url), client.post(url, {"person": shared.para.pk})):
        assert (response.status_code, response.url) == (
            HTTPStatus.FOUND,
            reverse("wagtailadmin_home"),
        )
    shared.para.refresh_from_db()
    assert shared.para.is_active and shared.para.first_name != "Erased person"


@pytest.mark.django_db
def test_a_pair_is_read_by_its_partners_and_its_schools_administrators_only(district):
    """``readable_pair`` runs SQL compiled once for each kind of reader: each reader
    is still given their own pairs, whoever asked before them."""
    d = district
    pairs = (d.pair, d.other_pair, d.far_pair)
    readable = {
        d.pair.para: {d.pair},
        d.pair.teacher: {d.pair},
        d.far_pair.para: {d.far_pair},
        d.school_admin: {d.pair, d.other_pair},
        d.other_school_admin: {d.far_pair},
        d.district_admin: set(pairs),
    }
    for _round in range(2):
        for reader, theirs in readable.items():
            for pair in pairs:
                if pair in theirs:
                    read = scoping.readable_pair(reader, pair.pk)
                    assert (read.pk, read.school.name, read.para_id) == (
                        pair.pk,
                        pair.school.name,
                        pair.para_id,
                    )
                else:
                    with pytest.raises(Http404):
                        scoping.readable_pair(reader, pair.pk)
    with pytest.raises(Http404):
        scoping.readable_pair(AnonymousUser(), d.pair.pk)
    d.pair.para.is_active = False
    with pytest.raises(Http404):
        scoping.readable_pair(d.pair.para, d.pair.pk)
