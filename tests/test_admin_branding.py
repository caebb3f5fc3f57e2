"""The admin as a district's: Tandem's name and mark, Wagtail's release notes and
editor guide for editors only, and a search that finds an administrator's people
and pairs."""

from http import HTTPStatus
from pathlib import Path

import pytest
import wagtail.admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


def dashboard(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == HTTPStatus.OK
    return response.text


def test_the_admin_carries_tandems_name_and_mark(client, district):
    page = dashboard(client, district.school_admin)
    assert "Dashboard - Tandem</title>" in page
    assert "favicon.svg" in page and "wagtailadmin/images/favicon.ico" not in page
    assert 'class="tandem-logo"' in page
    assert "icon-wagtail" not in page.split("data-wagtail-sidebar-branding-logo", 1)[1][:400]


@pytest.mark.parametrize("who", ["school_admin", "district_admin"])
def test_administrators_are_not_shown_wagtails_release_notes_or_editor_guide(client, district, who):
    page = dashboard(client, getattr(district, who))
    assert "Editor Guide" not in page
    assert "What\\u0027s new in Wagtail" not in page and "What's new in Wagtail" not in page


def test_editors_keep_them(client, district):
    page = dashboard(client, district.editor)
    assert "Editor Guide" in page
    assert "new in Wagtail" in page


def test_a_school_administrators_sidebar_search_looks_in_their_people(client, district):
    page = dashboard(client, district.school_admin)
    assert reverse("wagtailadmin_pages:search") not in page
    assert f'"{reverse("people:index")}"' in page
    assert f'"{reverse("wagtailadmin_pages:search")}"' in dashboard(client, district.editor)


def test_the_search_finds_people_and_pairs_in_scope_only(client, district):
    client.force_login(district.school_admin)
    near, far = district.para, district.far_pair.para
    for person in (near, far):
        person.last_name = "Quintero"
        person.save()
    people = client.get(reverse("people:index"), {"q": "Quintero"})
    assert [p.pk for p in people.context["object_list"]] == [near.pk]
    pairs = client.get(reverse("pairs:index"), {"q": "Quintero"})
    assert [p.pk for p in pairs.context["object_list"]] == [district.pair.pk]


def test_the_dashboard_search_box_searches_an_administrators_people(client, district):
    page = dashboard(client, district.school_admin)
    assert f'action="{reverse("people:index")}"' in page
    assert "Search all pages" not in page
    assert "Search all pages" in dashboard(client, district.editor)


def test_wagtails_dashboard_is_still_the_one_the_override_repeats():
    """templates/wagtailadmin/home.html repeats Wagtail 8.0's content block to change
    its search box: if Wagtail's changes, the override must be looked at again."""
    source = Path(wagtail.admin.__file__).parent / "templates/wagtailadmin/home.html"
    text = source.read_text()
    assert text.count("{% block content %}") == 1
    assert "{% url 'wagtailadmin_explore_root' %}" in text
    assert '{% include "wagtailadmin/home/account_summary.html" %}' in text
    assert "{% component panel fallback_render_method=True %}" in text


def test_the_admins_page_not_found_shows_tandems_mark(client, district):
    client.force_login(district.school_admin)
    response = client.get("/admin/no-such-screen/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert 'class="tandem-logo"' in response.text
    assert "icon-wagtail" not in response.text
