"""Checking a certificate in a real browser, signed out: type a wrong code, then the
right one; and the job aids on a phone. Every page is checked by axe-core."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from wagtail.models import Site

from courses.job_aids import JOB_AIDS
from courses.models import Certificate
from pairs.models import District
from tests.browser.helpers import PHONE, scrolls_sideways, serious_accessibility_violations
from tests.factories import ParaFactory
from tests.page_factories import make_course

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def certificate():
    course = make_course("Stronger Together", modules=0)
    district = District.for_site(Site.objects.get(is_default_site=True))
    district.name, district.pd_sponsor = "Maple Valley Unified", "Office of Special Education"
    district.save()
    return Certificate.objects.create(
        user=ParaFactory(),
        course=course,
        recipient_name="Ana Reyes",
        course_title="Stronger Together",
        hours="3.50",
        # Copied from the District setting when issued (courses.certificates).
        district_name=district.name,
        pd_sponsor=district.pd_sponsor,
        verification_code="3F9A0C71B2E4",
    )


def test_someone_signed_out_checks_a_typed_code(phone_page, certificate):
    page = phone_page
    page.goto(reverse("verify"))
    code = page.get_by_label("Certificate code")
    assert serious_accessibility_violations(page) == []

    code.fill("3F9A 0C71 0000")
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("alert")).to_contain_text("No certificate has this code.")
    expect(code).to_have_value("3F9A 0C71 0000")  # what was typed, to correct
    assert serious_accessibility_violations(page) == []

    code.fill("3f9a-0c71-b2e4")
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("heading", name="Certificate verified")).to_be_visible()
    facts = page.locator("dl.certificate-facts")
    for fact in ("Ana Reyes", "Stronger Together", "3.50", "Maple Valley Unified"):
        expect(facts).to_contain_text(fact)
    assert not scrolls_sideways(page)
    assert serious_accessibility_violations(page) == []


def test_the_certificate_and_the_job_aids_pass_axe(signed_in, certificate):
    page = signed_in(certificate.user, **PHONE).new_page()
    page.goto(reverse("certificate", args=[certificate.pk]))
    expect(page.get_by_role("img", name="QR code")).to_be_visible()
    expect(page.locator(".certificate")).to_contain_text("Awarded by Maple Valley Unified")
    problems = {"certificate": serious_accessibility_violations(page)}
    for aid in JOB_AIDS:
        page.goto(reverse("job_aid", args=[aid.slug]))
        expect(page.get_by_role("heading", level=1)).to_have_text(str(aid.title))
        problems[aid.slug] = serious_accessibility_violations(page)
        if scrolls_sideways(page):
            problems[aid.slug].append("scrolls sideways at 375px")
    assert {name: found for name, found in problems.items() if found} == {}
