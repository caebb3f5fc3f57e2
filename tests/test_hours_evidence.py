"""Outside PD and its evidence: entered by an administrator for their own people,
checked by content (PDF or image, size-limited), stored outside the public media,
and served only to the person and the administrators who may see them."""

from __future__ import annotations

import io
from decimal import Decimal
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from hours.evidence import MAX_EVIDENCE_BYTES
from hours.models import OutsidePD
from tests.clock import TODAY

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def evidence_folder(settings, tmp_path):
    settings.TANDEM_EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.TANDEM_EVIDENCE_ROOT


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format="PNG")
    return out.getvalue()


def form(person, upload=None, **overrides) -> dict:
    data = {
        "person": person.pk,
        "title": "De-escalation in the classroom",
        "provider": "Intermediate Unit 13",
        "completed_on": TODAY.isoformat(),
        "hours": "2.5",
        "delivery": OutsidePD.Delivery.IN_PERSON,
        **overrides,
    }
    if upload is not None:
        data["evidence"] = upload
    return data


def add(client, data):
    return client.post(reverse("outside_pd:add"), data)


def test_an_administrator_enters_outside_pd_with_a_pdf_certificate(
    client, district, evidence_folder
):
    client.force_login(district.school_admin)

    response = add(client, form(district.para, SimpleUploadedFile("certificate.pdf", PDF_BYTES)))

    assert response.status_code == HTTPStatus.FOUND
    entry = OutsidePD.objects.get()
    assert (entry.person, entry.hours, entry.entered_by) == (
        district.para,
        Decimal("2.5"),
        district.school_admin,
    )
    stored = Path(entry.evidence.path)
    assert stored.read_bytes() == PDF_BYTES
    # Kept outside the public media folder, with no URL of its own.
    assert evidence_folder in stored.parents
    assert Path(settings.MEDIA_ROOT) not in stored.parents
    assert not entry.evidence.url.startswith(settings.MEDIA_URL)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("notes.txt", b"Attended.", "must be a .pdf, .png, .jpg or .jpeg file"),
        ("certificate.pdf", b"#!/bin/sh\nrm -rf /\n", "not a PDF, PNG or JPEG"),
        ("certificate.pdf", b"<script>alert(1)</script>", "not a PDF, PNG or JPEG"),
        ("photo.png", PDF_BYTES, "its content is not"),
        ("huge.pdf", PDF_BYTES + b"0" * MAX_EVIDENCE_BYTES, "evidence can be at most 5.0"),
    ],
)
def test_a_bad_upload_is_refused_with_a_message_and_nothing_is_written(
    client, district, evidence_folder, name, content, message
):
    client.force_login(district.school_admin)

    response = add(client, form(district.para, SimpleUploadedFile(name, content)))

    assert response.status_code == HTTPStatus.OK
    assert message in response.text
    assert not OutsidePD.objects.exists()
    assert not evidence_folder.exists() or not any(evidence_folder.rglob("*.*"))


def test_an_image_of_a_sign_in_sheet_is_accepted(client, district):
    client.force_login(district.school_admin)

    response = add(client, form(district.para, SimpleUploadedFile("sheet.png", png_bytes())))

    assert response.status_code == HTTPStatus.FOUND
    assert OutsidePD.objects.get().evidence.name.endswith(".png")


def test_another_schools_person_cannot_be_chosen(client, district):
    client.force_login(district.school_admin)

    response = add(client, form(district.far_pair.para))

    assert response.status_code == HTTPStatus.OK
    assert "Select a valid choice" in response.text
    assert not OutsidePD.objects.exists()


def test_a_future_date_is_refused(client, district):
    client.force_login(district.school_admin)

    response = add(client, form(district.para, completed_on="2027-01-05"))

    assert "once it has taken place" in response.text
    assert not OutsidePD.objects.exists()


# Serving the evidence ----------------------------------------------------------------


def entry_with_evidence(person) -> OutsidePD:
    entry = OutsidePD(
        person=person,
        title="CPI training",
        provider="Crisis Prevention Institute",
        completed_on=TODAY,
        hours=3,
        delivery=OutsidePD.Delivery.IN_PERSON,
    )
    entry.evidence.save("cpi.pdf", io.BytesIO(PDF_BYTES), save=True)
    return entry


@pytest.mark.parametrize("who", ["para", "school_admin", "district_admin"])
def test_evidence_is_served_to_the_person_and_their_administrators(client, district, who):
    entry = entry_with_evidence(district.para)
    client.force_login(getattr(district, who))

    response = client.get(reverse("hours:evidence", args=[entry.pk]))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.parametrize("who", ["teacher", "other_school_admin", "editor"])
def test_evidence_is_not_found_for_anyone_else(client, district, who):
    entry = entry_with_evidence(district.para)
    client.force_login(getattr(district, who))

    response = client.get(reverse("hours:evidence", args=[entry.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_another_schools_evidence_is_not_found(client, district):
    """A school administrator typing the id of another school's file gets a 404."""
    far_entry = entry_with_evidence(district.far_pair.para)
    client.force_login(district.school_admin)

    assert client.get(reverse("hours:evidence", args=[far_entry.pk])).status_code == 404
    assert client.get(reverse("outside_pd:edit", args=[far_entry.pk])).status_code == 404


def test_an_entry_with_evidence_opens_for_editing_with_a_link_to_its_file(client, district):
    entry = entry_with_evidence(district.para)
    client.force_login(district.school_admin)

    response = client.get(reverse("outside_pd:edit", args=[entry.pk]))

    assert response.status_code == HTTPStatus.OK
    link = reverse("hours:evidence_file", kwargs={"name": entry.evidence.name})
    assert f'href="{link}"' in response.text
    assert b"".join(client.get(link).streaming_content) == PDF_BYTES


@pytest.mark.parametrize("who", ["teacher", "other_school_admin", "editor"])
def test_the_file_link_is_not_found_for_anyone_else(client, district, who):
    entry = entry_with_evidence(district.para)
    client.force_login(getattr(district, who))

    response = client.get(reverse("hours:evidence_file", kwargs={"name": entry.evidence.name}))

    assert response.status_code == HTTPStatus.NOT_FOUND
