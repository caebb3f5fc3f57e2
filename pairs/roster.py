"""Staff from the district's roster: OneRoster 1.1 and 1.2 CSV bundles.

A bundle is a zip of CSV files named in its ``manifest.csv``: ``orgs.csv`` (the
district and its schools), ``users.csv`` and, in 1.2, ``roles.csv`` (in 1.1 a
user's ``role`` and ``orgSourcedIds`` are columns of ``users.csv``).
https://www.imsglobal.org/oneroster-v11-final-csv-tables and
https://www.imsglobal.org/spec/oneroster/v1p2/bind/csv

Only staff come in: an ``aide`` becomes a para, a ``teacher`` a teacher, a
``principal`` or ``siteAdministrator`` (1.1: an ``administrator`` of a school) a
school administrator, a ``districtAdministrator`` (1.1: an ``administrator`` of
the district) a district administrator. Students and their families are counted
and skipped: nothing of theirs is kept, not even in the plan a dry run shows.

As with the CSV import (``pairs.importing``), the bundle is read into small
dataclasses and checked whole before anything is written: a bad file (a missing
column, an org nobody defined, a sourcedId used twice, text that is not UTF-8, a
file too large, not a zip) is refused with its file and line, and nothing is
written. A person the bundle cannot take (an address someone else uses, a role
Tandem has no place for) is refused on their own line, and the rest imports.
People are found again by their ``sourcedId`` (``User.roster_id``), so importing
the same bundle twice changes nothing; a person the roster held before and no
longer does is deactivated (``pairs.account_management.deactivate``).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import zipfile
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models.functions import Lower
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from accounts import roles
from accounts.roles import LearnerRole
from pairs.account_management import deactivate_all
from pairs.importing import Change, Problem, is_email, log_row, unique_username
from pairs.invitations import invite_after_commit
from pairs.models import School
from pairs.scoping import pairs_of

# A district's users.csv carries every student too: room for that, not for anything.
MAX_BUNDLE_BYTES = 20 * 1024 * 1024
# What one file of the bundle may hold once unzipped (a small zip can unpack to gigabytes).
MAX_FILE_BYTES = 200 * 1024 * 1024

MANIFEST, ORGS, USERS, ROLES = "manifest.csv", "orgs.csv", "users.csv", "roles.csv"
VERSIONS = ("1.1", "1.2")
REQUIRED_COLUMNS = {
    ("1.1", ORGS): ("sourcedId", "name", "type"),
    ("1.2", ORGS): ("sourcedId", "name", "type"),
    ("1.1", USERS): (
        "sourcedId",
        "enabledUser",
        "orgSourcedIds",
        "role",
        "username",
        "givenName",
        "familyName",
        "email",
    ),
    ("1.2", USERS): ("sourcedId", "enabledUser", "username", "givenName", "familyName", "email"),
    ("1.2", ROLES): ("userSourcedId", "orgSourcedId", "role", "roleType"),
}

# OneRoster's roles, and what each is in Tandem.
PARA_ROLES = {"aide"}
TEACHER_ROLES = {"teacher"}
SCHOOL_ADMIN_ROLES = {"principal", "siteadministrator"}
DISTRICT_ADMIN_ROLES = {"districtadministrator"}
# 1.1 has one "administrator": of a school, or of the district, by the org's type.
ADMINISTRATOR = "administrator"
# Never read in: counted, so the dry run can say how many were left out.
SKIPPED_ROLES = {"student", "guardian", "parent", "relative"}
SCHOOL = "school"

LOG_SCHOOL = "pairs.roster.school"
LOG_PERSON_CREATED = "pairs.roster.create"
LOG_PERSON_UPDATED = "pairs.roster.update"
LOG_ROSTER = "pairs.roster"
DEACTIVATION_REASON = "gone from the roster"


# ---------------------------------------------------------------------------
# What the bundle says


@dataclass(frozen=True)
class Org:
    sourced_id: str
    name: str
    line: int


@dataclass
class StaffMember:
    """A member of staff as the bundle gives them, with where they were read."""

    sourced_id: str
    line: int
    username: str
    first_name: str
    last_name: str
    email: str
    role: str = LearnerRole.NONE.value  # para, teacher or none
    member_of: list[str] = field(default_factory=list)  # school sourcedIds
    administers: list[str] = field(default_factory=list)  # school sourcedIds
    district_admin: bool = False
    enabled: bool = True

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.username


@dataclass
class Roster:
    """A bundle, read: its schools and staff, or why it cannot be read."""

    version: str = ""
    schools: list[Org] = field(default_factory=list)
    staff: list[StaffMember] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # by OneRoster role
    refused: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def to_payload(self) -> dict:
        """What the dry run hands to the import step (signed, in the form)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_payload(cls, data: dict) -> Roster:
        return cls(
            version=data["version"],
            schools=[Org(**org) for org in data["schools"]],
            staff=[StaffMember(**person) for person in data["staff"]],
            skipped=data["skipped"],
            refused=[Problem(**problem) for problem in data["refused"]],
            problems=[Problem(**problem) for problem in data["problems"]],
        )


