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
    from pairs.models import Pair, School

    schools = schools_administered_by(user)
    pairs = Pair.objects.filter(school__in=schools)
    # Three IN lists rather than joins and DISTINCT: as a subquery of a report, the
    # database can then start from the school's few people instead of every row.
    return User.objects.filter(
        Q(pk__in=School.members.through.objects.filter(school__in=schools).values("user"))
        | Q(pk__in=pairs.values("para"))
        | Q(pk__in=pairs.values("teacher"))
    )


def in_scope(rows: QuerySet, field: str, scope: QuerySet) -> QuerySet:
    """``rows`` whose ``field`` is in ``scope`` (people, or schools).

    A district administrator's scope is every account and every school; testing
    each row against a whole table filters nothing and, at district scale, costs
    more than the rest of a report, so an unfiltered ``scope`` leaves ``rows`` be.
    """
    if not scope.query.has_filters():
        return rows
    return rows.filter(**{f"{field}__in": scope.values("pk")})


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
