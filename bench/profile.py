"""Profile one page of a kept benchmark database: where the time goes, and its queries.

    make bench BENCH_ARGS="--keep"        # keeps bench/scale1.sqlite3 and scale5.sqlite3
    DATABASE_URL=sqlite:///bench/scale5.sqlite3 .venv/bin/python -m bench.profile \\
        /admin/reports/courses/completion/ --as omar.santos.district1

The page is requested through Django's test client (production settings, as
``bench.measure`` does) a few times to warm up, then once under pyinstrument and
once with its queries captured; both are printed, slowest queries first.
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from pyinstrument import Profiler  # noqa: E402
from pyinstrument.renderers import ConsoleRenderer  # noqa: E402

from bench.measure import consume  # noqa: E402


def request(client: Client, path: str) -> int:
    response = client.get(path)
    consume(response)
    return response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("path", help="the URL path to request, with its query string")
    parser.add_argument("--as", dest="username", required=True, help="who requests it")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--flat", action="store_true", help="list functions by their own time, not as a tree"
    )
    parser.add_argument("--queries", type=int, default=10, help="how many slowest queries to show")
    args = parser.parse_args()

    client = Client()
    client.force_login(get_user_model().objects.get(username=args.username))
    for _ in range(args.warmup):
        request(client, args.path)

    profiler = Profiler(interval=0.0005)
    with profiler:
        status = request(client, args.path)
    print(f"{args.path} answered {status}")
    print(profiler.output(ConsoleRenderer(unicode=True, color=False, flat=args.flat)))

    with CaptureQueriesContext(connection) as captured:
        request(client, args.path)
    queries = sorted(captured.captured_queries, key=lambda query: -float(query["time"]))
    total = sum(float(query["time"]) for query in queries)
    print(f"{len(queries)} queries, {total * 1000:.1f} ms in the database; slowest first:")
    for query in queries[: args.queries]:
        print(f"\n{float(query['time']) * 1000:8.1f} ms  {query['sql']}")


if __name__ == "__main__":
    main()
