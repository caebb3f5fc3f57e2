"""The District setting: its name and PD sponsor, edited in Settings by district
administrators, and read by the certificate and the verify page."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from wagtail.models import Site

from pairs.models import District
from tests.page_factories import home_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def edit_url(db):
    home_page()
    site = Site.objects.get(is_default_site=True)
    return reverse("wagtailsettings:edit", args=["pairs", "district", site.pk])


def test_a_district_administrator_edits_the_district(client, district, edit_url):
    client.force_login(district.district_admin)
    assert client.get(edit_url).status_code == HTTPStatus.OK
    response = client.post(
        edit_url, {"name": "Maple Valley Unified", "pd_sponsor": "Office of Special Education"}
    )
    assert response.status_code == HTTPStatus.FOUND
    saved = District.for_site(Site.objects.get(is_default_site=True))
    assert (saved.name, saved.pd_sponsor) == ("Maple Valley Unified", "Office of Special Education")


@pytest.mark.parametrize("who", ["school_admin", "editor"])
def test_other_staff_do_not_edit_the_district(client, district, edit_url, who):
    client.force_login(getattr(district, who))
    response = client.get(edit_url)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("wagtailadmin_home")  # Wagtail's "no permission" bounce
