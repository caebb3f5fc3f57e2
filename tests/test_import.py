"""Importing people and pairs from CSV: in the admin and from the command line."""

from http import HTTPStatus
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.models import ModelLogEntry

from pairs.importing import Change, ImportScope, check_file
from pairs.models import Pair, School

pytestmark = pytest.mark.django_db

User = get_user_model()
UPLOAD_URL = reverse("import_people:upload")
COMMIT_URL = reverse("import_people:commit")
HEADER = "email,first_name,last_name,role,school,partner_email\n"


def csv_file(*lines: str, header: str = HEADER) -> bytes:
    return (header + "".join(f"{line}\n" for line in lines)).encode()


def good_file() -> bytes:
    """Two new pairs in Maple: one between newcomers, one with an existing teacher."""
    return csv_file(
        "olga.reyes@example.org,Olga,Reyes,teacher,Maple,sam.hill@example.org",
        "sam.hill@example.org,Sam,Hill,para,Maple,olga.reyes@example.org",
        "tia.brown@example.org,Tia,Brown,para,maple,{teacher}",
    )


@pytest.fixture
def good(district) -> bytes:
    return good_file().replace(b"{teacher}", district.teacher.email.encode())


def snapshot() -> tuple:
    """What an import may change: people, memberships, pairs."""
    return (
        User.objects.count(),
        School.members.through.objects.count(),
        Pair.objects.count(),
        sorted(User.objects.values_list("email", "first_name", "last_name", "role")),
    )


def upload(client, data: bytes, name: str = "people.csv"):
    return client.post(UPLOAD_URL, {"file": SimpleUploadedFile(name, data, "text/csv")})


def preview_and_commit(client, data: bytes, name: str = "people.csv"):
    preview = upload(client, data, name)
    assert preview.status_code == HTTPStatus.OK
    payload = preview.context["commit_form"]["payload"].value()
    return client.post(COMMIT_URL, {"payload": payload}, follow=True)


# --- the admin views -------------------------------------------------------------------


def test_the_upload_page_documents_the_format(client, district):
    client.force_login(district.school_admin)
    response = client.get(UPLOAD_URL)
    assert response.status_code == HTTPStatus.OK
    for column in ("email", "first_name", "last_name", "role", "school", "partner_email"):
        assert f"<code>{column}</code>" in response.text
    assert "the header is line 1" in response.text


def test_a_good_file_is_previewed_then_imported(
    client, district, good, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(district.school_admin)
    before = Pair.objects.count()

    preview = upload(client, good)
    assert preview.status_code == HTTPStatus.OK
    assert "Import these 3 rows" in preview.text
    # A preview writes nothing.
    assert not User.objects.filter(email="olga.reyes@example.org").exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            COMMIT_URL, {"payload": preview.context["commit_form"]["payload"].value()}, follow=True
        )
    assert response.status_code == HTTPStatus.OK
    assert "3 people added, 0 updated, 2 pairs created." in response.text

    olga = User.objects.get(email="olga.reyes@example.org")
    sam = User.objects.get(email="sam.hill@example.org")
    tia = User.objects.get(email="tia.brown@example.org")
    assert (olga.role, sam.role, tia.role) == ("teacher", "para", "para")
    assert not olga.has_usable_password()
    assert set(district.school.members.filter(pk__in=[olga.pk, sam.pk, tia.pk])) == {olga, sam, tia}
    assert Pair.objects.count() == before + 2
    assert Pair.objects.active().filter(school=district.school, teacher=olga, para=sam).exists()
    assert Pair.objects.active().filter(teacher=district.teacher, para=tia).exists()
    # Each newcomer is emailed a link to set their own password.
    assert sorted(m.to[0] for m in mailoutbox) == sorted([olga.email, sam.email, tia.email])


