"""Certificates: issued once per course, seen only by their owner, verified by anyone."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from courses import certificates
from courses.models import Certificate
from courses.recording import record_read, submit_quiz
from pairs.models import District
from tests.factories import ParaFactory
from tests.page_factories import make_course, make_module

pytestmark = pytest.mark.django_db


def finish(user, course):
    """Complete every module of ``course`` through the service functions."""
    from courses.grading import questions_from_quiz
    from courses.recording import new_form_token

    for module in course.modules():
        record_read(user, module)
        answers = {q.id: sorted(q.correct_ids) for q in questions_from_quiz(module.quiz)}
        submit_quiz(user, module, answers, new_form_token())
    return Certificate.objects.get(user=user, course=course)


@pytest.fixture
def certificate(district):
    course = make_course("Stronger Together", modules=2, audience="paras")
    return finish(district.para, course)


def test_completing_a_course_issues_one_certificate_with_copied_facts(district):
    course = make_course("Stronger Together", modules=0, audience="paras")
    make_module(course, "One", pd_hours="0.50")
    make_module(course, "Two", pd_hours="1.25")
    certificate = finish(district.para, course)
    assert certificate.recipient_name == district.para.get_full_name()
    assert certificate.course_title == "Stronger Together"
    assert certificate.hours == Decimal("1.75")
    finish(district.para, course)  # done again: nothing new
    assert Certificate.objects.count() == 1


def test_the_certificate_keeps_its_facts_when_the_course_changes(district, certificate):
    course = certificate.course
    course.title = "Renamed"
    course.save_revision().publish()
    district.para.first_name = "Someone"
    district.para.save()
    certificate.refresh_from_db()
    assert certificate.course_title == "Stronger Together"
    assert certificate.recipient_name != district.para.get_full_name()


def test_the_owner_sees_their_certificate(client, district, certificate):
    client.force_login(district.para)
    response = client.get(reverse("certificate", args=[certificate.pk]))
    assert response.status_code == HTTPStatus.OK
    for text in (
        certificate.recipient_name,
        "Stronger Together",
        "1.00 professional development hours",
        certificate.verification_code,
        certificates.issued_on(certificate),
    ):
        assert text in response.text
    assert "css/certificate.css" in response.text  # the print layout


@pytest.fixture
def named_district():
    """The District setting filled in, as a district administrator would in Settings.
    A certificate keeps the district as it was when issued, so tests ask for this
    fixture before ``certificate``."""
    from wagtail.models import Site

    from tests.page_factories import home_page

    home_page()
    district = District.for_site(Site.objects.get(is_default_site=True))
    district.name = "Maple Valley Unified"
    district.pd_sponsor = "Office of Special Education"
    district.save()
    return district


def test_the_certificate_names_the_district_and_its_sponsor(client, district, named_district,
                                                            certificate):  # fmt: skip
    client.force_login(district.para)
    response = client.get(reverse("certificate", args=[certificate.pk]))
    assert "Awarded by Maple Valley Unified, Office of Special Education" in response.text


def test_without_a_district_name_the_certificate_names_none(client, district, certificate):
    client.force_login(district.para)
    response = client.get(reverse("certificate", args=[certificate.pk]))
    assert response.status_code == HTTPStatus.OK
    assert "Awarded by" not in response.text


def test_the_certificate_carries_a_qr_code_for_its_verify_url(client, district, certificate):
    client.force_login(district.para)
    response = client.get(reverse("certificate", args=[certificate.pk]))
    verify_url = "http://testserver" + reverse(
        "verify_certificate", args=[certificate.verification_code]
    )
    assert f'href="{verify_url}"' in response.text
    assert "http://testserver" + reverse("verify") in response.text
    # The same SVG the qrcode library draws for that URL, inline in the page.
    assert certificates.qr_svg(verify_url) in response.text
    assert 'role="img" aria-label="QR code' in response.text


def test_the_qr_code_encodes_the_verify_url():
    url = "http://testserver/verify/0123456789AB/"
    # The matrix the PDF draws is the one the SVG draws: both come from the URL.
    svg = certificates.qr_svg(url)
    assert svg.startswith("<svg") and "<path" in svg
    matrix = certificates._qr_matrix(url)
    assert matrix == certificates._qr_matrix(url)
    assert matrix != certificates._qr_matrix(url.replace("0123", "9999"))
    assert len(matrix) >= 21  # a real QR symbol (version 1 is 21 modules wide)


def test_the_pdf_names_the_district_and_draws_the_qr_code(monkeypatch, client, district,
                                                          named_district, certificate):  # fmt: skip
    drawn = {}
    real = certificates.certificate_pdf

    def spy(cert, verify_url, issuer):
        drawn.update(url=verify_url, issuer=issuer)
        return real(cert, verify_url, issuer)

    monkeypatch.setattr("courses.views.render_certificate_pdf", spy)
    client.force_login(district.para)
    response = client.get(reverse("certificate_pdf", args=[certificate.pk]))
    assert response.content.startswith(b"%PDF-")
    assert drawn["url"] == "http://testserver" + reverse(
        "verify_certificate", args=[certificate.verification_code]
    )
    assert drawn["issuer"] == certificates.Issuer(
        "Maple Valley Unified", "Office of Special Education"
    )


def test_the_verify_page_names_the_district(client, named_district, certificate):
    response = client.get(reverse("verify_certificate", args=[certificate.verification_code]))
    assert "<dt>District</dt><dd>Maple Valley Unified</dd>" in response.text
    assert "<dt>PD sponsor</dt><dd>Office of Special Education</dd>" in response.text


@pytest.mark.parametrize("who", ["teacher", "school_admin", "district_admin", "editor"])
@pytest.mark.parametrize("url_name", ["certificate", "certificate_pdf"])
def test_nobody_else_sees_a_certificate(client, district, certificate, who, url_name):
    client.force_login(getattr(district, who))
    response = client.get(reverse(url_name, args=[certificate.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_certificate_pages_need_sign_in(client, certificate):
    response = client.get(reverse("certificate", args=[certificate.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login"))


def test_the_certificate_downloads_as_pdf(client, district, certificate):
    client.force_login(district.para)
    response = client.get(reverse("certificate_pdf", args=[certificate.pk]))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize("unicode_font", [True, False])
def test_the_pdf_copes_with_names_beyond_latin1(monkeypatch, certificate, unicode_font):
    if not unicode_font:
        monkeypatch.setattr(certificates, "UNICODE_FONT", certificates.Path("/nonexistent.ttf"))
    certificate.recipient_name = "Nguyễn Thị Ánh 王"
    issuer = certificates.Issuer(district="Distrito Escolar de Nuñez 区", sponsor="Oficina")
    pdf = certificates.certificate_pdf(certificate, "http://testserver/verify/X/", issuer)
    assert pdf.startswith(b"%PDF-")


def test_latin1_fallback_keeps_what_it_can():
    assert certificates._latin1("Nguyễn José 王") == "Nguyen José ?"


def test_anyone_can_verify_a_certificate_and_learns_nothing_else(client, district, certificate):
    # A name the factories cannot also give the para, so seeing it means a leak.
    teacher = district.pair.teacher
    teacher.last_name = "Quinlan-Whitford"
    teacher.save(update_fields=["last_name"])
    url = reverse("verify_certificate", args=[certificate.verification_code.lower()])
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    text = response.text
    for shown in (
        certificate.recipient_name,
        "Stronger Together",
        "<dd>1.00</dd>",
        certificates.issued_on(certificate),
    ):
        assert shown in text
    for hidden in (district.para.email, district.para.username, teacher.last_name):
        assert hidden not in text
    assert reverse("certificate", args=[certificate.pk]) not in text


def test_an_unknown_code_is_not_found(client, certificate):
    unknown = "0" * 12 if certificate.verification_code != "0" * 12 else "1" * 12
    assert client.get(reverse("verify_certificate", args=[unknown])).status_code == 404


def test_someone_elses_certificate_does_not_appear_on_my_learning(client, certificate):
    other = ParaFactory()
    client.force_login(other)
    response = client.get(reverse("my_learning"))
    assert reverse("certificate", args=[certificate.pk]) not in response.text
