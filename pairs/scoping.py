"""Who may see what: every rule of it, in one place.

Every query for schools, pairs, people and the records that hang off them
(plans, actions, check-ins, assignments, attempts, progress) that depends on
who is asking goes through a function here. The rules:

- A partner sees their own pairs and everything in them.
- A school administrator sees the pairs of the schools they administer, and
  the people who belong to those schools (as members or through a pair there).
  Of a person who also belongs to another school, they see only what belongs to
  their own schools: the pairs there, not the person's pairs elsewhere.
- A district administrator sees every school, pair and person, and alone
  manages staff accounts (school administrators and editors).
- Nobody else sees anything: views built on these answer 404.

The functions take plain users and querysets, so that views, reports,
exports, the privacy screens and the record of access share one rule. This
module imports the models it filters; the models do not import it.

Two kinds of query filter by a person without coming here, on purpose:
- a learner's own learning records (their progress, attempts, assignments,
  certificates and transcript in ``courses``), read for the signed-in person
  only, where ``user`` is the one asking: ownership, not scope;
- the privacy registry's export and erasure (``privacy.registry``), which
  gather everything held about one person; who may see that export is decided
  here (``people_for_user``, ``pairs_of_person_for``, ``may_manage_account``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce, Least
from django.http import Http404

from accounts import roles
from config.database import ANOTHER_ID, ANY_ID, compiled_once
from pairs.models import Pair, School

Membership = School.members.through


def _is_signed_in(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_administrator(user) -> bool:
    """Whether the person administers schools (and so reads the reports)."""
    return user.is_authenticated and (user.is_district_admin or user.is_school_admin)


# Schools ---------------------------------------------------------------------------


def schools_administered_by(user) -> QuerySet:
    """Ids of the schools whose records this person may read as an administrator."""
    if not _is_signed_in(user):
        return School.objects.none().values("pk")
    if user.is_district_admin:
        return School.objects.values("pk")
    if user.is_school_admin:
        return School.objects.filter(administrators=user.pk).values("pk")
    return School.objects.none().values("pk")


def administered_schools(user) -> QuerySet[School]:
    """The schools this person administers (every school for a district administrator)."""
    return in_scope(School.objects.all(), "pk", schools_administered_by(user))


def administers_school(user, school_id: int) -> bool:
    return schools_administered_by(user).filter(pk=school_id).exists()


def is_everyone(scope: QuerySet) -> bool:
    """Whether ``scope`` (people, or schools) is the whole table: a district
    administrator's, with no school chosen."""
    return not scope.query.has_filters()


def in_scope(rows: QuerySet, field: str, scope: QuerySet) -> QuerySet:
    """``rows`` whose ``field`` is in ``scope`` (people, or schools).

    A district administrator's scope is every account and every school; testing
    each row against a whole table filters nothing and, at district scale, costs
    more than the rest of a report, so an unfiltered ``scope`` leaves ``rows`` be.
    """
    if is_everyone(scope):
        return rows
    return rows.filter(**{f"{field}__in": scope.values("pk")})


# Belonging to a school -------------------------------------------------------------


def memberships(school_ref, person_ref) -> Q:
    """Whether ``person_ref`` belongs to ``school_ref``: as a member or through a
    pair there. The one way a person is counted in a school.

    Written as EXISTS tests, not joins: joining a school to its members and its
    pairs at once multiplies thousands of rows by thousands.
    """
    member = Membership.objects.filter(school=school_ref, user=person_ref)
    partner = Pair.objects.filter(Q(para=person_ref) | Q(teacher=person_ref), school=school_ref)
    return Q(Exists(member)) | Q(Exists(partner))


def people_of_school(school: School) -> QuerySet:
    """Everyone who belongs to ``school`` (see ``memberships``)."""
    return get_user_model().objects.filter(memberships(school.pk, OuterRef("pk")))


def school_name_of(admin, person_ref: OuterRef) -> Least:
    """The first, by name, of the person's schools that ``admin`` administers: the
    schools they are a member of and those of their pairs.

    The first of each kind is looked up through the person's own rows (a few),
    not by testing every administered school, which at district scale made this
    column cost more than the rest of the report.
    """
    administered = schools_administered_by(admin)
    member = in_scope(Membership.objects.filter(user=person_ref), "school", administered)
    partner = in_scope(
        Pair.objects.filter(Q(para=person_ref) | Q(teacher=person_ref)), "school", administered
    )
    first_member, first_partner = (
        Subquery(rows.order_by("school__name").values("school__name")[:1])
        for rows in (member, partner)
    )
    # LEAST ignores NULLs on PostgreSQL but not on SQLite: coalesce both ways.
    return Least(Coalesce(first_member, first_partner), Coalesce(first_partner, first_member))


