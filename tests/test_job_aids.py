"""Job aids: printable pages and PDFs for a pair, linked from modules and My learning."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils.html import escape

from courses import certificates, job_aids
from tests.page_factories import make_course, make_module

pytestmark = pytest.mark.django_db

SLUGS = [aid.slug for aid in job_aids.JOB_AIDS]


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("who", ["para", "teacher", "school_admin", "district_admin", "editor"])
def test_each_job_aid_page_renders_for_anyone_signed_in(client, district, slug, who):
    client.force_login(getattr(district, who))
    response = client.get(reverse("job_aid", args=[slug]))
    assert response.status_code == HTTPStatus.OK
    assert escape(str(job_aids.BY_SLUG[slug].title)) in response.text
    assert "css/job_aids.css" in response.text  # the print stylesheet
    assert reverse("job_aid_pdf", args=[slug]) in response.text


@pytest.mark.parametrize("slug", SLUGS)
def test_each_job_aid_downloads_as_pdf(client, district, slug):
    client.force_login(district.para)
    response = client.get(reverse("job_aid_pdf", args=[slug]))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="tandem-{slug}.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize("unicode_font", [True, False])
def test_the_pdfs_work_without_the_unicode_font(monkeypatch, unicode_font):
    if not unicode_font:
        # The PDFs' one font choice (courses.certificates.body_font) reads this path.
        monkeypatch.setattr(
            certificates, "UNICODE_FONT", certificates.UNICODE_FONT.with_name("no.ttf")
        )
    for aid in job_aids.JOB_AIDS:
        assert job_aids.job_aid_pdf(aid).startswith(b"%PDF-")


@pytest.mark.parametrize("url_name", ["job_aid", "job_aid_pdf"])
def test_job_aids_need_sign_in(client, url_name):
    response = client.get(reverse(url_name, args=["role-card"]))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login"))


def test_an_unknown_job_aid_is_not_found(client, district):
    client.force_login(district.para)
    assert client.get(reverse("job_aid", args=["nope"])).status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("job_aid_pdf", args=["nope"])).status_code == HTTPStatus.NOT_FOUND


def test_the_planning_template_has_the_five_fields(client, district):
    client.force_login(district.para)
    text = client.get(reverse("job_aid", args=["planning-template"])).text
    for label in (
        "Students we support",
        "This week&#x27;s priority goals",
        "Strategies and accommodations",
        "How we collect data",
        "How and when we talk",
    ):
        assert label in text


def test_the_role_card_tells_an_accommodation_from_a_modification(client, district):
    client.force_login(district.para)
    text = client.get(reverse("job_aid", args=["role-card"])).text
    assert "<dt>Accommodation</dt>" in text and "<dt>Modification</dt>" in text
    assert "Changes how a student learns or shows what they learned, not what" in text
    assert "Changes what the student is expected to learn or show." in text


def test_the_dos_and_donts_card_lists_both(client, district):
    client.force_login(district.para)
    text = client.get(reverse("job_aid", args=["dos-and-donts"])).text
    assert '<h2 id="dos-heading">Do</h2>' in text
    assert "Contradict your partner in front of students" in text


def test_a_module_links_the_job_aids_it_uses(client, district):
    course = make_course("Stronger Together", modules=0, audience="paras")
    roles = make_module(course, "Clarifying roles")
    other = make_module(course, "Something else")
    client.force_login(district.para)
    text = client.get(roles.url).text
    assert "Job aids for this module" in text
    assert reverse("job_aid", args=["role-card"]) in text
    assert reverse("job_aid", args=["planning-template"]) not in text
    assert "Job aids for this module" not in client.get(other.url).text


def test_every_job_aid_is_used_by_a_shipped_module():
    """The slugs in ``used_in`` name modules of the shipped curriculum."""
    from pathlib import Path

    shipped = "\n".join(path.read_text() for path in Path("courses/curriculum").rglob("*.md"))
    for aid in job_aids.JOB_AIDS:
        for slug in aid.used_in:
            assert f'slug = "{slug}"' in shipped, (aid.slug, slug)


def test_my_learning_lists_the_job_aids(client, district):
    client.force_login(district.teacher)
    text = client.get(reverse("my_learning")).text
    for aid in job_aids.JOB_AIDS:
        assert reverse("job_aid", args=[aid.slug]) in text
        assert reverse("job_aid_pdf", args=[aid.slug]) in text