class BadBundle(Exception):
    def __init__(self, *problems: Problem):
        super().__init__(problems)
        self.problems = list(problems)


# ---------------------------------------------------------------------------
# Reading


def read_bundle(data: bytes) -> Roster:
    """Read a OneRoster CSV bundle. Any problem with the file itself leaves the
    roster empty and the problems listed, with their file and line."""
    try:
        return _read_bundle(data)
    except BadBundle as error:
        return Roster(problems=sorted(error.problems, key=lambda p: (p.file, p.line)))


def _read_bundle(data: bytes) -> Roster:
    if len(data) > MAX_BUNDLE_BYTES:
        raise BadBundle(
            Problem(
                0,
                _("the file is larger than %(size)s; leave out the files Tandem does not read.")
                % {"size": filesizeformat(MAX_BUNDLE_BYTES)},
            )
        )
    try:
        bundle = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise BadBundle(
            Problem(0, _("this is not a zip file; upload the OneRoster CSV bundle as exported."))
        ) from error
    with bundle:
        files = _Files(bundle)
        version = _version(files.table(MANIFEST, ("propertyName", "value")))
        orgs, org_types = _orgs(files.table(ORGS, REQUIRED_COLUMNS[version, ORGS]))
        roster = Roster(version=version, schools=orgs)
        users = files.table(USERS, REQUIRED_COLUMNS[version, USERS])
        if version == "1.1":
            _staff_1_1(roster, users, org_types)
        else:
            _staff_1_2(
                roster, users, files.table(ROLES, REQUIRED_COLUMNS[version, ROLES]), org_types
            )
    return roster


@dataclass(frozen=True)
class Record:
    file: str
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column.casefold(), "")

    def problem(self, message: str) -> Problem:
        return Problem(self.line, message, file=self.file)


class _Files:
    """The bundle's CSV files, each checked for size and encoding as it is opened."""

    def __init__(self, bundle: zipfile.ZipFile):
        # Some exports put the files in a folder of the zip: find them by name.
        self.members = {
            info.filename.rsplit("/", 1)[-1].casefold(): info
            for info in bundle.infolist()
            if not info.is_dir()
        }
        self.bundle = bundle

    def table(self, name: str, required: tuple[str, ...]) -> list[Record]:
        info = self.members.get(name)
        if info is None:
            raise BadBundle(
                Problem(0, _("the bundle has no %(name)s.") % {"name": name}, file=name)
            )
        if info.file_size > MAX_FILE_BYTES:
            raise BadBundle(
                Problem(
                    0,
                    _("unzipped, this file is larger than %(size)s.")
                    % {"size": filesizeformat(MAX_FILE_BYTES)},
                    file=name,
                )
            )
        try:
            raw = self.bundle.read(info)
        except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as e:
            # A damaged, encrypted or oddly compressed member.
            raise BadBundle(
                Problem(0, _("this file cannot be unzipped; export the roster again."), file=name)
            ) from e
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            raise BadBundle(
                Problem(line, _("this is not UTF-8 text; export the roster as UTF-8."), file=name)
            ) from error
        return list(_records(name, text, required))


def _records(name: str, text: str, required: tuple[str, ...]) -> Iterator[Record]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [column.strip().casefold() for column in next(reader)]
    except StopIteration:
        raise BadBundle(Problem(1, _("the file is empty."), file=name)) from None
    except csv.Error:
        raise BadBundle(Problem(1, _("the header cannot be read as CSV."), file=name)) from None
    missing = [column for column in required if column.casefold() not in header]
    if missing:
        raise BadBundle(
            *(
                Problem(1, _("the column “%(column)s” is missing.") % {"column": c}, file=name)
                for c in missing
            )
        )
    next_line = reader.line_num + 1
    while True:
        # A quoted value may span lines: a row's number is where it starts.
        line = next_line
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise BadBundle(
                Problem(line, _("this line cannot be read as CSV."), file=name)
            ) from None
        next_line = reader.line_num + 1
        if any(cell.strip() for cell in cells):
            values = dict(zip(header, (cell.strip() for cell in cells), strict=False))
            yield Record(name, line, values)