# People ----------------------------------------------------------------------------


def people_for_user(user) -> QuerySet:
    """The people an administrator may report on: their schools' people."""
    User = get_user_model()
    if not _is_signed_in(user):
        return User.objects.none()
    if user.is_district_admin:
        return User.objects.all()
    return User.objects.filter(_belongs_to_any(schools_administered_by(user)))


def _belongs_to_any(schools: QuerySet) -> Q:
    """People who belong to any of ``schools``, as members or through a pair there.

    Three IN lists rather than joins and DISTINCT: as a subquery of a report, the
    database can then start from the school's few people instead of every row.
    """
    pairs = Pair.objects.filter(school__in=schools)
    return (
        Q(pk__in=Membership.objects.filter(school__in=schools).values("user"))
        | Q(pk__in=pairs.values("para"))
        | Q(pk__in=pairs.values("teacher"))
    )


def people_in_scope(admin, school: School | None = None) -> QuerySet:
    """The people ``admin`` may report on, narrowed to one of their schools if given."""
    people = people_for_user(admin)
    if school is None:
        return people
    return in_scope(people_of_school(school), "pk", people)


def people_managed_by(user) -> QuerySet:
    """The people an administrator may add, edit or import over: ``people_for_user``
    less staff accounts.

    School administrators and editors are managed by a district administrator
    (``staff_managed_by``); letting a school administrator change a staff account's
    email would let them reset its password.
    """
    return without_staff(people_for_user(user))


def without_staff(people: QuerySet) -> QuerySet:
    return people.exclude(is_superuser=True).exclude(groups__name__in=roles.STAFF_GROUPS)


def accounts_managed_by(user) -> QuerySet:
    """The people whose account itself (email, password, deactivation, erasure) this
    administrator may act on: ``people_managed_by`` less, for a school
    administrator, anyone who also belongs to a school they do not administer.

    Acting on an account reaches everything the person has everywhere: one
    school must not open another school's records by taking over a shared person.
    """
    people = people_managed_by(user)
    if not _is_signed_in(user) or user.is_district_admin:
        return people
    outside = School.objects.exclude(pk__in=schools_administered_by(user))
    return people.exclude(_belongs_to_any(outside))


def staff_managed_by(user) -> QuerySet:
    """The staff accounts (school administrators and editors) this person manages:
    all of them for a district administrator, none for anyone else. District
    administrators and superusers are managed under Settings → Users."""
    User = get_user_model()
    if not _is_signed_in(user) or not user.is_district_admin:
        return User.objects.none()
    staff = User.groups.through.objects.filter(
        group__name__in=[roles.SCHOOL_ADMINISTRATORS, roles.EDITORS]
    ).values("user")
    district = User.groups.through.objects.filter(group__name=roles.DISTRICT_ADMINISTRATORS).values(
        "user"
    )
    return (
        User.objects.filter(pk__in=staff, is_superuser=False)
        .exclude(pk__in=district)
        .exclude(pk=user.pk)
    )


def may_manage_account(admin, person) -> bool:
    return admin.pk != person.pk and accounts_managed_by(admin).filter(pk=person.pk).exists()


def rows_of_people_in_scope(rows: QuerySet, admin, field: str = "user") -> QuerySet:
    """``rows`` (assignments, attempts, progress…) of the active people ``admin`` may
    report on: a deactivated person's work is no one's to chase (reports, digest).

    Written as "not one of the deactivated", not as a join to every account to read
    its flag: the deactivated are few and indexed (``accounts.User``'s
    ``inactive_people``), so counting a district's 20,000 assignments reads no
    account at all (10 ms to 2 ms on PostgreSQL)."""
    deactivated = get_user_model().objects.filter(is_active=False).values("pk")
    return in_scope(rows, field, people_for_user(admin)).exclude(**{f"{field}__in": deactivated})


# Pairs -----------------------------------------------------------------------------


def pairs_of(user) -> QuerySet[Pair]:
    """The person's own pairs, as para or teacher."""
    return Pair.objects.filter(Q(teacher=user) | Q(para=user))