def test_the_welcome_link_lets_a_newcomer_set_their_password(
    client, district, good, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(district.school_admin)
    with django_capture_on_commit_callbacks(execute=True):
        preview_and_commit(client, good)
    message = next(m for m in mailoutbox if m.to == ["sam.hill@example.org"])
    link = next(line for line in message.body.splitlines() if "/password/reset/key/" in line)
    client.logout()

    response = client.get(link.strip().removeprefix("http://testserver"), follow=True)
    assert response.status_code == HTTPStatus.OK
    response = client.post(
        response.redirect_chain[-1][0],
        {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert User.objects.get(email="sam.hill@example.org").check_password("a-new-long-passphrase")


def test_importing_the_same_file_twice_changes_nothing(client, district, good):
    client.force_login(district.school_admin)
    preview_and_commit(client, good)
    after_first = snapshot()

    preview = upload(client, good)
    plan = preview.context["plan"]
    assert {person.change for person in plan.people} == {Change.UNCHANGED}
    assert all(pair.exists for pair in plan.pairs)
    assert "there is nothing to import" in preview.text
    # Committing it anyway changes nothing either.
    client.post(COMMIT_URL, {"payload": preview.context["commit_form"]["payload"].value()})
    assert snapshot() == after_first


def test_a_rerun_updates_changed_names(client, district, good):
    client.force_login(district.school_admin)
    preview_and_commit(client, good)
    response = preview_and_commit(client, good.replace(b"Olga,Reyes", b"Olga,Reyes-Diaz"))
    assert "0 people added, 1 updated, 0 pairs created." in response.text
    assert User.objects.get(email="olga.reyes@example.org").last_name == "Reyes-Diaz"


BAD_CASES = {
    "missing column": (
        csv_file("a@example.org,Al,Ames,para,Maple", header="email,first_name,last_name,school\n"),
        ["Line 1: the column “role” is missing."],
    ),
    "unknown school": (
        csv_file("a@example.org,Al,Ames,para,Oak Hill,"),
        ["Line 2: there is no school named “Oak Hill” among the schools you administer."],
    ),
    "school the admin does not administer": (
        csv_file("x@example.org,Xu,Li,teacher,Maple,", "a@example.org,Al,Ames,para,Riverside,"),
        ["Line 3: there is no school named “Riverside” among the schools you administer."],
    ),
    "duplicate email in the file": (
        csv_file("a@example.org,Al,Ames,para,Maple,", "A@example.org,Al,Ames,para,Maple,"),
        ["Line 3: A@example.org is also on line 2."],
    ),
    "email of someone outside the admin's schools": (
        csv_file("far.para@example.org,Fa,Ra,para,Maple,"),
        ["Line 2: far.para@example.org belongs to someone outside your schools."],
    ),
    "para paired with themselves": (
        csv_file("a@example.org,Al,Ames,para,Maple,a@example.org"),
        ["Line 2: a person cannot be paired with themselves."],
    ),
    "bad role": (
        csv_file("a@example.org,Al,Ames,principal,Maple,"),
        ["Line 2: the role “principal” is neither “para” nor “teacher”."],
    ),
    "invalid email": (
        csv_file("x@example.org,Xu,Li,teacher,Maple,", "not-an-address,Al,Ames,para,Maple,"),
        ["Line 3: “not-an-address” is not a valid email address."],
    ),
    "two partners of the same role": (
        csv_file(
            "a@example.org,Al,Ames,para,Maple,b@example.org", "b@example.org,Bo,Bell,para,Maple,"
        ),
        ["Line 2: the partner b@example.org is also a para; a pair is a para and a teacher."],
    ),
    "a partner whose own line is wrong is reported once": (
        csv_file(
            "a@example.org,Al,Ames,para,Maple,b@example.org", "b@example.org,Bo,Bell,boss,Maple,"
        ),
        ["Line 3: the role “boss” is neither “para” nor “teacher”."],
    ),
    "partner nowhere": (
        csv_file("a@example.org,Al,Ames,para,Maple,ghost@example.org"),
        ["Line 2: the partner ghost@example.org is neither in this file nor among your people."],
    ),
}


@pytest.mark.parametrize("data, messages", BAD_CASES.values(), ids=BAD_CASES.keys())
def test_a_bad_file_is_refused_with_one_message_per_problem(client, district, data, messages):
    far_para = district.far_pair.para
    far_para.email = "far.para@example.org"
    far_para.save()
    client.force_login(district.school_admin)
    before = snapshot()

    response = upload(client, data)

    assert response.status_code == HTTPStatus.OK
    assert [str(problem) for problem in response.context["plan"].problems] == messages
    for message in messages:
        assert message in response.text
    assert response.context["commit_form"] is None
    assert "Import these" not in response.text
    assert snapshot() == before


def test_every_problem_is_listed_by_the_line_the_file_shows(district):
    data = csv_file(
        "a@example.org,Al,Ames,para,Maple,",
        "",  # a blank line still counts
        '"b@example.org","Bo","Bell","para","Maple",""',
        'c@example.org,"Cy\nWith a line break",Cole,teacher,Maple,',
        "d@example.org,,Dunn,boss,Maple,",
    )
    plan = check_file(data, ImportScope.for_user(district.school_admin))
    assert [str(problem) for problem in plan.problems] == [
        "Line 7: the first name is missing.",
        "Line 7: the role “boss” is neither “para” nor “teacher”.",
    ]
    assert [person.row.line for person in plan.people] == [2, 4, 5]


def test_a_file_that_is_not_utf8_is_refused(district):
    plan = check_file(
        HEADER.encode() + "é@x.org,É,Ü,para,Maple,\n".encode("latin-1"),
        ImportScope.for_user(district.school_admin),
    )
    assert [str(p) for p in plan.problems] == [
        "Line 2: this is not UTF-8 text; save the file as “CSV UTF-8”."
    ]


def test_an_upload_must_be_a_small_csv_file(client, district):
    client.force_login(district.school_admin)
    response = upload(client, b"email\n", name="people.xlsx")
    assert response.status_code == HTTPStatus.OK
    assert "File extension “xlsx” is not allowed." in response.text
    response = upload(client, HEADER.encode() + b"x" * 1_000_001)
    assert "The file is larger than" in response.text


def test_a_tampered_or_borrowed_preview_is_refused(client, district, good):
    client.force_login(district.school_admin)
    payload = upload(client, good).context["commit_form"]["payload"].value()
    before = snapshot()

    response = client.post(COMMIT_URL, {"payload": payload[:-2] + "xx"}, follow=True)
    assert "The file could not be read back; upload it again." in response.text

    # Signed for one administrator, it is no good to another.
    client.force_login(district.other_school_admin)
    response = client.post(COMMIT_URL, {"payload": payload}, follow=True)
    assert "The file could not be read back; upload it again." in response.text
    assert snapshot() == before


def test_a_commit_is_checked_again(client, district, good):
    """Someone may have taken an address between the preview and the click."""
    client.force_login(district.school_admin)
    payload = upload(client, good).context["commit_form"]["payload"].value()
    district.far_pair.para.email = "sam.hill@example.org"
    district.far_pair.para.save()
    before = snapshot()

    response = client.post(COMMIT_URL, {"payload": payload})

    assert response.status_code == HTTPStatus.OK
    assert "Line 3: sam.hill@example.org belongs to someone outside your schools." in response.text
    assert snapshot() == before


def test_the_district_admin_imports_into_any_school(client, district):
    client.force_login(district.district_admin)
    data = csv_file(
        "a@example.org,Al,Ames,para,Riverside,b@example.org",
        "b@example.org,Bo,Bell,teacher,Riverside,",
    )
    response = preview_and_commit(client, data)
    assert "2 people added, 0 updated, 1 pairs created." in response.text
    assert Pair.objects.filter(school=district.other_school, para__email="a@example.org").exists()


def test_the_preview_query_count_does_not_grow_with_the_file(
    district, django_assert_max_num_queries
):
    def rows(n):
        return [
            f"t{i}@example.org,T,{i},teacher,Maple,p{i}@example.org\n"
            f"p{i}@example.org,P,{i},para,Maple,"
            for i in range(n)
        ]

    scope = ImportScope.for_user(district.school_admin)
    with django_assert_max_num_queries(8):
        check_file(csv_file(*rows(1)), scope)
    with django_assert_max_num_queries(8):
        plan = check_file(csv_file(*rows(60)), scope)
    assert plan.is_valid and len(plan.new_pairs) == 60


# --- the audit trail ------------------------------------------------------------------------


def test_an_import_is_recorded_in_wagtails_history(client, district, good):
    client.force_login(district.school_admin)
    preview_and_commit(client, good, name="autumn.csv")

    olga = User.objects.get(email="olga.reyes@example.org")
    pair = Pair.objects.get(teacher=olga)
    person_entry = ModelLogEntry.objects.for_instance(olga).get()
    assert person_entry.action == "pairs.import.create"
    assert person_entry.user == district.school_admin
    assert person_entry.data == {"line": 2, "source": "autumn.csv"}
    assert ModelLogEntry.objects.for_instance(pair).get().action == "pairs.import.pair"
    school_entry = ModelLogEntry.objects.for_instance(district.school).get()
    assert school_entry.message == "Imported autumn.csv: 3 people added, 0 updated, 2 pairs created"

    history = client.get(reverse("pairs:history", args=[pair.pk]))
    assert history.status_code == HTTPStatus.OK
    assert "Created from line 2 of autumn.csv" in history.text


# --- the management command -------------------------------------------------------------


@pytest.fixture
def good_path(tmp_path, good):
    path = tmp_path / "people.csv"
    path.write_bytes(good)
    return path


def run_import(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_people", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_is_a_dry_run_by_default(good_path):
    before = snapshot()
    out, _ = run_import(str(good_path))
    assert "3 people to add, 0 to update, 0 unchanged; 2 new pairs." in out
    assert "Dry run: nothing was written." in out
    assert snapshot() == before


def test_the_command_imports_with_commit(good_path):
    out, _ = run_import(str(good_path), "--commit")
    assert "3 people added, 0 updated, 2 pairs created." in out
    assert User.objects.filter(email="sam.hill@example.org").exists()
    after = snapshot()
    run_import(str(good_path), "--commit")
    assert snapshot() == after


def test_the_command_refuses_a_bad_file_one_line_per_problem(tmp_path, district):
    path = tmp_path / "bad.csv"
    path.write_bytes(
        csv_file("a@example.org,Al,Ames,principal,Maple,", "b@example.org,Bo,Bell,para,Nowhere,")
    )
    before = snapshot()
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 2 problem"):
        call_command("import_people", str(path), "--commit", stderr=err)
    assert err.getvalue().splitlines() == [
        f"{path}:2: the role “principal” is neither “para” nor “teacher”.",
        f"{path}:3: there is no school named “Nowhere” among the schools you administer.",
    ]
    assert snapshot() == before


def test_the_command_exits_non_zero_on_refusal(tmp_path, district):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_file("a@example.org,Al,Ames,principal,Maple,"))
    with pytest.raises(CommandError) as refused:
        call_command("import_people", str(path), stderr=StringIO())
    assert refused.value.returncode == 1


def test_a_new_person_cannot_take_an_address_another_account_added(client, district):
    """One account to an address, counting the addresses people add on their email
    page: an import must not hand a para's second address to a new account."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=district.teacher, email="Second.Address@example.org")
    before = snapshot()
    client.force_login(district.school_admin)
    response = upload(client, csv_file("second.address@example.org,New,Person,para,Maple,"))
    problems = [str(problem) for problem in response.context["plan"].problems]
    assert problems == [
        "Line 2: second.address@example.org is already an address of another account, so a "
        "new person cannot have it; use their own address."
    ]
    assert response.context["commit_form"] is None
    assert snapshot() == before