def _version(manifest: list[Record]) -> str:
    properties = {record["propertyName"].casefold(): record for record in manifest}
    record = properties.get("oneroster.version")
    if record is None:
        raise BadBundle(
            Problem(0, _("the manifest does not say which OneRoster version it is."), MANIFEST)
        )
    if record["value"] not in VERSIONS:
        raise BadBundle(
            record.problem(
                _("OneRoster %(version)s is not one Tandem reads (1.1 and 1.2 are).")
                % {"version": record["value"]}
            )
        )
    for name in (ORGS, USERS) + ((ROLES,) if record["value"] == "1.2" else ()):
        listed = properties.get(f"file.{name.removesuffix('.csv')}")
        if listed is not None and listed["value"].casefold() == "absent":
            raise BadBundle(
                listed.problem(
                    _("the manifest says %(name)s is absent; Tandem needs it.") % {"name": name}
                )
            )
    return record["value"]


def _unique(records: list[Record], column: str) -> list[Record]:
    """``records``, refusing the file if any two share a value in ``column``."""
    first: dict[str, Record] = {}
    problems = []
    for record in records:
        value = record[column]
        if not value:
            problems.append(record.problem(_("the %(column)s is missing.") % {"column": column}))
        elif value in first:
            problems.append(
                record.problem(
                    _("the %(column)s “%(value)s” is also on line %(line)d.")
                    % {"column": column, "value": value, "line": first[value].line}
                )
            )
        else:
            first[value] = record
    if problems:
        raise BadBundle(*problems)
    return records


def _orgs(records: list[Record]) -> tuple[list[Org], dict[str, str]]:
    records = [r for r in _unique(records, "sourcedId") if not _to_be_deleted(r)]
    types = {record["sourcedId"]: record["type"].casefold() for record in records}
    schools = []
    for record in records:
        if types[record["sourcedId"]] != SCHOOL:
            continue
        if not record["name"]:
            raise BadBundle(record.problem(_("the school's name is missing.")))
        schools.append(Org(record["sourcedId"], record["name"], record.line))
    return schools, types


def _to_be_deleted(record: Record) -> bool:
    # OneRoster's delta exports mark rows to remove; in a bulk file they are gone too.
    return record["status"].casefold() == "tobedeleted"


def _known_org(record: Record, org_id: str, org_types: dict[str, str]) -> str:
    if org_id not in org_types:
        raise BadBundle(
            record.problem(
                _("the org “%(org)s” is not in %(orgs)s.") % {"org": org_id, "orgs": ORGS}
            )
        )
    return org_types[org_id]


def _person(record: Record) -> StaffMember:
    return StaffMember(
        sourced_id=record["sourcedId"],
        line=record.line,
        username=record["username"],
        first_name=record["givenName"],
        last_name=record["familyName"],
        email=record["email"],
        enabled=record["enabledUser"].casefold() != "false" and not _to_be_deleted(record),
    )


def _staff_1_1(roster: Roster, users: list[Record], org_types: dict[str, str]) -> None:
    skipped: Counter = Counter()
    for record in _unique(users, "sourcedId"):
        org_ids = [org.strip() for org in record["orgSourcedIds"].split(",") if org.strip()]
        orgs = [(org, _known_org(record, org, org_types)) for org in org_ids]
        role = record["role"]
        if role.casefold() in SKIPPED_ROLES:
            skipped[role.casefold()] += 1
            continue
        person = _person(record)
        if role.casefold() == ADMINISTRATOR:
            role = "districtAdministrator" if any(t != SCHOOL for _o, t in orgs) else "principal"
        if _take_role(roster, person, record, role, [org for org, _t in orgs], org_types):
            roster.staff.append(person)
    roster.skipped = dict(skipped)


