"""Who may read and who may change a pair's workspace.

Reading goes through ``pairs.scoping.readable_pair``: the two partners and the
administrators of the pair's school. Anyone else gets a 404, whatever the URL
or method, so a pair's existence is not revealed. Changing is for the two
partners only, and only while the pair is active.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.roles import PairRole
from pairs.models import Pair
from pairs.scoping import readable_pair


def role_in_pair(pair: Pair, user) -> PairRole | None:
    """The place of ``user`` in the pair, or ``None`` for anyone but its partners."""
    if user.pk == pair.para_id:
        return PairRole.PARA
    if user.pk == pair.teacher_id:
        return PairRole.TEACHER
    return None


def write_refusal(pair: Pair, user) -> str | None:
    """Why ``user`` may not change this pair's workspace, or ``None`` if they may."""
    if role_in_pair(pair, user) is None:
        return _(
            "Administrators can read a pair's workspace, but only the two partners can change it."
        )
    if not pair.is_active:
        return _(
            "This pair ended on %(date)s, so its workspace is kept as it was and can no "
            "longer be changed."
        ) % {"date": date_format(pair.ended_on)}
    return None


def pair_view(
    methods: Iterable[str] = ("GET",), writes: Iterable[str] = ()
) -> Callable[[Callable], Callable]:
    """Resolve ``pk`` to a pair the user may read, then call ``view(request, pair, ...)``.

    The 404 for outsiders comes before anything else (even a wrong method), so
    every pair URL answers the same way to them. ``writes`` lists the methods
    that change something: for those, administrators and ended pairs get a 403
    page that says why.
    """
    allowed = {method.upper() for method in methods}
    if "GET" in allowed:
        allowed.add("HEAD")
    writing = {method.upper() for method in writes}

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, pk: int, **kwargs) -> HttpResponse:
            pair = readable_pair(request.user, pk)
            if request.method not in allowed:
                return HttpResponseNotAllowed(sorted(allowed))
            if request.method in writing and (refusal := write_refusal(pair, request.user)):
                return render(
                    request,
                    "workspace/write_refused.html",
                    {"pair": pair, "message": refusal},
                    status=403,
                )
            return view(request, pair, **kwargs)

        return wrapped

    return decorator
