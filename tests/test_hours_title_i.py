"""Title I qualification routes (34 CFR 200.58): recorded per para with evidence and
date, and a report of the paras without one."""

from __future__ import annotations

import csv
import io
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hours.models import TitleIQualification
from tests.clock import TODAY

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def evidence_folder(settings, tmp_path):
    settings.TANDEM_EVIDENCE_ROOT = tmp_path


def form(person, upload=None, **overrides) -> dict:
    data = {
        "person": person.pk,
        "route": "associate",
        "qualified_on": TODAY.isoformat(),
        "note": "",
    }
    if upload is not None:
        data["evidence"] = upload
    return {**data, **overrides}


def test_an_administrator_records_a_paras_route_with_evidence(client, district):
    client.force_login(district.school_admin)

    response = client.post(
        reverse("title_i:add"), form(district.para, SimpleUploadedFile("degree.pdf", PDF))
    )

    assert response.status_code == HTTPStatus.FOUND
    record = TitleIQualification.objects.get()
    assert (record.person, record.route) == (district.para, "associate")
    served = client.get(reverse("hours:qualification_evidence", args=[record.pk]))
    assert b"".join(served.streaming_content) == PDF


def test_a_script_disguised_as_a_pdf_is_refused_and_nothing_is_saved(client, district):
    client.force_login(district.school_admin)

    response = client.post(
        reverse("title_i:add"),
        form(district.para, SimpleUploadedFile("degree.pdf", b"#!/bin/sh\necho hi\n")),
    )

    assert "not a PDF, PNG or JPEG" in response.text
    assert not TitleIQualification.objects.exists()


def test_teachers_and_another_schools_paras_cannot_be_chosen(client, district):
    client.force_login(district.school_admin)

    for person in (district.teacher, district.far_pair.para):
        response = client.post(reverse("title_i:add"), form(person))
        assert "Select a valid choice" in response.text
    assert not TitleIQualification.objects.exists()


def test_another_schools_evidence_is_not_found(client, district):
    record = TitleIQualification.objects.create(
        person=district.far_pair.para, route="college", qualified_on=TODAY
    )
    record.evidence.save("transcript.pdf", io.BytesIO(PDF))
    client.force_login(district.school_admin)

    url = reverse("hours:qualification_evidence", args=[record.pk])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(district.far_pair.para)
    assert client.get(url).status_code == HTTPStatus.OK


def test_the_report_lists_paras_without_a_route(client, district):
    TitleIQualification.objects.create(person=district.para, route="assessment", qualified_on=TODAY)
    client.force_login(district.school_admin)

    response = client.get(reverse("hours_reports:without_title_i"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))

    names = {row[0] for row in rows[1:]}
    assert rows[0] == ["Para", "School", "Hired on", "Email"]
    other = district.other_pair.para
    assert names == {f"{other.first_name} {other.last_name}"}  # not a teacher, not Riverside