def _staff_1_2(
    roster: Roster, users: list[Record], roles_rows: list[Record], org_types: dict[str, str]
) -> None:
    by_user: dict[str, list[Record]] = defaultdict(list)
    user_ids = {record["sourcedId"] for record in _unique(users, "sourcedId")}
    for record in roles_rows:
        if _to_be_deleted(record):
            continue
        if record["userSourcedId"] not in user_ids:
            raise BadBundle(
                record.problem(
                    _("the user “%(user)s” is not in %(users)s.")
                    % {"user": record["userSourcedId"], "users": USERS}
                )
            )
        _known_org(record, record["orgSourcedId"], org_types)
        by_user[record["userSourcedId"]].append(record)

    skipped: Counter = Counter()
    for record in users:
        held = by_user.get(record["sourcedId"], [])
        if held and all(r["role"].casefold() in SKIPPED_ROLES for r in held):
            skipped[held[0]["role"].casefold()] += 1
            continue
        person = _person(record)
        if not held:
            roster.refused.append(
                record.problem(
                    # Named by id only: without a role, this may be a student.
                    _("the user “%(user)s” has no role in %(roles)s: left out.")
                    % {"user": person.sourced_id, "roles": ROLES}
                )
            )
            continue
        # The primary role first: it decides between para and teacher.
        held.sort(key=lambda r: r["roleType"].casefold() != "primary")
        staff_roles = [r for r in held if r["role"].casefold() not in SKIPPED_ROLES]
        # Each role is read (a role Tandem has no place for is listed as refused); the
        # person comes in if any of their roles has a place.
        taken = [
            _take_role(roster, person, r, r["role"], [r["orgSourcedId"]], org_types)
            for r in staff_roles
        ]
        if any(taken):
            roster.staff.append(person)
    roster.skipped = dict(skipped)


def _take_role(
    roster: Roster,
    person: StaffMember,
    record: Record,
    role: str,
    org_ids: list[str],
    org_types: dict[str, str],
) -> bool:
    """Add what ``role`` at ``org_ids`` makes ``person``; refuse them if Tandem has
    no place for it."""
    role_key = role.casefold()
    schools = [org for org in org_ids if org_types[org] == SCHOOL]
    if role_key in PARA_ROLES | TEACHER_ROLES:
        learner = LearnerRole.PARA if role_key in PARA_ROLES else LearnerRole.TEACHER
        if person.role and person.role != learner:
            return True  # a secondary role: the primary one decided
        person.role = learner.value
        person.member_of += [school for school in schools if school not in person.member_of]
        return True
    if role_key in SCHOOL_ADMIN_ROLES:
        if not schools:
            roster.refused.append(
                record.problem(
                    _("%(name)s is a %(role)s of no school in %(orgs)s.")
                    % {"name": person.name, "role": role, "orgs": ORGS}
                )
            )
            return False
        person.administers += [school for school in schools if school not in person.administers]
        return True
    if role_key in DISTRICT_ADMIN_ROLES:
        person.district_admin = True
        return True
    roster.refused.append(
        record.problem(
            _("Tandem has no place for the role “%(role)s” (%(name)s).")
            % {"role": role, "name": person.name}
        )
    )
    return False


# ---------------------------------------------------------------------------
# Checking against Tandem


@dataclass
class SchoolPlan:
    org: Org
    change: Change
    school: School | None


@dataclass
class PersonPlan:
    member: StaffMember
    change: Change
    user: object | None
    changes: list[str] = field(default_factory=list)


@dataclass
class RosterPlan:
    roster: Roster
    schools: list[SchoolPlan] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    deactivate: list = field(default_factory=list)
    refused: list[Problem] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return self.roster.problems

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def count(self, change: Change) -> int:
        return sum(person.change == change for person in self.people)

    def schools_count(self, change: Change) -> int:
        return sum(school.change == change for school in self.schools)

    @property
    def skipped(self) -> int:
        return sum(self.roster.skipped.values())

    @property
    def has_changes(self) -> bool:
        return bool(self.deactivate) or any(
            item.change != Change.UNCHANGED for item in [*self.schools, *self.people]
        )


