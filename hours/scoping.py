"""The hours records a person may read, built on ``pairs.scoping``'s rules: a
person's own records (ownership), and those of the people an administrator may
report on (``rows_of_people_in_scope``). Nothing else filters hours by who asks."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from hours.models import OutsidePD, TitleIQualification
from pairs.scoping import people_for_user, rows_of_people_in_scope


def outside_pd_for(user) -> QuerySet[OutsidePD]:
    """Outside PD entries ``user`` may read: their own, and their people's."""
    if not (user.is_authenticated and user.is_active):
        return OutsidePD.objects.none()
    return OutsidePD.objects.filter(
        Q(person=user)
        | Q(pk__in=rows_of_people_in_scope(OutsidePD.objects.all(), user, "person").values("pk"))
    )


def qualifications_for(user) -> QuerySet[TitleIQualification]:
    """Title I qualifications ``user`` may read: their own, and their people's."""
    if not (user.is_authenticated and user.is_active):
        return TitleIQualification.objects.none()
    theirs = rows_of_people_in_scope(TitleIQualification.objects.all(), user, "person")
    return TitleIQualification.objects.filter(Q(person=user) | Q(pk__in=theirs.values("pk")))


def people_whose_hours_user_reads(user) -> QuerySet:
    """The people whose hours ``user`` may read: themselves, and for an administrator
    the people of their schools."""
    User = get_user_model()
    if not (user.is_authenticated and user.is_active):
        return User.objects.none()
    return User.objects.filter(Q(pk=user.pk) | Q(pk__in=people_for_user(user).values("pk")))
