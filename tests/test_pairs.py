import datetime

import pytest
from django.db import IntegrityError, transaction

from pairs.models import Pair
from pairs.scoping import administered_schools, pairs_for_user, pairs_of
from tests.factories import PairFactory, ParaFactory, TeacherFactory

pytestmark = pytest.mark.django_db


def test_one_active_pair_per_couple_is_enforced_by_the_database(district):
    pair = district.pair
    with pytest.raises(IntegrityError), transaction.atomic():
        Pair.objects.create(school=pair.school, teacher=pair.teacher, para=pair.para)
    # Once the first pair has ended, the same two people may pair up again.
    pair.ended_on = datetime.date(2026, 12, 1)
    pair.save()
    Pair.objects.create(school=pair.school, teacher=pair.teacher, para=pair.para)


def test_a_person_cannot_pair_with_themselves(district):
    person = ParaFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Pair.objects.create(school=district.school, teacher=person, para=person)


def test_a_para_may_belong_to_several_pairs(district):
    second = PairFactory(school=district.school, para=district.para, teacher=TeacherFactory())
    assert set(pairs_of(district.para)) == {district.pair, second}


@pytest.mark.parametrize(
    "who, visible",
    [
        ("para", {"pair"}),
        ("teacher", {"pair"}),
        ("school_admin", {"pair", "other_pair"}),
        ("other_school_admin", {"far_pair"}),
        ("district_admin", {"pair", "other_pair", "far_pair"}),
        ("editor", set()),
    ],
)
def test_pairs_are_scoped_to_who_is_asking(district, who, visible):
    user = getattr(district, who)
    expected = {getattr(district, name).pk for name in visible}
    assert set(pairs_for_user(user).values_list("pk", flat=True)) == expected


def test_a_deactivated_account_sees_nothing(district):
    district.para.is_active = False
    district.para.save()
    assert not pairs_for_user(district.para).exists()


def test_schools_are_scoped_to_their_administrators(district):
    assert list(administered_schools(district.school_admin)) == [district.school]
    assert set(administered_schools(district.district_admin)) == {
        district.school,
        district.other_school,
    }
    assert not administered_schools(district.para).exists()
