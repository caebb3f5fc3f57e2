"""A pair keeps its people: its records are the record of two people's work
together, so they can never come to show under someone else's name.

Changing partners ends the pair (its records stay with it) and makes a new one,
in one admin action that both pairs' histories record.
"""

import datetime
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from pairs.models import PEOPLE_FIXED, Pair, PairIdentityChanged
from pairs.partner_change import CONTINUED_FROM_ACTION, PARTNER_CHANGED_ACTION
from privacy.personal_data import erase_person
from tests.clock import TODAY
from tests.factories import ParaFactory, SchoolFactory, TeacherFactory, signed_in
from workspace.models import CheckIn, WeeklyPlan
from workspace.plans import monday_of

pytestmark = pytest.mark.django_db

OLD_NOTE = "Worked on the break card with R.T."
OLD_GOAL = "R.T.: ask for a break with the card."


@pytest.fixture
def worked(district):
    """Maple's pair, with a plan and a check-in the para wrote, and a new para in
    Maple who could take her place."""
    pair = district.pair
    CheckIn.objects.create(
        pair=pair, author=pair.para, happened_on=TODAY, minutes=20, note=OLD_NOTE
    )
    WeeklyPlan.objects.create(pair=pair, week_of=monday_of(TODAY), priority_goals=OLD_GOAL)
    district.newcomer = ParaFactory(first_name="Nia", last_name="Newcomer")
    district.school.members.add(district.newcomer)
    return district


