"""Import people and pairs from a CSV file: parse, check every row, and only then write.

The file starts with a header row naming its columns, in any order::

    email,first_name,last_name,role,school,partner_email
    ana.torres@example.org,Ana,Torres,teacher,Maple Grove Elementary,gabe.ortiz@example.org
    gabe.ortiz@example.org,Gabe,Ortiz,para,Maple Grove Elementary,

``partner_email`` is optional: it pairs the row's person with someone of the other
role in the same school, either further down the file or already in Tandem. Line
numbers in messages are the file's own, so the header is line 1. Nothing is
written unless every row is valid, and importing a file twice changes nothing the
second time: people are matched by email and active pairs are never duplicated.
"""

from __future__ import annotations

import csv
import enum
import io
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from accounts.roles import LearnerRole
from pairs.invitations import invite_after_commit
from pairs.models import Pair, School
from pairs.scoping import administered_schools, people_managed_by, without_staff

COLUMNS = ("email", "first_name", "last_name", "role", "school", "partner_email")
REQUIRED_COLUMNS = COLUMNS[:-1]
# What the upload page says about each column.
COLUMN_HELP = {
    "email": gettext_lazy("Required. Identifies the person: importing them again updates them."),
    "first_name": gettext_lazy("Required."),
    "last_name": gettext_lazy("Required."),
    "role": gettext_lazy("Required: “para” or “teacher”."),
    "school": gettext_lazy("Required: the name of a school you administer, in any capitals."),
    "partner_email": gettext_lazy(
        "Optional: pairs this person with someone of the other role in the same school, "
        "elsewhere in the file or already in Tandem."
    ),
}
ROLES = {LearnerRole.PARA.value, LearnerRole.TEACHER.value}

# Audit actions, registered with Wagtail in pairs.wagtail_hooks.
LOG_PERSON_CREATED = "pairs.import.create"
LOG_PERSON_UPDATED = "pairs.import.update"
LOG_PAIR_CREATED = "pairs.import.pair"
LOG_IMPORT = "pairs.import"


@dataclass(frozen=True)
class Row:
    """One person as the file gives them, trimmed but not yet checked."""

    line: int
    email: str
    first_name: str
    last_name: str
    role: str
    school: str
    partner_email: str = ""

    @property
    def key(self) -> str:
        return self.email.casefold()


@dataclass(frozen=True)
class Problem:
    """What is wrong, and where: a line of the file (0: the file as a whole), and for
    a file of several (a roster bundle), which of them."""

    line: int
    message: str
    file: str = ""

    def __str__(self) -> str:
        names = {"line": self.line, "message": self.message, "file": self.file}
        if self.file and self.line:
            return _("%(file)s, line %(line)d: %(message)s") % names
        if self.file:
            return _("%(file)s: %(message)s") % names
        if not self.line:
            return self.message[:1].upper() + self.message[1:]
        return _("Line %(line)d: %(message)s") % names


