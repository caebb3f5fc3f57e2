"""The roster import in the admin: dry run, import, refusals, and the pairs it suggests."""

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry

from pairs.models import Pair, School
from tests.rosters import bundle, files_of

pytestmark = pytest.mark.django_db

User = get_user_model()
UPLOAD_URL = reverse("roster:upload")
COMMIT_URL = reverse("roster:commit")
SUGGESTIONS_URL = reverse("suggested_pairs:index")


def dry_run(client, data: bytes, name: str = "roster.zip"):
    return client.post(UPLOAD_URL, {"file": SimpleUploadedFile(name, data, "application/zip")})


def import_roster(client, data: bytes):
    preview = dry_run(client, data)
    assert preview.status_code == HTTPStatus.OK
    payload = preview.context["commit_form"]["payload"].value()
    return client.post(COMMIT_URL, {"payload": payload}, follow=True)


def test_the_dry_run_shows_what_would_happen_and_writes_nothing(client, district):
    client.force_login(district.district_admin)
    people = User.objects.count()
    response = dry_run(client, bundle("1.1"))
    assert response.status_code == HTTPStatus.OK
    text = response.text
    assert "Dry run of roster.zip (OneRoster 1.1)" in text
    for line in (
        "2 schools to add",
        "6 people to add",
        "0 people to deactivate",
        "1 row refused",
        "3 students and guardians skipped",
    ):
        assert line in text
    assert "users.csv, line 11: Tandem has no place for the role “proctor” (Fay Hall)." in text
    assert "Student" not in text and "guardian950" not in text
    assert User.objects.count() == people and not School.objects.filter(roster_id="org-maple")


def test_the_import_writes_what_the_dry_run_showed_then_suggests_pairs(
    client, district, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(district.district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = import_roster(client, bundle("1.2"))
    assert response.redirect_chain[-1][0] == SUGGESTIONS_URL
    assert "2 schools added, 6 people added, 0 changed, 0 deactivated" in response.text
    assert User.objects.filter(roster_id__in=["t-100", "a-200", "d-400"]).count() == 3
    # Everyone new with an address is invited; the para without one is not emailed.
    assert len(mailoutbox) == 5
    # The history says which file and line each person came from.
    entry = ModelLogEntry.objects.get(action="pairs.roster.create", object_id=str(
        User.objects.get(roster_id="a-200").pk
    ))  # fmt: skip
    assert entry.data["file"] == "users.csv" and entry.data["line"] == 4

    # Gabe and Chi, the aides of Maple Grove, have no partner: each is suggested
    # with Ana Torres, its teacher.
    maple = School.objects.get(roster_id="org-maple")
    assert "Pair Gabe Ortiz with" in response.text and "Pair Chi Nguyen with" in response.text
    ana, gabe = User.objects.get(roster_id="t-100"), User.objects.get(roster_id="a-200")
    confirmed = client.post(
        SUGGESTIONS_URL, {"school": maple.pk, "para": gabe.pk, "teacher": ana.pk}, follow=True
    )
    assert "Ana Torres &amp; Gabe Ortiz now work together as a pair." in confirmed.text
    pair = Pair.objects.get(teacher=ana, para=gabe, ended_on=None)
    assert ModelLogEntry.objects.filter(action="wagtail.create", object_id=str(pair.pk)).exists()
    assert "Pair Gabe Ortiz with" not in confirmed.text


def test_importing_the_same_roster_again_has_nothing_to_do(client, district):
    client.force_login(district.district_admin)
    import_roster(client, bundle("1.2"))
    response = dry_run(client, bundle("1.2"))
    assert "Everyone in this roster is already in Tandem as it says" in response.text
    assert "Import the roster</button>" not in response.text


@pytest.mark.parametrize(
    ("replaced", "message"),
    [
        ({"orgs_csv": "sourcedId,name\norg-1,Maple\n"}, "orgs.csv, line 1: the column “type”"),
        (
            {"users_csv": files_of("1.2")["users.csv"] + "t-100,,,true,x,,A,B,,,,,,,,,,,,,,,\n"},
            "users.csv, line 12: the sourcedId “t-100” is also on line 2.",
        ),
    ],
)
def test_a_bad_roster_is_refused_with_file_and_line(client, district, replaced, message):
    client.force_login(district.district_admin)
    response = dry_run(client, bundle(**replaced))
    assert message in response.text
    assert response.context["commit_form"] is None
    assert "Upload a corrected file" in response.text


def test_a_file_that_is_not_a_zip_is_refused_at_upload(client, district):
    client.force_login(district.district_admin)
    response = dry_run(client, b"sourcedId,name\n", name="orgs.csv")
    assert response.context["form"].errors["file"]
    response = dry_run(client, b"sourcedId,name\n", name="roster.zip")
    assert "This is not a zip file" in response.text


def test_a_tampered_or_foreign_dry_run_imports_nothing(client, district):
    client.force_login(district.district_admin)
    preview = dry_run(client, bundle())
    payload = preview.context["commit_form"]["payload"].value()
    response = client.post(COMMIT_URL, {"payload": payload[:-2] + "xx"}, follow=True)
    assert "could not be read back" in response.text
    other = User.objects.create(username="other.district.admin", is_superuser=True)
    client.force_login(other)
    client.post(COMMIT_URL, {"payload": payload}, follow=True)
    assert not User.objects.filter(roster_id="t-100").exists()


def test_a_school_administrator_may_not_import_a_roster(client, district):
    client.force_login(district.school_admin)
    response = dry_run(client, bundle())
    assert response.status_code == HTTPStatus.FOUND
    assert not User.objects.filter(roster_id="t-100").exists()


def test_a_school_administrator_confirms_pairs_only_in_their_schools(client, district):
    far_para = district.far_pair.para
    district.other_school.members.add(far_para, district.far_pair.teacher)
    district.far_pair.ended_on = district.far_pair.started_on
    district.far_pair.save()
    client.force_login(district.school_admin)
    page = client.get(SUGGESTIONS_URL)
    assert str(far_para) not in page.text and "Riverside" not in page.text
    client.post(
        SUGGESTIONS_URL,
        {
            "school": district.other_school.pk,
            "para": far_para.pk,
            "teacher": district.far_pair.teacher.pk,
        },
    )
    assert not Pair.objects.filter(para=far_para, ended_on=None).exists()


def test_a_50_mb_upload_is_refused_before_it_is_read(client, district):
    client.force_login(district.district_admin)
    response = dry_run(client, b"PK" + bytes(50 * 1024 * 1024))
    assert response.status_code == HTTPStatus.OK
    assert "The file is larger than 20.0\xa0MB" in response.context["form"].errors["file"][0]