def test_the_edit_form_keeps_the_pairs_people(worked):
    pair, newcomer = worked.pair, worked.newcomer
    client = signed_in(worked.school_admin)
    page = client.get(reverse("pairs:edit", args=[pair.pk])).content.decode()
    assert "never change once it is made" in page
    assert reverse("pairs:change_partner", args=[pair.pk]) in page

    response = client.post(
        reverse("pairs:edit", args=[pair.pk]),
        {
            "school": worked.other_school.pk,
            "teacher": pair.teacher.pk,
            "para": newcomer.pk,
            "started_on": pair.started_on.isoformat(),
            "ended_on": "",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    pair.refresh_from_db()
    assert (pair.para, pair.school) == (worked.para, worked.school)
    # The newcomer sees nothing of the old para's work.
    assert signed_in(newcomer).get(f"/pairs/{pair.pk}/").status_code == HTTPStatus.NOT_FOUND


def test_the_model_refuses_to_change_a_pairs_people_or_school(worked):
    pair = Pair.objects.get(pk=worked.pair.pk)
    pair.para = worked.newcomer
    with pytest.raises(PairIdentityChanged, match="never change"):
        pair.save()
    with pytest.raises(ValidationError, match="never change"):
        pair.full_clean()
    pair = Pair.objects.get(pk=worked.pair.pk)
    pair.school = worked.other_school
    with pytest.raises(PairIdentityChanged):
        pair.save()
    assert str(PEOPLE_FIXED).startswith("A pair's school and two people never change")


def test_a_pair_read_with_only_its_key_is_held_to_its_people_too(worked):
    pair = Pair.objects.only("pk").get(pk=worked.pair.pk)
    pair.para = worked.newcomer
    with pytest.raises(PairIdentityChanged):
        pair.save()
    pair = Pair.objects.only("pk", "ended_on").get(pk=worked.pair.pk)
    pair.ended_on = TODAY
    pair.save()
    assert Pair.objects.get(pk=worked.pair.pk).ended_on == TODAY


def test_a_person_in_a_pair_cannot_be_deleted_only_erased(worked):
    """Django's delete collector reads the protecting pairs with their keys alone;
    that must end in the protection, not in loading the pair over and over."""
    with pytest.raises(ProtectedError):
        worked.para.delete()


@pytest.mark.parametrize(
    "change",
    [
        lambda district: {"para": district.newcomer},
        lambda district: {"teacher": TeacherFactory()},
        lambda district: {"school": district.other_school},
    ],
    ids=["para", "teacher", "school"],
)
def test_the_database_refuses_it_too(worked, change):
    with pytest.raises(DatabaseError, match="never change"), transaction.atomic():
        Pair.objects.filter(pk=worked.pair.pk).update(**change(worked))
    assert Pair.objects.get(pk=worked.pair.pk).para == worked.para


def test_erasure_may_still_put_a_pseudonym_in_a_persons_place(worked):
    erasure = erase_person(worked.para, by=worked.district_admin)
    pair = Pair.objects.get(pk=worked.pair.pk)
    assert pair.para == erasure.pseudonym and pair.ended_on is not None
    assert pair.check_ins.get().note == OLD_NOTE


def test_change_partner_ends_the_pair_and_starts_a_new_one(worked, clock):
    clock.move_to(TODAY + datetime.timedelta(days=7))
    old, newcomer = worked.pair, worked.newcomer
    client = signed_in(worked.school_admin)
    url = reverse("pairs:change_partner", args=[old.pk])
    form = client.get(url)
    assert form.status_code == HTTPStatus.OK
    assert "Nia Newcomer (Para)" in form.content.decode()

    starts_on = TODAY + datetime.timedelta(days=7)
    response = client.post(url, {"new_partner": newcomer.pk, "starts_on": starts_on.isoformat()})
    new = Pair.objects.get(para=newcomer)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("pairs:edit", args=[new.pk])

    old.refresh_from_db()
    assert old.ended_on == starts_on - datetime.timedelta(days=1)
    assert (new.teacher, new.school, new.started_on) == (old.teacher, old.school, starts_on)
    assert old.check_ins.get().note == OLD_NOTE and not new.check_ins.exists()
    # The old para keeps reading her own (now ended) pair; the newcomer reads only hers.
    assert signed_in(worked.para).get(f"/pairs/{old.pk}/").status_code == HTTPStatus.OK
    newcomer_client = signed_in(newcomer)
    assert newcomer_client.get(f"/pairs/{old.pk}/").status_code == HTTPStatus.NOT_FOUND
    page = newcomer_client.get(f"/pairs/{new.pk}/").content.decode()
    assert OLD_NOTE not in page and OLD_GOAL not in page

    logged = {
        entry.action: entry.data
        for entry in ModelLogEntry.objects.filter(
            action__in=[PARTNER_CHANGED_ACTION, CONTINUED_FROM_ACTION]
        )
    }
    assert logged[PARTNER_CHANGED_ACTION]["new_pair"] == new.pk
    assert logged[CONTINUED_FROM_ACTION]["ended_pair"] == old.pk
    history = client.get(reverse("pairs:history", args=[old.pk])).content.decode()
    assert "continued as" in history


def test_change_partner_says_what_to_fix_and_keeps_what_was_typed(worked):
    client = signed_in(worked.school_admin)
    url = reverse("pairs:change_partner", args=[worked.pair.pk])
    too_early = (worked.pair.started_on - datetime.timedelta(days=1)).isoformat()
    response = client.post(url, {"new_partner": worked.newcomer.pk, "starts_on": too_early})
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "cannot start before this one did" in page
    assert f'value="{too_early}"' in page
    assert Pair.objects.active().filter(pk=worked.pair.pk).exists()


def test_change_partner_is_for_the_pairs_own_administrators(worked):
    far = reverse("pairs:change_partner", args=[worked.far_pair.pk])
    assert signed_in(worked.school_admin).get(far).status_code == HTTPStatus.NOT_FOUND
    here = reverse("pairs:change_partner", args=[worked.pair.pk])
    assert signed_in(worked.para).get(here).status_code == HTTPStatus.FORBIDDEN
    # Another school's para is not offered as the new partner.
    outsider = ParaFactory(first_name="Otto", last_name="Outsider")
    SchoolFactory(name="Lakeside").members.add(outsider)
    assert "Otto Outsider" not in signed_in(worked.school_admin).get(here).content.decode()


def test_a_paired_persons_role_cannot_change(worked):
    para, client = worked.para, signed_in(worked.district_admin)
    data = {
        "first_name": para.first_name,
        "last_name": "Typed-Name",
        "email": para.email,
        "username": para.username,
        "role": "teacher",
        "is_active": "on",
        "schools": [worked.school.pk],
    }
    response = client.post(reverse("people:edit", args=[para.pk]), data)
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "is in an active pair as Para." in page
    assert 'value="Typed-Name"' in page
    para.refresh_from_db()
    assert para.role == "para"

    Pair.objects.filter(pk=worked.pair.pk).update(ended_on=TODAY)
    assert client.post(reverse("people:edit", args=[para.pk]), data).status_code == HTTPStatus.FOUND
    para.refresh_from_db()
    assert para.role == "teacher"
