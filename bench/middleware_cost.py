"""What each middleware costs a request, in microseconds of CPU, on a kept benchmark database.

    make bench BENCH_ARGS="--keep"
    DATABASE_URL=postgres://.../tandem_bench_1 .venv/bin/python -m bench.middleware_cost

Each middleware in ``MIDDLEWARE`` is wrapped so that its time with everything
inside it is recorded; its own time is that less the next one's (the innermost's,
less the view and the ``process_view`` hooks, which are counted to the middleware
they belong to). CPU time of this thread (``time.thread_time``), so the
database's own time and other processes on a shared machine count as little as
they can. Printed for the trivial view as a visitor and signed in, and for My
learning signed in, with each page's queries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections import defaultdict

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers import base  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.measure import consume, subjects  # noqa: E402

NAMES = list(settings.MIDDLEWARE)
inclusive: dict[str, float] = defaultdict(float)
hooks: dict[str, float] = defaultdict(float)
calls: dict[str, int] = defaultdict(int)
in_view = [0.0]


class Timed:
    """A middleware, its calls and ``process_view`` timed."""

    def __init__(self, name: str, middleware):
        self._name, self._middleware = name, middleware

    def __call__(self, request):
        started = time.thread_time()
        response = self._middleware(request)
        inclusive[self._name] += time.thread_time() - started
        calls[self._name] += 1
        return response

    def __getattr__(self, attribute):
        value = getattr(self._middleware, attribute)
        if attribute != "process_view":
            return value

        def process_view(*args, **kwargs):
            started = time.thread_time()
            try:
                return value(*args, **kwargs)
            finally:
                hooks[self._name] += time.thread_time() - started

        return process_view


def install() -> None:
    import_string = base.import_string

    def timed_import(path):
        middleware = import_string(path)
        if path not in NAMES:
            return middleware

        def make(get_response):
            return Timed(path, middleware(get_response))

        for flag, default in (("sync_capable", True), ("async_capable", False)):
            setattr(make, flag, getattr(middleware, flag, default))
        return make

    base.import_string = timed_import
    get_response = base.BaseHandler._get_response

    def timed_get_response(self, request):
        started = time.thread_time()
        try:
            return get_response(self, request)
        finally:
            in_view[0] += time.thread_time() - started

    base.BaseHandler._get_response = timed_get_response


def own_times(reps: int) -> dict[str, float]:
    """Each middleware's own seconds per request."""
    own = {}
    called = [name for name in NAMES if calls[name]]
    for position, name in enumerate(called):
        inner = (
            inclusive[called[position + 1]]
            if position + 1 < len(called)
            else in_view[0] - sum(hooks.values())
        )
        own[name] = (inclusive[name] - inner + hooks[name]) / reps
    return own


def measure(client: Client, path: str, reps: int) -> tuple[dict[str, float], float, int]:
    for _ in range(50):
        consume(client.get(path))
    inclusive.clear(), hooks.clear(), calls.clear()
    in_view[0] = 0.0
    wall = []
    for _ in range(reps):
        started = time.perf_counter()
        response = client.get(path)
        consume(response)
        wall.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    own = own_times(reps)
    with CaptureQueriesContext(connection) as queries:
        consume(client.get(path))
    return own, statistics.median(wall), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reps", type=int, default=4000, help="requests of the trivial view")
    args = parser.parse_args()
    install()
    para = subjects().para
    visitor, signed_in = Client(), Client()
    signed_in.force_login(para)
    pages = [
        ("trivial view, visitor", visitor, reverse("robots_txt"), args.reps),
        ("trivial view, signed in", signed_in, reverse("robots_txt"), args.reps),
        ("My learning, signed in", signed_in, reverse("my_learning"), max(args.reps // 20, 50)),
    ]
    for label, client, path, reps in pages:
        own, wall, queries = measure(client, path, reps)
        print(f"\n{label} ({path}): median {wall * 1000:.3f} ms a request, {queries} queries")
        for name in NAMES:
            print(f"  {own.get(name, 0) * 1e6:8.1f} µs  {name}")
        print(f"  {sum(own.values()) * 1e6:8.1f} µs  all middleware")


if __name__ == "__main__":
    main()
