"""Who may see what. Every view that shows a pair, a person or a report asks here.

``Pair.objects.for_user`` and ``School.objects.for_user`` are built on these;
the functions take plain users so reports and admin views share one rule.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from accounts import roles


def schools_administered_by(user) -> QuerySet:
    """Ids of the schools whose records this person may read as an administrator."""
    from pairs.models import School

    if not (user.is_authenticated and user.is_active):
        return School.objects.none().values("pk")
    if user.is_district_admin:
        return School.objects.values("pk")
    if user.is_school_admin:
        return School.objects.filter(administrators=user).values("pk")
    return School.objects.none().values("pk")


def people_for_user(user) -> QuerySet:
    """The people an administrator may manage and report on: their schools' members."""
    User = get_user_model()
    if not (user.is_authenticated and user.is_active):
        return User.objects.none()
    if user.is_district_admin:
        return User.objects.all()
    schools = schools_administered_by(user)
    return User.objects.filter(
        Q(schools__in=schools)
        | Q(pairs_as_para__school__in=schools)
        | Q(pairs_as_teacher__school__in=schools)
    ).distinct()


def of_people(rows: QuerySet, people: QuerySet, person: str = "user") -> QuerySet:
    """``rows`` whose ``person`` field is one of ``people``.

    A district administrator's people are every account; testing each row against
    the whole user table would filter nothing and, at district scale, cost more
    than the rest of a report, so an unfiltered ``people`` leaves ``rows`` as they are.
    """
    if not people.query.has_filters():
        return rows
    return rows.filter(**{f"{person}__in": people.values("pk")})


def people_managed_by(user) -> QuerySet:
    """The people an administrator may add, edit or import over: ``people_for_user``
    less staff accounts.

    Administrators and editors are managed under Settings → Users; letting a school
    administrator change a staff account's email would let them reset its password.
    """
    return without_staff(people_for_user(user))


def without_staff(people: QuerySet) -> QuerySet:
    return people.exclude(is_superuser=True).exclude(groups__name__in=roles.STAFF_GROUPS)


def administers_school(user, school_id: int) -> bool:
    return schools_administered_by(user).filter(pk=school_id).exists()
