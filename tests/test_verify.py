"""Checking a certificate by its code at /verify/: signed out, typed or scanned."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from courses import certificates
from courses.models import Certificate
from tests.factories import ParaFactory
from tests.page_factories import make_course

pytestmark = pytest.mark.django_db

VERIFY = reverse("verify")


@pytest.fixture(autouse=True)
def fresh_limits():
    """Each test starts with no misses counted (the limiter keeps them in the cache)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certificate(db):
    course = make_course("Stronger Together", modules=0)
    return Certificate.objects.create(
        user=ParaFactory(first_name="Ana", last_name="Reyes"),
        course=course,
        recipient_name="Ana Reyes",
        course_title="Stronger Together",
        hours="3.50",
    )


def unknown_code(certificate) -> str:
    return "ABCDEF012345" if certificate.verification_code != "ABCDEF012345" else "0" * 12


def test_the_form_is_open_to_anyone(client):
    response = client.get(VERIFY)
    assert response.status_code == HTTPStatus.OK
    assert '<label for="id_code">Certificate code</label>' in response.text
    assert 'name="code"' in response.text


def test_a_typed_code_shows_the_certificate(client, certificate):
    code = certificate.verification_code
    typed = f" {code[:4].lower()} {code[4:8]}-{code[8:]} "  # as people type it
    response = client.get(VERIFY, {"code": typed})
    assert response.status_code == HTTPStatus.OK
    for fact in ("Ana Reyes", "Stronger Together", "<dd>3.50</dd>", "Certificate verified"):
        assert fact in response.text
    assert certificates.issued_on(certificate) in response.text


def test_a_wrong_code_answers_not_found_with_the_form_again(client, certificate):
    wrong = unknown_code(certificate)
    response = client.get(VERIFY, {"code": wrong})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "No certificate has this code." in response.text
    assert f'value="{wrong}"' in response.text  # what was typed, to correct
    assert "Ana Reyes" not in response.text


def test_a_malformed_code_says_what_a_code_looks_like(client, certificate):
    response = client.get(VERIFY, {"code": "<b>hello</b>"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "That is not a certificate code." in response.text
    assert 'value="&lt;b&gt;hello&lt;/b&gt;"' in response.text  # escaped, not markup
    assert "No certificate has this code." not in response.text


def test_a_scanned_link_checks_the_same_way(client, certificate):
    url = reverse("verify_certificate", args=[certificate.verification_code])
    assert client.get(url).status_code == HTTPStatus.OK
    wrong = reverse("verify_certificate", args=[unknown_code(certificate)])
    assert client.get(wrong).status_code == HTTPStatus.NOT_FOUND


def test_codes_are_long_and_random():
    from courses.models.learning import new_verification_code

    codes = {new_verification_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(certificates.normalise_code(code) == code for code in codes)


def test_guessing_is_refused_after_a_few_misses(client, certificate, monkeypatch):
    monkeypatch.setattr(certificates, "VERIFY_MISSES", "3/m/ip")
    right = certificate.verification_code
    assert client.get(VERIFY, {"code": right}).status_code == HTTPStatus.OK  # costs nothing
    for _ in range(3):
        assert client.get(VERIFY, {"code": unknown_code(certificate)}).status_code == 404
    refused = client.get(VERIFY, {"code": unknown_code(certificate)})
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many codes that match no certificate" in refused.text
    # Now even a right code is refused, so a lucky guess reads like any other.
    assert client.get(VERIFY, {"code": right}).status_code == HTTPStatus.TOO_MANY_REQUESTS
    scanned = reverse("verify_certificate", args=[right])
    assert client.get(scanned).status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_misses_are_counted_per_address(client, certificate, monkeypatch, settings):
    monkeypatch.setattr(certificates, "VERIFY_MISSES", "1/m/ip")
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    wrong = {"code": unknown_code(certificate)}
    client.get(VERIFY, wrong, HTTP_X_FORWARDED_FOR="198.51.100.1")
    blocked = client.get(VERIFY, wrong, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert blocked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    elsewhere = client.get(VERIFY, wrong, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert elsewhere.status_code == HTTPStatus.NOT_FOUND


def test_the_verify_pages_take_get_only(client):
    assert client.post(VERIFY).status_code == HTTPStatus.METHOD_NOT_ALLOWED
