"""The site's own address, for links read away from it: emails, printed certificates.

One setting decides it: ``WAGTAILADMIN_BASE_URL`` (``BASE_URL`` in the
environment). Left empty, the default Wagtail Site's hostname and port stand in,
which the demo sets to where ``make run`` serves. A worker or a cron job has no
request to take the host from, so nothing here reads one.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from django.conf import settings
from wagtail.models import Site

# Where links lead when neither the setting nor a default Site says.
FALLBACK_BASE_URL = "http://localhost"


def base_url() -> str:
    """``scheme://host[:port]`` of the site, without a trailing slash."""
    if settings.WAGTAILADMIN_BASE_URL:
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    site = Site.objects.filter(is_default_site=True).only("hostname", "port").first()
    return site.root_url if site else FALLBACK_BASE_URL


def absolute_url(path_or_url: str | None) -> str:
    """A link that works from an inbox or a printout: paths get the site's base URL."""
    return urljoin(base_url() + "/", path_or_url or "/")


def site_domain() -> str:
    """The host (and port) alone, as email templates name the site."""
    return urlsplit(base_url()).netloc
