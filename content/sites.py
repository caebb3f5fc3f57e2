"""Wagtail's site, its root paths and its locales, found without a query on every request.

Wagtail finds a request's site with a query (``get_site_for_hostname``: a CASE
over the sites, with the root page joined) once per request, and keeps it on
the request as ``request._wagtail_site`` (``Site.find_for_request`` in
https://github.com/wagtail/wagtail/blob/v8.0.1/wagtail/models/sites.py). The
sites change about never, so each process keeps the answer per host and port,
and ``Site.find_for_request`` asks that cache (``use_cached_sites``).

Only the row values are kept: each request gets instances of its own, so what
one request caches on them (a root page's ``specific``, say) is never another's.
The answers are forgotten in this process when a Site, or a page that is a
site's root, is saved or deleted; other processes see the change within
``CACHE_SECONDS``.

The locales are kept the same way (``Locale.objects.get_for_language``, asked
by every page served), forgotten when a Locale is saved or deleted.

Wagtail's site root paths (``Site.get_site_root_paths``, which every page URL
needs) are kept in Django's cache, which in production is the database: one
query on every page that links to a page. This process keeps them too, for
``CACHE_SECONDS``, and forgets them whenever Wagtail clears its own copy (a Site
saved or deleted, a site's root page moved or translated).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.http.request import split_domain_port
from wagtail.models import Locale, Page, Site, get_page_models
from wagtail.models.i18n import LocaleManager
from wagtail.models.sites import get_site_for_hostname

from config.kept import CACHE_SECONDS, KeptAMinute

# Hostnames come from the Host header: at most this many are kept, so that
# requests for made-up hosts cannot grow the process.
MAX_HOSTS = 64
SITE_FIELDS = tuple(field.attname for field in Site._meta.concrete_fields)
ROOT_PAGE_ID = SITE_FIELDS.index("root_page_id")


@dataclass(frozen=True)
class _Found:
    """A lookup's answer as row values: the site and its root page, or no site.

    The root page is kept as its own type (the home page), since serving a page
    starts from ``site.root_page.specific``: that would be a query on every request.
    """

    site: tuple | None
    root_page: tuple | None
    database: str | None
    expires: float
    root_page_type: type[Page] = Page

    def instance(self) -> Site | None:
        if self.site is None:
            return None
        site = Site.from_db(self.database, SITE_FIELDS, self.site)
        if self.root_page is not None:
            site.root_page = self.root_page_type.from_db(
                self.database, fields_of(self.root_page_type), self.root_page
            )
        return site


def fields_of(model: type[Page]) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


class _Sites:
    def __init__(self):
        self.found: dict[tuple[str, int | str], _Found] = {}
        self.root_page_ids: set[int] = set()
        self.lock = threading.Lock()

    def get(self, hostname: str, port) -> Site | None:
        key = (hostname, port)
        found = self.found.get(key)
        if found is None or found.expires <= time.monotonic():
            found = self.look_up(hostname, port)
            with self.lock:
                if len(self.found) >= MAX_HOSTS:
                    self.found.clear()
                self.found[key] = found
                if found.site is not None:
                    self.root_page_ids.add(found.site[ROOT_PAGE_ID])
        return found.instance()

    @staticmethod
    def look_up(hostname: str, port) -> _Found:
        expires = time.monotonic() + CACHE_SECONDS
        try:
            site = get_site_for_hostname(hostname, port)
        except Site.DoesNotExist:
            return _Found(None, None, None, expires)
        root_page = site.root_page.specific
        return _Found(
            site=tuple(getattr(site, name) for name in SITE_FIELDS),
            root_page=tuple(getattr(root_page, name) for name in fields_of(type(root_page))),
            database=site._state.db,
            expires=expires,
            root_page_type=type(root_page),
        )

    def clear(self) -> None:
        with self.lock:
            self.found.clear()
            self.root_page_ids.clear()


_sites = _Sites()


def site_for_request(request: HttpRequest) -> Site | None:
    """The site Wagtail's ``Site.find_for_request`` would find, from the cache.

    Host and port are read as Wagtail reads them: the raw Host header, so that
    a host outside ALLOWED_HOSTS finds the default site rather than an error.
    """
    hostname = split_domain_port(request._get_raw_host())[0]
    return _sites.get(hostname, request.get_port())


class _RootPaths(KeptAMinute):
    """Wagtail's ``Site.get_site_root_paths``, kept in this process."""

    wagtails = staticmethod(Site.get_site_root_paths)
    clear_wagtails = staticmethod(Site.clear_site_root_paths_cache)

    def paths(self) -> list:
        return list(self.get(None, lambda: tuple(self.wagtails())))

    def clear(self) -> None:
        """Wagtail's own clearing (Site saves, root page moves): here and in Django's cache."""
        self.forget()
        self.clear_wagtails()


