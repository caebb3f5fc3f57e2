"""Run the load test: a fresh PostgreSQL database with a synthetic district,
gunicorn with production settings, Locust headless against it, then the figures
and a check that every accepted write is in the database.

    python -m loadtest.run [--users 120] [--duration 120s] [--spawn-rate 3]

Only ever against this machine: DATABASE_URL (default
postgres://tandem_ci:tandem_ci@127.0.0.1:5432/tandem_load) must name a loopback
host, and the site is served on 127.0.0.1. Exits non-zero if a threshold is missed.
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DATABASE_URL = "postgres://tandem_ci:tandem_ci@127.0.0.1:5432/tandem_load"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SCALE = "0.1"  # about 200 pairs: enough people for 120 signed-in users, with some to spare


def say(message: str) -> None:
    print(f"[loadtest] {message}", flush=True)


def loopback_only(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK and not host.startswith("127."):
        raise SystemExit(f"The load test only targets this machine, not {host!r}.")


def drop_database(url: str, *, create: bool = False) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = sql.Identifier(parts.path.lstrip("/"))
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        if create:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def environment(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "BASE_URL": "http://127.0.0.1",
        # No TLS terminator here: requests say they came over HTTPS instead.
        "SECURE_SSL_REDIRECT": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True)


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env: dict, port: int, workers: int, log: Path):
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--access-logfile=-",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit(f"gunicorn did not start; see {log}.") from None
                time.sleep(0.3)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def aggregated(stats_csv: Path) -> dict[str, str]:
    with stats_csv.open() as handle:
        return next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=120)
    parser.add_argument("--spawn-rate", type=float, default=3.0, help="Users started a second.")
    parser.add_argument("--duration", default="120s", help="Locust's --run-time, e.g. 60s, 3m.")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes.")
    parser.add_argument("--out", type=Path, help="Folder for the CSV and logs (default: temp).")
    parser.add_argument(
        "--keep-database", action="store_true", help="Leave the database for a look afterwards."
    )
    options = parser.parse_args(argv)
    database_url = os.environ.get("LOADTEST_DATABASE_URL", DEFAULT_DATABASE_URL)
    loopback_only(database_url)
    try:
        return run(options, database_url)
    finally:
        if not options.keep_database:
            # Nothing left behind that would keep CI from dropping its role next time.
            drop_database(database_url)


def run(options: argparse.Namespace, database_url: str) -> int:
    out = options.out or Path(tempfile.mkdtemp(prefix="tandem-loadtest-"))
    out.mkdir(parents=True, exist_ok=True)
    env = environment(database_url)

    say(f"Fresh database {urlsplit(database_url).path.lstrip('/')} with a synthetic district.")
    drop_database(database_url, create=True)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--noinput", "-v0")
    # The generator lives in devdata, which production settings leave out.
    manage(
        {**env, "DJANGO_SETTINGS_MODULE": "bench.settings"}, "generate_district", f"--scale={SCALE}"
    )

    os.environ.update(env)
    import django

    django.setup()
    from django.db import connections

    from loadtest import scenario

    plan_path, writes_path = out / "plan.json", out / "accepted.jsonl"
    scenario.write_plan(plan_path, options.users)
    connections.close_all()

    port = free_port()
    host = f"http://127.0.0.1:{port}"
    say(
        f"{options.users} users, {options.spawn_rate:g} started a second, for "
        f"{options.duration}, against gunicorn ({options.workers} workers) on {host}."
    )
    with gunicorn(env, port, options.workers, out / "gunicorn.log"):
        locust = subprocess.run(
            [
                str(BIN / "locust"),
                "--locustfile=loadtest/locustfile.py",
                "--headless",
                "--only-summary",
                f"--host={host}",
                f"--users={options.users}",
                f"--spawn-rate={options.spawn_rate}",
                f"--run-time={options.duration}",
                f"--csv={out / 'locust'}",
                "--stop-timeout=10",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "LOADTEST_PLAN": str(plan_path),
                "LOADTEST_WRITES": str(writes_path),
            },
        )

    row = aggregated(out / "locust_stats.csv")
    requests, failures = int(row["Request Count"]), int(row["Failure Count"])
    p95, p99 = float(row["95%"]), float(row["99%"])
    error_rate = failures / max(requests, 1)
    writes = scenario.accepted_writes(writes_path)
    missing = scenario.missing_writes(plan_path, writes_path)
    print()
    print("Load test figures")
    print(f"  requests          {requests} ({float(row['Requests/s']):.1f}/s)")
    print(f"  median            {float(row['Median Response Time']):.0f} ms")
    print(f"  p95               {p95:.0f} ms   (limit 500 ms)")
    print(f"  p99               {p99:.0f} ms   (limit 1500 ms)")
    print(f"  errors            {failures} ({error_rate:.3%}; limit 0.1%)")
    print(f"  accepted writes   {len(writes)}, missing from the database: {len(missing)}")
    for line in missing[:20]:
        print(f"    missing: {line}")
    print(f"  details           {out}")
    passed = (
        locust.returncode == 0
        and p95 < 500
        and p99 < 1500
        and error_rate < 0.001
        and not missing
        and writes
    )
    print("PASSED" if passed else "FAILED")
    connections.close_all()
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
