"""What every view of the workspace shares: the page size, where a form sends you
back to, and the posted data."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from workspace.models import Notification

PER_PAGE = 25
Kind = Notification.Kind


def next_url(request: HttpRequest, default: str) -> str:
    """Where to go back to after a form posted from another page (a module, the list)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None
