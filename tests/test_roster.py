"""Staff from the district's roster: OneRoster 1.1 and 1.2 bundles, read, checked,
imported (from the command line here; the admin screens in test_roster_admin.py)."""

import io
import zipfile
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.models import ModelLogEntry

from accounts import roles
from pairs.importing import Change
from pairs.models import Pair, School
from pairs.roster import (
    MAX_BUNDLE_BYTES,
    Roster,
    apply_roster,
    plan_roster,
    read_bundle,
)
from tests.factories import PairFactory, TeacherFactory, UserFactory
from tests.rosters import VERSIONS, bundle, files_of

pytestmark = pytest.mark.django_db

User = get_user_model()


def imported(version: str = "1.2", by=None, **replaced):
    plan = plan_roster(read_bundle(bundle(version, **replaced)), by=by)
    assert plan.is_valid, plan.problems
    return plan, apply_roster(plan, by=by, source="roster.zip")


def snapshot() -> tuple:
    return (
        sorted(
            User.objects.values_list(
                "username", "email", "first_name", "last_name", "role", "roster_id", "is_active"
            )
        ),
        sorted(School.objects.values_list("name", "roster_id")),
        sorted(School.members.through.objects.values_list("school__name", "user__username")),
        sorted(School.administrators.through.objects.values_list("school__name", "user__username")),
        sorted(User.groups.through.objects.values_list("user__username", "group__name")),
        sorted(Pair.objects.values_list("teacher_id", "para_id", "ended_on")),
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_a_bundle_brings_in_staff_and_schools_only(version):
    plan, result = imported(version)
    assert result.schools_created == 2 and result.created == 6
    maple, river = (
        School.objects.get(roster_id="org-maple"),
        School.objects.get(roster_id="org-river"),
    )
    assert (maple.name, river.name) == ("Maple Grove Elementary", "Riverside Middle")
    ana = User.objects.get(roster_id="t-100")
    assert (ana.role, ana.email, list(ana.schools.all())) == ("teacher", ana.email, [maple])
    gabe = User.objects.get(roster_id="a-200")
    # No district address: they sign in by username.
    assert (gabe.role, gabe.email, gabe.username) == ("para", "", "gortiz")
    assert not gabe.has_usable_password()
    chi = User.objects.get(roster_id="a-201")
    assert set(chi.schools.all()) == {maple, river}
    principal = User.objects.get(roster_id="p-300")
    assert principal.is_school_admin and list(principal.administered_schools.all()) == [maple]
    assert principal.role == ""
    assert User.objects.get(roster_id="d-400").is_district_admin
    # Students and the guardian were counted and left out; the proctor/counselor refused.
    assert plan.skipped == 3 and plan.roster.skipped["student"] == 2
    assert not User.objects.filter(username__startswith="student").exists()
    assert not User.objects.filter(username__startswith="guardian").exists()
    assert [(p.file, p.line) for p in plan.refused] == [("users.csv", 11)] or [
        (p.file, p.line) for p in plan.refused
    ] == [("roles.csv", 12)]
    assert "Fay Hall" in str(plan.refused[0])


@pytest.mark.parametrize("version", VERSIONS)
def test_importing_the_same_bundle_twice_changes_nothing(version):
    imported(version)
    before = snapshot()
    logged = ModelLogEntry.objects.count()
    plan, result = imported(version)
    assert not plan.has_changes
    assert plan.count(Change.UNCHANGED) == 6 and result.created == result.updated == 0
    assert snapshot() == before
    # Only the one summary entry per school: no row was written again.
    assert ModelLogEntry.objects.count() == logged + 2


def test_the_dry_run_says_what_would_change_deactivate_and_refuse(clock):
    imported()
    ana = User.objects.get(roster_id="t-100")
    gabe = User.objects.get(roster_id="a-200")
    pair = PairFactory(school=School.objects.get(roster_id="org-maple"), teacher=ana, para=gabe)
    users = files_of("1.2")["users.csv"]
    users = users.replace("Ben,Kim", "Benjamin,Kim")
    users = "\n".join(line for line in users.splitlines() if not line.startswith("a-200"))
    roles_csv = "\n".join(
        line for line in files_of("1.2")["roles.csv"].splitlines() if ",a-200," not in line
    )
    before = snapshot()
    plan = plan_roster(read_bundle(bundle(users_csv=users, roles_csv=roles_csv)))
    assert plan.is_valid and snapshot() == before  # a dry run writes nothing
    changed = {p.member.sourced_id: p.changes for p in plan.people if p.change == Change.UPDATE}
    assert changed == {"t-101": ["name"]}
    assert plan.deactivate == [gabe]
    assert User.objects.get(pk=gabe.pk).is_active

    apply_roster(plan, source="roster.zip")
    gabe.refresh_from_db()
    pair.refresh_from_db()
    assert not gabe.is_active
    # The pair is ended, not deleted: its records stay with it.
    assert pair.ended_on == clock.today()
    assert User.objects.get(roster_id="t-101").first_name == "Benjamin"


def test_a_person_already_in_tandem_is_matched_by_address_and_keeps_their_pairs():
    existing = TeacherFactory(email="Ana.Torres@lakeview.example.org", username="ana")
    imported()
    existing.refresh_from_db()
    assert existing.roster_id == "t-100" and existing.username == "ana"
    assert User.objects.filter(email__iexact=existing.email).count() == 1


def test_a_school_of_the_same_name_is_taken_over_not_duplicated():
    maple = School.objects.create(name="maple grove elementary")
    imported()
    maple.refresh_from_db()
    assert (maple.name, maple.roster_id) == ("Maple Grove Elementary", "org-maple")
    assert School.objects.count() == 2


def test_refused_people_are_named_and_the_rest_imports():
    UserFactory(username="root", email="ben.kim@lakeview.example.org", is_superuser=True)
    plan, result = imported()
    refused = [str(problem) for problem in plan.refused]
    assert any("users.csv, line 3" in text and "superuser" in text for text in refused)
    assert result.created == 5


def test_a_role_change_that_would_break_an_active_pair_is_refused():
    imported()
    ana, gabe = User.objects.get(roster_id="t-100"), User.objects.get(roster_id="a-200")
    PairFactory(school=School.objects.get(roster_id="org-maple"), teacher=ana, para=gabe)
    roles_csv = files_of("1.2")["roles.csv"].replace("t-100,primary,teacher", "t-100,primary,aide")
    plan = plan_roster(read_bundle(bundle(roles_csv=roles_csv)))
    refused = [str(problem) for problem in plan.refused if problem.file == "users.csv"]
    assert len(refused) == 1 and refused[0].startswith("users.csv, line 2: Ana Torres")
    assert "active pair" in refused[0]
    assert User.objects.get(pk=ana.pk).role == "teacher"


def test_the_administrator_importing_is_never_deactivated_by_it(district):
    district.district_admin.roster_id = "someone-gone"
    district.district_admin.save()
    plan = plan_roster(read_bundle(bundle()), by=district.district_admin)
    assert district.district_admin not in plan.deactivate


# --- bad files: a clear message with file and line, and nothing written ---------------

ROLES_HEADER = "userSourcedId,orgSourcedId,role,roleType\n"
BAD_FILES = {
    "missing column": (
        {"users_csv": "sourcedId,enabledUser,username,givenName,email\nt-1,true,x,A,a@b.org\n"},
        "users.csv, line 1: the column “familyName” is missing.",
    ),
    "unknown org": (
        {"roles_csv": ROLES_HEADER + "t-100,org-nowhere,teacher,primary\n"},
        "roles.csv, line 2: the org “org-nowhere” is not in orgs.csv.",
    ),
    "duplicate sourcedId": (
        {"orgs_csv": "sourcedId,name,type\norg-maple,Maple,school\norg-maple,Maple 2,school\n"},
        "orgs.csv, line 3: the sourcedId “org-maple” is also on line 2.",
    ),
    "wrong encoding": (
        {"users_csv": files_of("1.2")["users.csv"].replace("Ortiz", "Ortíz").encode("latin-1")},
        "users.csv, line 4: this is not UTF-8 text",
    ),
    "two schools of one name": (
        {"orgs_csv": files_of("1.2")["orgs.csv"] + "org-m2,,,maple grove elementary,school,,\n"},
        "orgs.csv, line 5: the school name “maple grove elementary” is also on line 3.",
    ),
    "no roles file in 1.2": ({"roles_csv": None}, "roles.csv: the bundle has no roles.csv."),
    "unknown version": (
        {"manifest_csv": "propertyName,value\noneroster.version,1.0\n"},
        "manifest.csv, line 2: OneRoster 1.0 is not one Tandem reads",
    ),
    "unknown user in roles": (
        {"roles_csv": ROLES_HEADER + "t-999,org-maple,teacher,primary\n"},
        "roles.csv, line 2: the user “t-999” is not in users.csv.",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_bundle_is_refused_with_file_and_line_and_writes_nothing(case):
    replaced, message = BAD_FILES[case]
    before = snapshot()
    plan = plan_roster(read_bundle(bundle(**replaced)))
    assert not plan.is_valid
    assert message in [str(problem) for problem in plan.problems][0]
    with pytest.raises(ValueError):
        apply_roster(plan)
    assert snapshot() == before


def test_a_1_1_users_file_naming_an_unknown_org_is_refused():
    users = files_of("1.1")["users.csv"].replace('"org-maple,org-river"', '"org-maple,org-x"')
    plan = plan_roster(read_bundle(bundle("1.1", users_csv=users)))
    assert str(plan.problems[0]) == "users.csv, line 5: the org “org-x” is not in orgs.csv."


def test_a_file_that_is_not_a_zip_is_refused():
    roster = read_bundle(b"email,first_name\nana@example.org,Ana\n")
    assert [str(p) for p in roster.problems] == [
        "This is not a zip file; upload the OneRoster CSV bundle as exported."
    ]


def test_a_50_mb_file_is_refused_before_it_is_opened():
    roster = read_bundle(b"PK" + b"\0" * (50 * 1024 * 1024))
    assert len(roster.problems) == 1 and "larger than" in str(roster.problems[0])
    assert MAX_BUNDLE_BYTES < 50 * 1024 * 1024


def test_a_roster_survives_the_trip_through_the_preview():
    roster = read_bundle(bundle())
    assert Roster.from_payload(roster.to_payload()) == roster
    # What the preview carries holds no student.
    assert "s-900" not in str(roster.to_payload()) and "g-950" not in str(roster.to_payload())


# --- the command -------------------------------------------------------------------------


def test_the_command_dry_run_writes_nothing_then_imports(tmp_path):
    path = tmp_path / "roster.zip"
    path.write_bytes(bundle("1.1"))
    out = StringIO()
    before = snapshot()
    call_command("import_roster", str(path), "--dry-run", stdout=out)
    assert "6 people to add" in out.getvalue() and "3 students and guardians skipped" in (
        out.getvalue()
    )
    assert "Refused: users.csv, line 11" in out.getvalue()
    assert snapshot() == before
    call_command("import_roster", str(path), stdout=StringIO())
    assert User.objects.filter(groups__name=roles.DISTRICT_ADMINISTRATORS).count() == 1
    assert User.objects.exclude(roster_id="").count() == 6


def test_the_command_refuses_a_bad_bundle(tmp_path):
    path = tmp_path / "roster.zip"
    path.write_bytes(bundle(orgs_csv="sourcedId,name\norg-1,Maple\n"))
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_roster", str(path), stderr=err)
    assert "orgs.csv, line 1: the column “type” is missing." in err.getvalue()


def test_a_user_without_a_role_is_left_out_by_id_not_name():
    users = files_of("1.2")["users.csv"] + "z-1,,,true,zed,,Zed,Young,,,,,,,,,,,,,,org-maple,\n"
    plan = plan_roster(read_bundle(bundle(users_csv=users)))
    assert plan.is_valid
    assert "users.csv, line 12: the user “z-1” has no role in roles.csv: left out." in [
        str(problem) for problem in plan.refused
    ]
    assert "Zed" not in str(plan.roster.to_payload())


def test_a_damaged_member_of_the_zip_is_refused_not_crashed_on():
    data = bytearray(bundle())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("users.csv")
    # The compressed bytes start after the member's local header (30 bytes, its name).
    start = info.header_offset + 30 + len(info.filename)
    data[start + 10 : start + 40] = bytes(30)
    roster = read_bundle(bytes(data))
    assert [str(problem) for problem in roster.problems] == [
        "users.csv: this file cannot be unzipped; export the roster again."
    ]


def test_checking_a_roster_does_not_grow_in_queries(django_assert_max_num_queries):
    def with_aides(count: int) -> bytes:
        users, roles_csv = files_of("1.2")["users.csv"], files_of("1.2")["roles.csv"]
        for n in range(count):
            users += f"x-{n},,,true,aide{n},,Aide,Number{n},,,aide{n}@lakeview.example.org"
            users += ",,,,,,,,,,,org-maple,\n"
            roles_csv += f"rx-{n},,,x-{n},primary,aide,,,org-maple,\n"
        return bundle(users_csv=users, roles_csv=roles_csv)

    small, large = with_aides(1), with_aides(20)
    apply_roster(plan_roster(read_bundle(large)))
    with django_assert_max_num_queries(20) as counted:
        plan_roster(read_bundle(small))
    with django_assert_max_num_queries(len(counted.captured_queries)):
        plan_roster(read_bundle(large))


def test_the_primary_role_decides_between_para_and_teacher():
    roles_csv = files_of("1.2")["roles.csv"] + "r-12,,,t-101,secondary,aide,,,org-river,\n"
    imported(roles_csv=roles_csv)
    assert User.objects.get(roster_id="t-101").role == "teacher"


def test_a_person_disabled_in_the_roster_is_deactivated():
    imported()
    users = files_of("1.2")["users.csv"].replace("t-101,,,true", "t-101,,,false")
    plan, result = imported(users_csv=users)
    assert result.deactivated == 1
    assert not User.objects.get(roster_id="t-101").is_active
    # Enabled again, they come back.
    plan, result = imported()
    assert User.objects.get(roster_id="t-101").is_active
    assert [p.changes for p in plan.people if p.member.sourced_id == "t-101"] == [["reactivated"]]


def test_a_role_without_a_place_is_refused_but_the_person_keeps_the_others():
    roles_csv = files_of("1.2")["roles.csv"] + "r-12,,,t-101,secondary,counselor,,,org-river,\n"
    plan, _result = imported(roles_csv=roles_csv)
    assert "roles.csv, line 13: Tandem has no place for the role “counselor” (Ben Kim)." in [
        str(problem) for problem in plan.refused
    ]
    assert User.objects.get(roster_id="t-101").role == "teacher"


def test_a_school_renamed_to_another_schools_name_is_refused():
    imported()
    School.objects.create(name="Birch Hill")
    orgs = files_of("1.2")["orgs.csv"].replace("Riverside Middle", "Birch Hill")
    plan = plan_roster(read_bundle(bundle(orgs_csv=orgs)))
    assert [str(problem) for problem in plan.problems] == [
        "orgs.csv, line 4: another school in Tandem is already named “Birch Hill”."
    ]


def test_people_gone_from_the_roster_are_signed_out():
    from django.contrib.sessions.models import Session
    from django.test import Client

    imported()
    for roster_id in ("a-200", "t-101", "t-100"):
        Client().force_login(User.objects.get(roster_id=roster_id))
    users = "\n".join(
        line
        for line in files_of("1.2")["users.csv"].splitlines()
        if not line.startswith(("a-200", "t-101"))
    )
    roles_csv = "\n".join(
        line
        for line in files_of("1.2")["roles.csv"].splitlines()
        if ",a-200," not in line and ",t-101," not in line
    )
    _plan, result = imported(users_csv=users, roles_csv=roles_csv)
    assert result.deactivated == 2
    signed_in = {int(s.get_decoded()["_auth_user_id"]) for s in Session.objects.all()}
    assert signed_in == {User.objects.get(roster_id="t-100").pk}
