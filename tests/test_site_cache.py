"""Wagtail's site is found from the process's cache (content.sites), and a changed
Site, or a changed root page, is seen on the next request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, Page, Site

from content import sites
from content.sites import site_for_request
from tests.page_factories import home_page

pytestmark = pytest.mark.django_db

SITE_TABLE = '"wagtailcore_site"'


def site_queries(queries) -> list[str]:
    return [query["sql"] for query in queries if SITE_TABLE in query["sql"]]


def request_for(host: str):
    return RequestFactory().get("/", HTTP_HOST=host)


@pytest.fixture
def home():
    return home_page()


def test_a_page_finds_its_site_without_a_query_once_cached(home):
    client = Client()
    assert client.get(home.url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(home.url)
    assert response.status_code == 200
    assert site_queries(queries) == []
    assert response.wsgi_request._wagtail_site.pk == Site.objects.get(is_default_site=True).pk


@pytest.mark.parametrize(
    "host", ["testserver", "other.example.org", "school.example.org", "school.example.org:8080"]
)
def test_the_cache_finds_the_site_wagtail_finds(home, host):
    Site.objects.create(hostname="school.example.org", port=80, root_page=home)
    Site.objects.create(hostname="school.example.org", port=8080, root_page=home)
    wagtails = Site._find_for_request(request_for(host))
    for _ in range(2):  # looked up, then cached
        ours = site_for_request(request_for(host))
        assert (ours.pk, ours.root_page_id) == (wagtails.pk, wagtails.root_page_id)
        assert ours.root_page.pk == wagtails.root_page.pk


def test_a_changed_site_is_seen(home):
    request = request_for("testserver")
    default = site_for_request(request)
    other_root = home.add_child(instance=Page(title="Another home", slug="another-home"))

    default.root_page = other_root
    default.save()
    assert site_for_request(request_for("testserver")).root_page_id == other_root.pk

    school = Site.objects.create(hostname="testserver", port=80, root_page=home)
    assert site_for_request(request_for("testserver")).pk == school.pk
    school.delete()
    assert site_for_request(request_for("testserver")).pk == default.pk


def test_a_changed_root_page_is_seen(home):
    assert site_for_request(request_for("testserver")).root_page.title == home.title
    home.title = "Tandem, renamed"
    home.save()
    assert site_for_request(request_for("testserver")).root_page.title == "Tandem, renamed"


def test_with_no_site_there_is_none_until_one_is_made(home):
    Site.objects.all().delete()
    assert site_for_request(request_for("testserver")) is None
    made = Site.objects.create(hostname="testserver", root_page=home, is_default_site=True)
    assert site_for_request(request_for("testserver")).pk == made.pk


def test_another_process_sees_a_change_within_the_cache_time(home, monkeypatch):
    """A change made by another process sends no signal here: the answer is
    looked up again once it is CACHE_SECONDS old."""
    now = [1000.0]
    monkeypatch.setattr(sites.time, "monotonic", lambda: now[0])
    first = site_for_request(request_for("testserver"))
    # As another process would: an update that sends no signal.
    Site.objects.filter(pk=first.pk).update(site_name="Renamed elsewhere")
    now[0] += sites.CACHE_SECONDS - 1
    assert site_for_request(request_for("testserver")).site_name == first.site_name
    now[0] += 1
    assert site_for_request(request_for("testserver")).site_name == "Renamed elsewhere"


def test_each_request_gets_its_own_site(home):
    """What one request caches on its site (a root page's ``specific``) is not
    another request's."""
    first = site_for_request(request_for("testserver"))
    second = site_for_request(request_for("testserver"))
    assert first is not second and first.root_page is not second.root_page
    assert first == second


def test_made_up_hosts_cannot_grow_the_cache(home):
    for number in range(sites.MAX_HOSTS * 3):
        site_for_request(request_for(f"host{number}.example.org"))
    assert len(sites._sites.found) <= sites.MAX_HOSTS


# Wagtail's site root paths (every page URL needs them) -----------------------------------


def test_page_urls_do_not_ask_django_cache_once_the_root_paths_are_kept(home, monkeypatch):
    """In production Django's cache is the database: each read is a query."""
    asked = []
    wagtails = sites._RootPaths.wagtails
    monkeypatch.setattr(
        sites._RootPaths, "wagtails", staticmethod(lambda: asked.append(1) or wagtails())
    )
    child = home.add_child(instance=Page(title="About", slug="about"))
    for _ in range(3):
        assert Page.objects.get(pk=child.pk).get_url() == "/about/"
    assert len(asked) == 1


def test_a_changed_site_changes_page_urls_at_once(home):
    child = home.add_child(instance=Page(title="About", slug="about"))
    assert Page.objects.get(pk=child.pk).full_url == "http://localhost/about/"
    site = Site.objects.get(is_default_site=True)
    site.hostname = "pd.example.org"
    site.save()
    assert Page.objects.get(pk=child.pk).full_url == "http://pd.example.org/about/"


def test_a_moved_root_page_changes_page_urls_at_once(home):
    child = home.add_child(instance=Page(title="About", slug="about"))
    Page.objects.get(pk=child.pk).get_url()
    home.slug = "welcome"
    home.save()  # Wagtail clears its root paths: this process's copy goes too
    assert Page.objects.get(pk=child.pk).get_url() == "/about/"
    assert Site.get_site_root_paths()[0].root_path == Page.objects.get(pk=home.pk).url_path


def test_another_process_sees_changed_root_paths_within_the_cache_time(home, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(sites.time, "monotonic", lambda: now[0])
    child = home.add_child(instance=Page(title="About", slug="about"))
    assert Page.objects.get(pk=child.pk).full_url == "http://localhost/about/"
    # As another process would: the site changed and Django's cache cleared, no
    # signal sent here.
    Site.objects.filter(is_default_site=True).update(hostname="pd.example.org")
    sites._RootPaths.clear_wagtails()
    now[0] += sites.CACHE_SECONDS - 1
    assert Page.objects.get(pk=child.pk).full_url == "http://localhost/about/"
    now[0] += 1
    assert Page.objects.get(pk=child.pk).full_url == "http://pd.example.org/about/"


# The root page and the locales, which serving every page asks for ------------------------


def test_the_root_page_comes_as_its_own_type_without_a_query(home):
    site_for_request(request_for("testserver"))
    with CaptureQueriesContext(connection) as queries:
        root = site_for_request(request_for("testserver")).root_page.specific
    assert queries.captured_queries == []
    assert type(root) is type(home.specific) and root.title == home.title


def test_locales_are_found_without_a_query_once_kept(home):
    english = Locale.objects.get_for_language("en")
    Locale.get_active()
    with CaptureQueriesContext(connection) as queries:
        again = Locale.objects.get_for_language("en")
        active = Locale.get_active()
    assert queries.captured_queries == []
    assert again.pk == active.pk == english.pk and again is not english


def test_a_saved_locale_is_looked_up_again_and_a_missing_one_still_raises(home, monkeypatch):
    asked = []
    wagtails = sites._Locales.wagtails
    monkeypatch.setattr(
        sites._Locales,
        "wagtails",
        staticmethod(lambda manager, code: asked.append(code) or wagtails(manager, code)),
    )
    Locale.objects.get_for_language("es")
    Locale.objects.get_for_language("es")
    assert asked == ["es"]
    Locale.objects.get(language_code="es").save()
    Locale.objects.get_for_language("es")
    assert asked == ["es", "es"]
    for page in Page.objects.filter(locale__language_code="es", depth=2):
        page.delete()  # the Spanish home and what is under it
    Locale.objects.get(language_code="es").delete()
    with pytest.raises(Locale.DoesNotExist):
        Locale.objects.get_for_language("es")
