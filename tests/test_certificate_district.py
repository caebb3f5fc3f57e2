"""A certificate names the district as it was when the certificate was issued: on the
page, in the PDF and on the verification page, whatever the District setting says
later. Certificates from before were given today's name by a data migration."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from wagtail.models import Site

from courses import certificates
from courses.models import Certificate
from pairs.models import District
from tests.page_factories import home_page, make_course
from tests.test_certificates import finish

pytestmark = pytest.mark.django_db

name_earlier_certificates = importlib.import_module(
    "courses.migrations.0007_certificates_keep_their_district"
).name_the_district_of_earlier_certificates


def set_district(name: str, sponsor: str = "") -> District:
    home_page()
    district = District.for_site(Site.objects.get(is_default_site=True))
    district.name, district.pd_sponsor = name, sponsor
    district.save()
    return district


@pytest.fixture
def renamed(district):
    """A certificate issued under one name, then the district renamed."""
    set_district("Maple Valley Unified", "Office of Special Education")
    certificate = finish(district.para, make_course("Stronger Together", modules=1))
    set_district("Maple Valley Joint Unified", "Student Services")
    return certificate


def test_issuing_copies_the_district_setting(renamed):
    assert (renamed.district_name, renamed.pd_sponsor) == (
        "Maple Valley Unified",
        "Office of Special Education",
    )


def test_the_certificate_page_keeps_the_name_it_was_issued_under(client, district, renamed):
    client.force_login(district.para)
    page = client.get(reverse("certificate", args=[renamed.pk])).text
    assert "Awarded by Maple Valley Unified, Office of Special Education" in page
    assert "Joint" not in page and "Student Services" not in page


def test_the_verification_page_keeps_it_too(client, renamed):
    page = client.get(reverse("verify_certificate", args=[renamed.verification_code])).text
    assert "<dt>District</dt><dd>Maple Valley Unified</dd>" in page
    assert "<dt>PD sponsor</dt><dd>Office of Special Education</dd>" in page
    assert "Joint" not in page


def test_the_pdf_keeps_it_too(monkeypatch, client, district, renamed):
    drawn = {}
    real = certificates.certificate_pdf

    def spy(certificate, verify_url, issuer):
        drawn["issuer"] = issuer
        return real(certificate, verify_url, issuer)

    monkeypatch.setattr("courses.views.render_certificate_pdf", spy)
    client.force_login(district.para)
    response = client.get(reverse("certificate_pdf", args=[renamed.pk]))
    assert response.content.startswith(b"%PDF-")
    assert drawn["issuer"] == certificates.Issuer(
        "Maple Valley Unified", "Office of Special Education"
    )


def test_a_certificate_issued_before_any_district_is_named_names_none(district):
    certificate = finish(district.para, make_course("Stronger Together", modules=1))
    set_district("Named later")
    certificate.refresh_from_db()
    assert certificates.issuer_of(certificate) == certificates.Issuer("", "")


def test_earlier_certificates_get_todays_name_from_the_migration(district):
    earlier = finish(district.para, make_course("Stronger Together", modules=1))
    named = finish(district.teacher, make_course("Leading", modules=1, audience="teachers"))
    Certificate.objects.filter(pk=named.pk).update(district_name="Kept as issued")
    set_district("Maple Valley Unified", "Office of Special Education")

    name_earlier_certificates(apps, schema_editor=None)

    earlier.refresh_from_db()
    named.refresh_from_db()
    assert (earlier.district_name, earlier.pd_sponsor) == (
        "Maple Valley Unified",
        "Office of Special Education",
    )
    assert named.district_name == "Kept as issued"