class Change(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


@dataclass
class PersonPlan:
    row: Row
    change: Change
    school: School
    existing: object | None = None  # the User this row updates, if any


@dataclass
class PairPlan:
    line: int
    school: School
    teacher_email: str
    para_email: str
    exists: bool


@dataclass
class ImportPlan:
    people: list[PersonPlan] = field(default_factory=list)
    pairs: list[PairPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def count(self, change: Change) -> int:
        return sum(person.change == change for person in self.people)

    @property
    def new_pairs(self) -> list[PairPlan]:
        return [pair for pair in self.pairs if not pair.exists]

    @property
    def has_changes(self) -> bool:
        return bool(self.new_pairs) or any(p.change != Change.UNCHANGED for p in self.people)


@dataclass(frozen=True)
class ImportScope:
    """What an import may touch: these schools, and these existing people."""

    schools: dict[str, School]  # by casefolded name
    people: QuerySet

    @classmethod
    def for_user(cls, user) -> ImportScope:
        return cls._of(administered_schools(user), people_managed_by(user))

    @classmethod
    def whole_district(cls) -> ImportScope:
        """For the management command, run by whoever runs the server."""
        return cls._of(School.objects.all(), without_staff(get_user_model().objects.all()))

    @classmethod
    def _of(cls, schools: QuerySet, people: QuerySet) -> ImportScope:
        return cls(schools={school.name.casefold(): school for school in schools}, people=people)


@dataclass
class ImportResult:
    created: int
    updated: int
    pairs_created: int


# ---------------------------------------------------------------------------
# Reading


def check_file(data: bytes, scope: ImportScope) -> ImportPlan:
    """Everything a preview shows: what an import of ``data`` would do, or why not."""
    return _plan(*read_csv(data), scope)


def check_text(text: str, scope: ImportScope) -> ImportPlan:
    return _plan(*parse_csv(text), scope)


def _plan(rows: list[Row], problems: list[Problem], scope: ImportScope) -> ImportPlan:
    plan = plan_import(rows, scope)
    # A row that cannot be read stops the reading, but the rows above it are still checked.
    plan.problems = sorted(problems + plan.problems, key=lambda problem: problem.line)
    return plan


def read_csv(data: bytes) -> tuple[list[Row], list[Problem]]:
    """Decode and parse an uploaded file. Excel's "CSV UTF-8" adds a BOM; it is dropped."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return [], [Problem(line, _("this is not UTF-8 text; save the file as “CSV UTF-8”."))]
    return parse_csv(text)


def parse_csv(text: str) -> tuple[list[Row], list[Problem]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().casefold() for name in next(reader)]
    except StopIteration:
        return [], [Problem(1, _("the file is empty."))]
    except csv.Error:
        return [], [Problem(1, _("the header cannot be read as CSV."))]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        return [], [
            Problem(1, _("the column “%(column)s” is missing.") % {"column": name})
            for name in missing
        ]

    rows: list[Row] = []
    next_line = reader.line_num + 1
    while True:
        # A quoted value may span lines: a row's number is where it starts.
        line = next_line
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error:
            return rows, [Problem(line, _("this line cannot be read as CSV."))]
        next_line = reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        values = dict(zip(header, (cell.strip() for cell in record), strict=False))
        rows.append(Row(line=line, **{name: values.get(name, "") for name in COLUMNS}))
    return rows, []


# ---------------------------------------------------------------------------
# Checking


def plan_import(rows: list[Row], scope: ImportScope) -> ImportPlan:
    """Check every row against the file and the database; say what a commit would do.

    A fixed number of queries whatever the file's length.
    """
    plan = ImportPlan()
    first_row: dict[str, Row] = {}
    for row in rows:
        first_row.setdefault(row.key, row)
    existing = _existing_people({*first_row, *(r.partner_email.casefold() for r in rows)})
    managed = set(
        scope.people.filter(pk__in=[u.pk for u in existing.values()]).values_list("pk", flat=True)
    )
    memberships = set(
        School.members.through.objects.filter(
            user_id__in=[u.pk for u in existing.values()]
        ).values_list("user_id", "school_id")
    )
    active_pairs = set(
        Pair.objects.active()
        .filter(teacher__in=existing.values(), para__in=existing.values())
        .values_list("teacher_id", "para_id")
    )

    added_elsewhere = _added_addresses(set(first_row) - set(existing))
    own_problems = {
        row.line: _check_person(row, first_row, existing, managed, scope)
        + _check_added_address(row, existing, added_elsewhere)
        for row in rows
    }
    for row in rows:
        problems = own_problems[row.line]
        school = scope.schools.get(row.school.casefold())
        partner_row = first_row.get(row.partner_email.casefold())
        # A partner whose own line is wrong is reported there, not again here.
        partner_ok = not (partner_row and own_problems[partner_row.line])
        if row.partner_email and not problems and partner_ok:
            problems = _check_partner(row, partner_row, existing, managed, memberships, school)
        plan.problems += [Problem(row.line, message) for message in problems]
        if problems:
            continue
        user = existing.get(row.key)
        plan.people.append(
            PersonPlan(row, _change_for(row, user, school, memberships), school, user)
        )
        if row.partner_email:
            _add_pair(plan, row, school, existing, active_pairs)
    plan.problems.sort(key=lambda problem: problem.line)
    return plan


def _existing_people(emails: Iterable[str]) -> dict:
    User = get_user_model()
    emails = [email for email in emails if email]
    people = User.objects.annotate(email_key=Lower("email")).filter(email_key__in=emails)
    return {person.email.casefold(): person for person in people}


def _added_addresses(emails: Iterable[str]) -> set[str]:
    """Of ``emails`` (nobody's sign-in address), those someone added to their account
    on the email page (``accounts.email_addresses``: one account to an address)."""
    emails = [email for email in emails if email]
    return set(
        EmailAddress.objects.annotate(key=Lower("email"))
        .filter(key__in=emails)
        .values_list("key", flat=True)
    )


def _check_added_address(row: Row, existing, added_elsewhere: set[str]) -> list[str]:
    if row.key in existing or row.key not in added_elsewhere:
        return []
    return [
        _(
            "%(email)s is already an address of another account, so a new person "
            "cannot have it; use their own address."
        )
        % {"email": row.email}
    ]


def _check_person(row: Row, first_row, existing, managed, scope: ImportScope) -> list[str]:
    problems = []
    if not row.email:
        problems.append(_("the email address is missing."))
    elif not is_email(row.email):
        problems.append(_("“%(email)s” is not a valid email address.") % {"email": row.email})
    elif first_row[row.key] is not row:
        problems.append(
            _("%(email)s is also on line %(line)d.")
            % {"email": row.email, "line": first_row[row.key].line}
        )
    if not row.first_name:
        problems.append(_("the first name is missing."))
    if not row.last_name:
        problems.append(_("the last name is missing."))
    if not row.role:
        problems.append(_("the role is missing."))
    elif row.role.casefold() not in ROLES:
        problems.append(
            _("the role “%(role)s” is neither “para” nor “teacher”.") % {"role": row.role}
        )
    if not row.school:
        problems.append(_("the school is missing."))
    elif row.school.casefold() not in scope.schools:
        problems.append(
            _("there is no school named “%(school)s” among the schools you administer.")
            % {"school": row.school}
        )
    user = existing.get(row.key)
    if user is not None and row.email and first_row[row.key] is row:
        if user.pk not in managed:
            problems.append(
                _("%(email)s belongs to someone outside your schools.") % {"email": row.email}
            )
        elif user.role and user.role != row.role.casefold() and row.role.casefold() in ROLES:
            problems.append(
                _("%(email)s is already a %(role)s; change a role on the People screen.")
                % {"email": row.email, "role": user.get_role_display()}
            )
    return problems


def _check_partner(row: Row, partner_row, existing, managed, memberships, school) -> list[str]:
    partner_key = row.partner_email.casefold()
    role = row.role.casefold()
    if not is_email(row.partner_email):
        return [
            _("the partner email “%(email)s” is not a valid email address.")
            % {"email": row.partner_email}
        ]
    if partner_key == row.key:
        return [_("a person cannot be paired with themselves.")]
    names = {"email": row.partner_email, "school": school.name}
    if partner_row:
        partner_role = partner_row.role.casefold()
        in_school = partner_row.school.casefold() == row.school.casefold()
    elif (partner := existing.get(partner_key)) and partner.pk in managed:
        partner_role = partner.role
        in_school = (partner.pk, school.pk) in memberships
    else:
        return [_("the partner %(email)s is neither in this file nor among your people.") % names]
    if partner_role not in ROLES:
        return [_("the partner %(email)s is neither a para nor a teacher.") % names]
    if partner_role == role:
        return [
            _("the partner %(email)s is also a %(role)s; a pair is a para and a teacher.")
            % {**names, "role": role}
        ]
    if not in_school:
        return [_("the partner %(email)s is not in %(school)s.") % names]
    return []


def is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _change_for(row: Row, user, school: School, memberships) -> Change:
    if user is None:
        return Change.CREATE
    same = (
        user.first_name == row.first_name
        and user.last_name == row.last_name
        and user.role == row.role.casefold()
        and (user.pk, school.pk) in memberships
    )
    return Change.UNCHANGED if same else Change.UPDATE


def _add_pair(plan: ImportPlan, row: Row, school: School, existing, active_pairs) -> None:
    if row.role.casefold() == LearnerRole.TEACHER:
        teacher_key, para_key = row.key, row.partner_email.casefold()
    else:
        teacher_key, para_key = row.partner_email.casefold(), row.key
    # Both partners' rows may name each other: that is still one pair.
    if any((p.teacher_email, p.para_email) == (teacher_key, para_key) for p in plan.pairs):
        return
    teacher, para = existing.get(teacher_key), existing.get(para_key)
    exists = bool(teacher and para and (teacher.pk, para.pk) in active_pairs)
    plan.pairs.append(PairPlan(row.line, school, teacher_key, para_key, exists))


# ---------------------------------------------------------------------------
# Writing


@transaction.atomic
def apply_import(plan: ImportPlan, *, by=None, source: str = "") -> ImportResult:
    """Write a valid plan in one transaction and record it in Wagtail's audit log.

    New people get an unusable password and, once the transaction commits, an
    email with a link to set their own.
    """
    if not plan.is_valid:
        raise ValueError("Refusing to apply an import plan that has problems.")
    User = get_user_model()
    created = []
    for person in plan.people:
        row = person.row
        user = person.existing
        if person.change == Change.CREATE:
            user = User(username=unique_username(row.email), email=row.email)
            user.set_unusable_password()
            created.append(user)
        if person.change != Change.UNCHANGED:
            user.first_name, user.last_name = row.first_name, row.last_name
            user.role = row.role.casefold()
            user.save()
            person.school.members.add(user)
            action = LOG_PERSON_CREATED if person.change == Change.CREATE else LOG_PERSON_UPDATED
            log_row(user, action, by, line=row.line, source=source)

    new_pairs = plan.new_pairs
    emails = {pair.teacher_email for pair in new_pairs} | {pair.para_email for pair in new_pairs}
    partners = _existing_people(emails)
    for pair_plan in new_pairs:
        pair = Pair.objects.create(
            school=pair_plan.school,
            teacher=partners[pair_plan.teacher_email],
            para=partners[pair_plan.para_email],
        )
        log_row(pair, LOG_PAIR_CREATED, by, line=pair_plan.line, source=source)

    result = ImportResult(
        created=len(created), updated=plan.count(Change.UPDATE), pairs_created=len(new_pairs)
    )
    for school in {person.school for person in plan.people}:
        log_row(school, LOG_IMPORT, by, source=source, **result.__dict__)
    invite_after_commit(created)
    return result


def log_row(instance, action: str, by, **data) -> None:
    # Each entry gets its own uuid: Wagtail's history view keeps only the latest
    # entry per (uuid, action), which would hide all but one row of an import.
    log(instance, action, user=by, uuid=uuid.uuid4(), data=data)


def unique_username(email_or_username: str) -> str:
    """A free username made from an address's local part (or a username as given)."""
    User = get_user_model()
    local_part = email_or_username.split("@")[0].casefold()
    base = re.sub(r"[^\w.+-]", "", local_part)[:140] or "person"
    taken = set(
        User.objects.filter(username__istartswith=base).values_list(Lower("username"), flat=True)
    )
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    return candidate