def pairs_for_user(user) -> QuerySet[Pair]:
    """The one choke point for pair records: the pairs this person may see.

    A partner sees their own pairs; an administrator also sees every pair in
    the schools they administer. Everyone else sees nothing, so views that
    go through here answer 404 for pairs that are not theirs.
    """
    if not _is_signed_in(user):
        return Pair.objects.none()
    own = Q(teacher=user.pk) | Q(para=user.pk)
    if user.is_district_admin:
        return Pair.objects.all()
    if user.is_school_admin:
        return Pair.objects.filter(own | Q(school__in=schools_administered_by(user)))
    return Pair.objects.filter(own)


def pairs_administered_by(user) -> QuerySet[Pair]:
    """The pairs the admin screens manage: those in the schools this person
    administers. Narrower than ``pairs_for_user``, which also holds their own pairs."""
    return in_scope(pairs_for_user(user), "school", schools_administered_by(user))


def readable_pair(user, pk: int) -> Pair:
    """The pair ``pk`` if ``user`` may read it; a 404 for everyone else.

    Every pair page asks it first. Its SQL is ``pairs_for_user``'s, compiled once
    for each kind of reader (``config.database.CompiledQuery``): built each time,
    the query took 1.6 ms, the database 0.3 of it; compiled, 0.5 ms.
    """
    if not _is_signed_in(user):
        raise Http404("No such pair.")
    query = _readable_pair(user.is_district_admin, user.is_school_admin)
    # A district administrator's query is about the pair alone, and is given its id alone.
    pairs = query.instances(*(pk, user.pk)[: query.ids])
    if not pairs:
        raise Http404("No such pair.")
    return pairs[0]


@dataclass(frozen=True)
class _Reader:
    """Stands for whoever asks, in SQL compiled once for anyone of their kind."""

    pk: int
    is_district_admin: bool
    is_school_admin: bool
    is_authenticated: bool = True
    is_active: bool = True


@compiled_once(Pair, keep=4)
def _readable_pair(is_district_admin: bool, is_school_admin: bool):
    reader = _Reader(ANOTHER_ID, is_district_admin, is_school_admin)
    return pairs_for_user(reader).filter(pk=ANY_ID).select_related("school", "teacher", "para")


def pair_rows_for_user(rows: QuerySet, user, field: str = "pair") -> QuerySet:
    """``rows`` (plans, actions, check-ins, access records) of the pairs ``user`` may read."""
    return rows.filter(**{f"{field}__in": pairs_for_user(user)})


def pairs_of_person_for(admin, person) -> QuerySet[Pair]:
    """``person``'s pairs that ``admin`` may read: for a person in two schools, a
    school administrator sees only the pairs in their own schools."""
    return pairs_of(person).filter(pk__in=pairs_for_user(admin).values("pk"))


# Wagtail's own screens -------------------------------------------------------------


def log_entries_for(user, entries: QuerySet, records: Mapping[type[Model], QuerySet]) -> QuerySet:
    """Of Wagtail's log entries (``ModelLogEntry`` rows, already narrowed by Wagtail
    to the kinds of record ``user`` holds a permission on), those ``user`` may read
    in the site history and its exports.

    ``records`` maps each kind of school record (pairs, schools, people,
    assignments) to the rows of it that ``user`` reaches on its own screens. An
    entry about such a record is read by those who reach the record, and by a
    district administrator, who reads every entry. An entry about a record since
    deleted names no school any more, so only a district administrator reads it.
    Entries about anything else (pages, images) stay Wagtail's to decide.
    """
    if not _is_signed_in(user):
        return entries.none()
    if user.is_district_admin:
        return entries
    content_types = ContentType.objects.get_for_models(*records, for_concrete_models=False)
    readable = ~Q(content_type__in=list(content_types.values()))
    for model, rows in records.items():
        # ModelLogEntry.object_id is text: compare it with the ids written as text.
        ids = model._base_manager.filter(pk__in=rows.values("pk")).values_list(
            Cast("pk", output_field=CharField())
        )
        readable |= Q(content_type=content_types[model], object_id__in=ids)
    return entries.filter(readable)


def files_for(user, files: QuerySet, policy) -> QuerySet:
    """Of ``files`` (Wagtail's images or documents), those ``user`` may list.

    Images and documents are editors' content and belong to no school: a person
    lists the ones Wagtail's collection permissions (``policy``, the model's
    permission policy) let them choose, change or delete, as Wagtail's choosers and
    libraries do. Administrators hold no collection permission, so they list none.
    """
    usable = policy.instances_user_has_any_permission_for(user, ["choose", "change", "delete"])
    return files.filter(pk__in=usable.values("pk"))