def plan_roster(roster: Roster, *, by=None) -> RosterPlan:
    """What importing ``roster`` would do to Tandem, person by person."""
    plan = RosterPlan(roster=roster, refused=list(roster.refused))
    if not roster.version:
        return plan
    schools = _plan_schools(plan, roster)
    if not plan.is_valid:
        return plan
    User = get_user_model()
    # What _changes compares, loaded with the people: a fixed number of queries.
    users = User.objects.prefetch_related("schools", "administered_schools", "groups")
    by_roster_id = {u.roster_id: u for u in users.exclude(roster_id="")}
    emails = {m.email.casefold() for m in roster.staff if m.email}
    by_email = {
        u.email.casefold(): u for u in users.annotate(key=Lower("email")).filter(key__in=emails)
    }
    added_elsewhere = set(
        EmailAddress.objects.annotate(key=Lower("email"))
        .filter(key__in=emails)
        .values_list("key", "user_id")
    )
    seen_emails: dict[str, StaffMember] = {}
    listed = set()
    for member in roster.staff:
        if not member.enabled:
            continue
        listed.add(member.sourced_id)
        problem = _refusal(member, by_roster_id, by_email, added_elsewhere, seen_emails, by)
        if problem:
            plan.refused.append(Problem(member.line, problem, file=USERS))
            continue
        user = by_roster_id.get(member.sourced_id) or by_email.get(member.email.casefold())
        if member.email:
            seen_emails[member.email.casefold()] = member
        if user is None:
            plan.people.append(PersonPlan(member, Change.CREATE, None))
            continue
        changes = _changes(member, user, schools)
        if changes and user.role != member.role and pairs_of(user).active().exists():
            plan.refused.append(
                Problem(
                    member.line,
                    _(
                        "%(name)s is in an active pair as %(role)s; end the pair before the "
                        "roster changes their role."
                    )
                    % {"name": member.name, "role": user.get_role_display()},
                    file=USERS,
                )
            )
            continue
        change = Change.UPDATE if changes else Change.UNCHANGED
        plan.people.append(PersonPlan(member, change, user, changes))
    plan.deactivate = [
        user
        for roster_id, user in sorted(by_roster_id.items())
        if roster_id not in listed and user.is_active and not user.is_superuser and user != by
    ]
    plan.refused.sort(key=lambda problem: (problem.file, problem.line))
    return plan


def _plan_schools(plan: RosterPlan, roster: Roster) -> dict[str, School]:
    """The school each org of the roster is, existing or to be made, by sourcedId.
    A school is found by its roster id, else taken over by its name; two schools
    may never end up with one name."""
    by_id = {school.roster_id: school for school in School.objects.exclude(roster_id="")}
    by_name = {school.name.casefold(): school for school in School.objects.all()}
    first_line: dict[str, int] = {}
    schools = {}
    for org in roster.schools:
        name_key = org.name.casefold()
        school = by_id.get(org.sourced_id)
        named = by_name.get(name_key)
        problem = ""
        if name_key in first_line:
            problem = _("the school name “%(name)s” is also on line %(line)d.") % {
                "name": org.name,
                "line": first_line[name_key],
            }
        elif named is not None and named != school and (school is not None or named.roster_id):
            problem = _("another school in Tandem is already named “%(name)s”.") % {
                "name": org.name
            }
        first_line.setdefault(name_key, org.line)
        if problem:
            roster.problems.append(Problem(org.line, problem, file=ORGS))
            continue
        school = school or named
        if school is None:
            change = Change.CREATE
        elif school.name != org.name or school.roster_id != org.sourced_id:
            change = Change.UPDATE
        else:
            change = Change.UNCHANGED
        plan.schools.append(SchoolPlan(org, change, school))
        schools[org.sourced_id] = school
    return schools


def _refusal(member, by_roster_id, by_email, added_elsewhere, seen_emails, by) -> str:
    names = {"name": member.name, "email": member.email}
    if not member.first_name or not member.last_name:
        return _("%(name)s has no given name or no family name.") % names
    if not member.email and not member.username:
        return _("%(name)s has neither an email address nor a username.") % names
    if member.email and not is_email(member.email):
        return _("“%(email)s” is not a valid email address.") % names
    key = member.email.casefold()
    if key and key in seen_emails:
        return _("%(email)s is also the address of %(other)s, line %(line)d.") % {
            **names,
            "other": seen_emails[key].name,
            "line": seen_emails[key].line,
        }
    user = by_roster_id.get(member.sourced_id)
    by_address = by_email.get(key)
    if user is not None and by_address is not None and by_address != user:
        return _("%(email)s is the address of another account.") % names
    user = user or by_address
    if user is not None and user.roster_id and user.roster_id != member.sourced_id:
        return _("%(email)s belongs to someone with another roster id.") % names
    if user is not None and user.is_superuser:
        return _("%(name)s is a superuser; change them under Settings → Users.") % names
    if user is not None and user == by and not member.district_admin:
        return _("%(name)s is you: the roster would take away your own access.") % names
    if key and any(k == key and (user is None or uid != user.pk) for k, uid in added_elsewhere):
        return _("%(email)s is already an address of another account.") % names
    return ""