_root_paths = _RootPaths()
LOCALE_FIELDS = fields_of(Locale)


class _Locales(KeptAMinute):
    """Wagtail's ``Locale.objects.get_for_language``, kept in this process: serving
    any page asks it for the active language (``root_page.localized``), a query
    each time for a row that changes about never. Row values are kept, and each
    caller gets an instance of its own."""

    wagtails = staticmethod(LocaleManager.get_for_language)

    def get_for_language(self, manager: LocaleManager, language_code: str) -> Locale:
        def look_up():
            locale = self.wagtails(manager, language_code)  # raises as Wagtail's does
            return locale._state.db, tuple(getattr(locale, name) for name in LOCALE_FIELDS)

        database, values = self.get(language_code, look_up)
        return Locale.from_db(database, LOCALE_FIELDS, values)


_locales = _Locales()


def locale_for_language(manager: LocaleManager, language_code: str) -> Locale:
    """``LocaleManager.get_for_language`` as Wagtail's, from this process's cache."""
    return _locales.get_for_language(manager, language_code)


def forget_sites(**kwargs) -> None:
    _sites.clear()
    _root_paths.forget()
    _locales.forget()


def forget_sites_for_root_page(sender, instance, **kwargs) -> None:
    if instance.pk in _sites.root_page_ids:
        _sites.clear()


def connect_signals() -> None:
    """Site saves and deletes, and every page model's: a specific page's signal
    is sent for its own class, not for ``Page``."""
    post_save.connect(_locales.forget, sender=Locale, dispatch_uid="content.sites.locale_saved")
    post_delete.connect(_locales.forget, sender=Locale, dispatch_uid="content.sites.locale_deleted")
    post_save.connect(forget_sites, sender=Site, dispatch_uid="content.sites.site_saved")
    post_delete.connect(forget_sites, sender=Site, dispatch_uid="content.sites.site_deleted")
    for model in get_page_models():
        post_save.connect(
            forget_sites_for_root_page, sender=model, dispatch_uid=f"content.sites.{model._meta}"
        )
        post_delete.connect(
            forget_sites_for_root_page,
            sender=model,
            dispatch_uid=f"content.sites.{model._meta}.deleted",
        )


def find_for_request(request: HttpRequest | None) -> Site | None:
    """``Site.find_for_request`` as Wagtail's, kept on the request the same way,
    with the lookup from this process's cache."""
    if request is None:
        return None
    if not hasattr(request, "_wagtail_site"):
        request._wagtail_site = site_for_request(request)
    return request._wagtail_site


def use_cached_sites() -> None:
    """Every caller of ``Site.find_for_request`` (Wagtail's page serving, its
    ``pageurl`` tag and settings, the redirects, this project) asks the cache,
    and so does every caller of ``Site.get_site_root_paths``: Wagtail has no
    setting for either, so the methods are replaced (and the one that clears
    the root paths, so that Wagtail's clearing reaches this process's copy), and
    so is the locale lookup every page served makes. It is
    only called when something needs the site, so a page that does not pays
    nothing; ``tests/test_site_cache.py`` checks the answers stay Wagtail's.
    """
    Site.find_for_request = staticmethod(find_for_request)
    Site.get_site_root_paths = staticmethod(_root_paths.paths)
    Site.clear_site_root_paths_cache = staticmethod(_root_paths.clear)
    LocaleManager.get_for_language = locale_for_language
