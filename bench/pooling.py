"""Served requests per second under each way of holding PostgreSQL connections.

    DATABASE_URL=postgres://…/tandem_bench_5 .venv/bin/python -m bench.pooling \
        [--seconds 5] [--rounds 3]

Against a district already built (``make bench BENCH_ARGS="--keep"`` keeps one),
gunicorn serves it under production settings once per configuration: a
persistent connection per worker (``DATABASE_POOL=false``, ``CONN_MAX_AGE``),
psycopg's pool, and each of those with prepared statements (the default is the
pool with them). wrk loads the same pages through each in turn, round after
round, so drift on a shared machine falls on every configuration alike; the
medians are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys

from bench.run import ROOT, gunicorn, wrk

CONFIGURATIONS = {
    "persistent connections (CONN_MAX_AGE=60)": {
        "DATABASE_POOL": "false",
        "DATABASE_PREPARED_STATEMENTS": "false",
    },
    "psycopg pool": {"DATABASE_POOL": "true", "DATABASE_PREPARED_STATEMENTS": "false"},
    "persistent + prepared statements": {
        "DATABASE_POOL": "false",
        "DATABASE_PREPARED_STATEMENTS": "true",
    },
    "psycopg pool + prepared statements (the default)": {
        "DATABASE_POOL": "true",
        "DATABASE_PREPARED_STATEMENTS": "true",
    },
}


def signed_in_urls(env: dict) -> tuple[str, dict[str, str]]:
    """A para's session cookie and the URLs to load, from bench.measure's subjects."""
    script = (
        "import json, django; django.setup();"
        "from django.conf import settings; from django.test import Client;"
        "from django.urls import reverse; from bench.measure import subjects;"
        "who = subjects(); para = Client(); para.force_login(who.para);"
        "name = settings.SESSION_COOKIE_NAME;"
        "print(json.dumps({'name': name, 'para': para.cookies[name].value,"
        "'module_page': who.module.url, 'my_learning': reverse('my_learning'),"
        "'pair_page': reverse('pair_detail', args=[who.pair.pk])}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env | {"DJANGO_SETTINGS_MODULE": "bench.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = json.loads(out.strip().splitlines()[-1])
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    env = os.environ | {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
    }
    found = signed_in_urls(env)
    cookie = {
        "para": f"{found['name']}={found['para']}",
    }
    loads = {
        "module page": (found["module_page"], cookie["para"]),
        "My learning": (found["my_learning"], cookie["para"]),
        "pair page": (found["pair_page"], cookie["para"]),
        # One SELECT 1, before any middleware: the connection's own cost.
        "health check": ("/healthz", ""),
    }
    rps = {(name, page): [] for name in CONFIGURATIONS for page in loads}
    for round_number in range(args.rounds):
        for name, extra in CONFIGURATIONS.items():
            with gunicorn(env | extra, "/healthz") as port:
                for page, (path, session) in loads.items():
                    wrk(port, path, session, 1)  # warm up
                    result = wrk(port, path, session, args.seconds)
                    if result["non_2xx"]:
                        raise SystemExit(f"{name}: {path} answered non-2xx")
                    rps[name, page].append(result["rps"])
        print(f"round {round_number + 1} of {args.rounds} done", flush=True)
    print(
        f"\n{'req/s, medians of ' + str(args.rounds) + ' rounds':45}"
        + "".join(f"{page[:22]:>24}" for page in loads)
    )
    for name in CONFIGURATIONS:
        print(
            f"{name:45}" + "".join(f"{statistics.median(rps[name, page]):>24.1f}" for page in loads)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