def _changes(member: StaffMember, user, schools: dict[str, School]) -> list[str]:
    """What importing ``member`` would change about ``user``, in words."""
    changes = []
    if (user.first_name, user.last_name) != (member.first_name, member.last_name):
        changes.append(_("name"))
    if member.email and user.email.casefold() != member.email.casefold():
        changes.append(_("email"))
    if user.roster_id != member.sourced_id:
        changes.append(_("roster id"))
    if user.role != member.role:
        changes.append(_("role"))
    if not user.is_active:
        changes.append(_("reactivated"))
    # Links to schools the roster does not hold (made in Tandem) are not its to change.
    org_of = {school.pk: org for org, school in schools.items() if school is not None}
    members = {org_of[s.pk] for s in user.schools.all() if s.pk in org_of}
    administered = {org_of[s.pk] for s in user.administered_schools.all() if s.pk in org_of}
    if members != set(member.member_of):
        changes.append(_("schools"))
    if administered != set(member.administers):
        changes.append(_("schools administered"))
    groups = {group.name for group in user.groups.all()}
    if (roles.DISTRICT_ADMINISTRATORS in groups) != member.district_admin or (
        roles.SCHOOL_ADMINISTRATORS in groups
    ) != bool(member.administers):
        changes.append(_("staff role"))
    return changes


# ---------------------------------------------------------------------------
# Writing


@dataclass
class RosterResult:
    schools_created: int
    created: int
    updated: int
    deactivated: int


@transaction.atomic
def apply_roster(plan: RosterPlan, *, by=None, source: str = "") -> RosterResult:
    """Write a valid plan in one transaction, each change in Wagtail's history.

    New people get an unusable password and, once the import commits, the
    welcome email with a link to set one (or they sign in through the district's
    accounts, where that is switched on).
    """
    if not plan.is_valid:
        raise ValueError("Refusing to apply a roster plan that has problems.")
    schools = {}
    for item in plan.schools:
        school = item.school or School(roster_id=item.org.sourced_id)
        if item.change != Change.UNCHANGED:
            school.name, school.roster_id = item.org.name, item.org.sourced_id
            school.save()
            log_row(school, LOG_SCHOOL, by, line=item.org.line, source=source, file=ORGS)
        schools[item.org.sourced_id] = school

    User = get_user_model()
    groups = {
        name: Group.objects.get_or_create(name=name)[0]
        for name in (roles.SCHOOL_ADMINISTRATORS, roles.DISTRICT_ADMINISTRATORS)
    }
    created = []
    for person in plan.people:
        if person.change == Change.UNCHANGED:
            continue
        member, user = person.member, person.user
        if user is None:
            user = User(username=unique_username(member.username or member.email))
            user.set_unusable_password()
            created.append(user)
        user.first_name, user.last_name = member.first_name, member.last_name
        user.email = member.email or user.email
        user.role, user.roster_id, user.is_active = member.role, member.sourced_id, True
        user.save()
        _sync(user.schools, member.member_of, schools)
        _sync(user.administered_schools, member.administers, schools)
        for name, holds in (
            (roles.SCHOOL_ADMINISTRATORS, bool(member.administers)),
            (roles.DISTRICT_ADMINISTRATORS, member.district_admin),
        ):
            (user.groups.add if holds else user.groups.remove)(groups[name])
        action = LOG_PERSON_CREATED if person.user is None else LOG_PERSON_UPDATED
        log_row(user, action, by, line=member.line, source=source, file=USERS)

    deactivate_all(plan.deactivate, by=by, reason=DEACTIVATION_REASON)

    result = RosterResult(
        schools_created=plan.schools_count(Change.CREATE),
        created=len(created),
        updated=plan.count(Change.UPDATE),
        deactivated=len(plan.deactivate),
    )
    for school in schools.values():
        log_row(school, LOG_ROSTER, by, source=source, **dataclasses.asdict(result))
    invite_after_commit(created)
    return result


def _sync(related, roster_ids: list[str], schools: dict[str, School]) -> None:
    """Make the person's link to the roster's schools what the roster says; links to
    schools the roster does not hold (made in Tandem) are left alone."""
    wanted = [schools[roster_id] for roster_id in roster_ids]
    related.remove(*[school for school in schools.values() if school not in wanted])
    related.add(*wanted)
