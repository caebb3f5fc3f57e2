"""``make bench``: build synthetic districts, measure them, print one table.

For each database (SQLite, and PostgreSQL when a server answers: ``DATABASE_URL``
naming it, else ``BENCH_POSTGRES_URL``, else ``DEFAULT_POSTGRES_URL``) and each
scale (1 and 5 unless told otherwise) it builds a throw-away database with
``generate_district`` (a SQLite file under bench/, or a PostgreSQL database
``tandem_bench_<scale>``), measures pages, reports and exports in-process
(``bench.measure``), then serves the district with gunicorn under production
settings on 127.0.0.1 and loads it with wrk. One table shows both databases at
both scales side by side, with the targets (PostgreSQL's, at the largest scale)
met or missed; the same figures go to bench/results.json.

    .venv/bin/python -m bench.run [--scales 1 5] [--databases sqlite postgresql]
                                  [--keep] [--reuse] [--no-served] [--smoke]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
RESULTS = BENCH_DIR / "results.json"
# Requested without the para's session cookie; the others with it.
BASELINES = ("trivial", "health_check")
WRK_MISSING = "wrk is not installed, so served throughput is skipped: sudo apt-get install wrk"

BUILD_SCALE_1_SECONDS = 120
SERVED_MIN_RATIO = 0.05
# An export whose memory held every row would need about 5 times as much at scale 5.
FLAT_MEMORY_FACTOR = 1.5
FLAT_MEMORY_SLACK_MIB = 2.0
# Without DATABASE_URL naming PostgreSQL, the bench looks for it here (CI's server).
DEFAULT_POSTGRES_URL = "postgres://tandem_ci:tandem_ci@127.0.0.1:5432/postgres"


@dataclass(frozen=True)
class Target:
    median_ms: float
    queries: int | None = None

    def __str__(self) -> str:
        limit = fmt_ms(self.median_ms, " ms")
        return f"{limit}, {self.queries} q" if self.queries is not None else limit


# Issue 24's targets, for PostgreSQL (the database districts run) at the largest scale.
TARGETS = {
    "trivial": Target(0.25),
    "waiting_count": Target(2, queries=1),
    "module_page": Target(15, queries=20),
    "my_learning": Target(15),
    "pair_page_year": Target(25),
}
REPORT_TARGETS = {"report:hours_reports:compliance": Target(100)}
REPORT_TARGET = Target(60)
EXPORT_TARGET = Target(10_000)


def target_for(key: str) -> Target | None:
    if key.startswith("report:"):
        return REPORT_TARGETS.get(key, REPORT_TARGET)
    if key.startswith("export:"):
        return EXPORT_TARGET
    return TARGETS.get(key)


# The machine ------------------------------------------------------------------


def machine() -> dict:
    cpu = platform.processor()
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as info:
        cpu = next(
            (line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu
        )
    ram_gib = None
    with contextlib.suppress(OSError), open("/proc/meminfo") as info:
        kib = next(int(line.split()[1]) for line in info if line.startswith("MemTotal"))
        ram_gib = round(kib / 2**20, 1)
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "ram_gib": ram_gib,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
        "python_yardstick_ms": python_yardstick_ms(),
    }


def python_yardstick_ms() -> float:
    """How long this machine takes over a fixed piece of plain Python (building
    strings and looking them up, the stuff of templates and of the ORM), median
    of five runs. Machines of the same name differ: two runs of the benchmark
    compare through this figure as well as through the trivial view."""

    def work() -> int:
        found: dict[int, str] = {}
        for n in range(300_000):
            found[n % 997] = f"{n}:{n % 7}"
        return len("".join(found.values()))

    timings = []
    for _ in range(5):
        started = time.perf_counter()
        work()
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 1)


# Databases ----------------------------------------------------------------------


def scale_slug(scale: float) -> str:
    return f"{scale:g}".replace(".", "_")


@contextlib.contextmanager
def sqlite_database(scale: float, keep: bool, reuse: bool) -> Iterator[tuple[str, bool]]:
    path = BENCH_DIR / f"scale{scale_slug(scale)}.sqlite3"
    exists = reuse and path.exists()
    if not exists:
        path.unlink(missing_ok=True)
    try:
        yield f"sqlite:///{path}", exists
    finally:
        if not keep:
            for leftover in (path, path.with_name(path.name + "-journal")):
                leftover.unlink(missing_ok=True)


@contextlib.contextmanager
def postgres_database(
    url: str, scale: float, keep: bool, reuse: bool
) -> Iterator[tuple[str, bool]]:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = f"tandem_bench_{scale_slug(scale)}"
    connect = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"],
        "password": config["PASSWORD"],
        "dbname": config["NAME"],
        "autocommit": True,
    }
    with psycopg.connect(**connect) as admin:
        exists = (
            reuse
            and admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        )
        if not exists:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}")), bool(exists)
    finally:
        if not keep:
            with psycopg.connect(**connect) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_url() -> str | None:
    """PostgreSQL's maintenance database, if a server answers: DATABASE_URL when it
    names PostgreSQL, else BENCH_POSTGRES_URL or ``DEFAULT_POSTGRES_URL``."""
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        print(f"PostgreSQL is not reachable at {urlsplit(url).netloc}: {error}".strip())
        return None
    return url


def bench_database(database: str, scale: float, keep: bool, reuse: bool, pg_url: str | None):
    if database == "postgresql":
        return postgres_database(pg_url, scale, keep, reuse)
    return sqlite_database(scale, keep, reuse)


# Steps --------------------------------------------------------------------------


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def build(env: dict, scale: float) -> dict:
    print(f"Scale {scale:g}: migrating and building the district…", flush=True)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "createcachetable")
    started = time.perf_counter()
    output = manage(env, "generate_district", "--scale", str(scale))
    seconds = round(time.perf_counter() - started, 1)
    rows = {
        match[1]: int(match[2].replace(",", ""))
        for match in re.finditer(r"^\s+(\S+)\s+([\d,]+)$", output, re.MULTILINE)
    }
    print(f"Scale {scale:g}: built {sum(rows.values()):,} rows in {seconds} s", flush=True)
    return {"seconds": seconds, "rows": rows}


def measure(env: dict, scale: float, args) -> dict:
    print(f"Scale {scale:g}: measuring in-process…", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "measured.json"
        command = [PYTHON, "-m", "bench.measure", "--out", str(out), "--reps", str(args.reps)]
        command += ["--warmup", str(args.warmup), "--export-reps", str(args.export_reps)]
        subprocess.run(command, cwd=ROOT, env=env, check=True)
        return json.loads(out.read_text())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_status(port: int, path: str, cookie: str = "") -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        return connection.getresponse().status
    finally:
        connection.close()


def wrk(port: int, path: str, cookie: str, seconds: int) -> dict:
    command = ["wrk", "-t2", "-c4", f"-d{seconds}s", "--timeout", "5s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    output = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 30, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return {"rps": round(rps, 1), "non_2xx": int(bad[1]) if bad else 0}


@contextlib.contextmanager
def gunicorn(env: dict, health_path: str) -> Iterator[int]:
    """gunicorn with 2 workers under production settings on a free port of
    127.0.0.1: its port, once ``health_path`` answers 200."""
    port = free_port()
    server_env = env | {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
    }
    log = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed below
    command = [GUNICORN, "config.wsgi:application", "--workers", "2", "--no-control-socket"]
    server = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}"], cwd=ROOT, env=server_env, stdout=log, stderr=log
    )
    try:
        for _ in range(60):
            with contextlib.suppress(OSError):
                if get_status(port, health_path) == 200:
                    break
            time.sleep(0.5)
        else:
            log.seek(0)
            raise RuntimeError(f"gunicorn did not answer {health_path} within 30 s:\n{log.read()}")
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def serve(env: dict, scale: float, subject: dict, seconds: int, rounds: int) -> dict | None:
    """Requests per second of a module page and My learning, from gunicorn with 2
    workers under production settings, beside two baselines: the trivial view
    (/robots.txt: URL routing and every middleware, no database) and the health
    check (/healthz: one SELECT 1, answered before any middleware runs).

    Each path is loaded for ``seconds`` in each of ``rounds`` rounds, one after
    the other, and its ratio is taken against the trivial view of the same round:
    a shared machine's speed drifts over a minute, and a page measured long after
    its baseline would carry the drift into its ratio. The medians are reported.
    """
    if not shutil.which("wrk"):
        print(WRK_MISSING, flush=True)
        return None
    print(f"Scale {scale:g}: serving with gunicorn and loading it with wrk…", flush=True)
    with gunicorn(env, subject["urls"]["health_check"]) as port:
        served, loads = {}, {}
        for key, path in subject["urls"].items():
            cookie = "" if key in BASELINES else subject["cookie"]
            status = get_status(port, path, cookie)
            if status != 200:
                served[key] = {"path": path, "error": f"answered {status}"}
                continue
            wrk(port, path, cookie, 2)  # warm up the workers
            loads[key] = (path, cookie)
        runs = {key: [] for key in loads}
        for _ in range(rounds):
            for key, (path, cookie) in loads.items():
                runs[key].append(wrk(port, path, cookie, seconds))
        for key, (path, _cookie) in loads.items():
            served[key] = {
                "path": path,
                "rps": round(statistics.median(run["rps"] for run in runs[key]), 1),
                "non_2xx": sum(run["non_2xx"] for run in runs[key]),
                "rounds": len(runs[key]),
            }
            if "trivial" in runs:
                ratios = [
                    run["rps"] / trivial["rps"]
                    for run, trivial in zip(runs[key], runs["trivial"], strict=True)
                ]
                served[key]["ratio"] = round(statistics.median(ratios), 4)
                served[key]["ratio_by_round"] = [round(ratio, 4) for ratio in ratios]
        return served


# Report -------------------------------------------------------------------------


def fmt_ms(value: float | None, unit: str = "") -> str:
    """Milliseconds as the table shows them; a second or more in seconds."""
    if value is None:
        return "-"
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    return f"{value:.2f}{unit}" if value < 1 else f"{value:.1f}{unit}"


DATABASE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def checks(results: dict, scales: list[float], target_database: str) -> list[dict]:
    """Each target, met or missed, with the figures that decide it, for each database.
    ``timing`` marks the targets on speed, which depend on the machine and are held
    against ``target_database`` (PostgreSQL when it ran); the others (errors, query
    counts, memory) hold on every database."""
    return [
        item
        for database, runs in results.items()
        for item in database_checks(database, runs, scales, database == target_database)
    ]


def database_checks(database: str, runs: dict, scales: list[float], is_target: bool) -> list:
    found = []
    first, last = (runs[f"{scale:g}"] for scale in (scales[0], scales[-1]))
    name = DATABASE_NAMES[database]

    def check(what: str, ok: bool, detail: str, timing: bool = False) -> None:
        found.append(
            {
                "database": database,
                "what": f"{name}: {what}",
                "ok": bool(ok),
                "detail": detail,
                "timing": timing,
                "target_database": is_target,
            }
        )

    if "1" in runs and runs["1"]["build"]["seconds"] is not None:
        seconds = runs["1"]["build"]["seconds"]
        check(
            "Build scale 1",
            seconds < BUILD_SCALE_1_SECONDS,
            f"{seconds} s (target < 120 s)",
            timing=True,
        )
    for group in ("pages", "exports"):
        for key, last_value in last["measured"][group].items():
            label = last_value["label"]
            if last_value["error"]:
                check(label, False, f"error: {last_value['error']}")
                continue
            first_value = first["measured"][group].get(key, {})
            if len(scales) > 1 and last_value["queries"] is not None:
                check(
                    f"{label}: queries",
                    first_value.get("queries") == last_value["queries"],
                    f"{first_value.get('queries')} at scale {scales[0]:g}, "
                    f"{last_value['queries']} at scale {scales[-1]:g}",
                )
            target = target_for(key)
            if target is None:
                continue
            median = last_value["median_ms"]
            check(
                f"{label}: time",
                median <= target.median_ms,
                f"median {fmt_ms(median, ' ms')} at scale {scales[-1]:g}, "
                f"CPU {fmt_ms(last_value['cpu_median_ms'], ' ms')} "
                f"(target {fmt_ms(target.median_ms, ' ms')})",
                timing=True,
            )
            if target.queries is not None:
                check(
                    f"{label}: query count",
                    last_value["queries"] <= target.queries,
                    f"{last_value['queries']} (target at most {target.queries})",
                )
            if group == "exports" and len(scales) > 1 and first_value.get("extra"):
                low = first_value["extra"]["peak_memory_mib"]
                high = last_value["extra"]["peak_memory_mib"]
                check(
                    f"{label}: memory",
                    high <= low * FLAT_MEMORY_FACTOR + FLAT_MEMORY_SLACK_MIB,
                    f"peak {low} MiB at scale {scales[0]:g}, {high} MiB at scale {scales[-1]:g}",
                )
    for scale in scales:
        served = runs[f"{scale:g}"].get("served") or {}
        for key, value in served.items():
            if "error" in value:
                check(f"Served {key}, scale {scale:g}", False, f"{value['path']} {value['error']}")
        module = served.get("module_page", {})
        if module.get("ratio") is not None:
            check(
                f"Served module page, scale {scale:g}",
                module["ratio"] >= SERVED_MIN_RATIO,
                f"{module['rps']} req/s = {module['ratio']:.1%} of the trivial view "
                f"(target ≥ {SERVED_MIN_RATIO:.0%})",
                timing=True,
            )
    return found


def cells(*values, width: int = 11) -> str:
    return "".join(f"{value:>{width}}" for value in values) + "  "


def page_cells(first: dict | None, last: dict | None) -> str:
    """Queries at the first and last scale, then both medians and the last p95."""
    if not last or last["error"]:
        return cells("error" if last else "-", "", "", "")
    queries = "-" if last["queries"] is None else last["queries"]
    if first and not first["error"] and first is not last:
        queries = f"{first['queries']}/{queries}"
    return cells(
        queries,
        fmt_ms(first["median_ms"]) if first and not first["error"] else "-",
        fmt_ms(last["median_ms"]),
        fmt_ms(last["p95_ms"]),
    )


def export_cells(first: dict | None, last: dict | None) -> str:
    if not last or last["error"]:
        return cells("error" if last else "-", "", "", "")
    low = first["extra"]["peak_memory_mib"] if first and first.get("extra") else "-"
    return cells(
        f"{last['extra']['rows']:,}",
        fmt_ms(first["median_ms"]) if first and not first["error"] else "-",
        fmt_ms(last["median_ms"]),
        f"{low}/{last['extra']['peak_memory_mib']}",
    )


def served_cells(first: dict | None, last: dict | None) -> str:
    def rps(value):
        return value.get("rps", "error") if value else "-"

    def ratio(value):
        return f"{value['ratio']:.1%}" if value and value.get("ratio") is not None else ""

    return cells(rps(first), rps(last), ratio(first), ratio(last))


def build_cells(first: dict, last: dict) -> str:
    def seconds(build):
        return f"{build['seconds']} s" if build["seconds"] is not None else "reused"

    return cells("", seconds(first), seconds(last), f"{sum(last['rows'].values()):,}")


def table(results: dict, scales: list[float], target_database: str) -> str:
    """One table: each database's figures at the first and the last scale side by
    side, then the target and whether ``target_database`` met it at the last scale."""
    databases = list(results)
    low, high = f"{scales[0]:g}", f"{scales[-1]:g}"
    block = 46
    lines = [
        f"{'':44}"
        + "".join(f"{DATABASE_NAMES[database]:^{block}}" for database in databases)
        + f"{'target':>14}  met"
    ]

    def verdict(key: str) -> tuple[str, str]:
        target = target_for(key)
        if target is None or target_database not in results:
            return "", ""
        value = results[target_database][high]["measured"]
        value = value["pages"].get(key) or value["exports"].get(key)
        if not value or value["error"]:
            return str(target), "✗"
        ok = value["median_ms"] <= target.median_ms and (
            target.queries is None or value["queries"] <= target.queries
        )
        return str(target), "✓" if ok else "✗"

    def section(title: str, headings: tuple[str, ...], rows: dict, render, judge=None) -> None:
        lines.append(f"{title[:43]:44}" + cells(*headings) * len(databases))
        for key, label in rows.items():
            target, met = judge(key) if judge else ("", "")
            lines.append(
                f"{label[:43]:44}"
                + "".join(
                    render(results[database][low], results[database][high], key)
                    for database in databases
                )
                + f"{target:>14}  {met}"
            )

    def labels(group: str) -> dict:
        return {
            key: value["label"]
            for runs in results.values()
            for run in runs.values()
            for key, value in run["measured"][group].items()
        }

    section(
        "In-process, ms",
        ("queries", f"scale {low}", f"scale {high}", "p95"),
        labels("pages"),
        lambda first, last, key: page_cells(
            first["measured"]["pages"].get(key), last["measured"]["pages"].get(key)
        ),
        verdict,
    )
    section(
        "Full CSV exports",
        ("rows", f"scale {low}", f"scale {high}", "peak MiB"),
        labels("exports"),
        lambda first, last, key: export_cells(
            first["measured"]["exports"].get(key), last["measured"]["exports"].get(key)
        ),
        verdict,
    )

    def served_verdict(key: str) -> tuple[str, str]:
        if key != "module_page" or target_database not in results:
            return "", ""
        ratio = ((results[target_database][high]["served"] or {}).get(key) or {}).get("ratio")
        target = f"≥ {SERVED_MIN_RATIO:.0%} of trivial"
        return target, "" if ratio is None else "✓" if ratio >= SERVED_MIN_RATIO else "✗"

    section(
        "Served, gunicorn 2 workers: req/s",
        (f"scale {low}", f"scale {high}", "of trivial", "of trivial"),
        {
            "trivial": "Trivial view (/robots.txt)",
            "health_check": "Health check (/healthz, before middleware)",
            "module_page": "Module page",
            "my_learning": "My learning",
        },
        lambda first, last, key: served_cells(
            (first["served"] or {}).get(key), (last["served"] or {}).get(key)
        ),
        served_verdict,
    )
    section(
        "Build: generate_district",
        ("", f"scale {low}", f"scale {high}", "rows"),
        {"build": "Synthetic district"},
        lambda first, last, key: build_cells(first["build"], last["build"]),
    )
    return "\n".join(lines)


def fewer_reps(results: dict, args) -> list[str]:
    """Which slow measurements were repeated fewer times than asked (bench.measure bounds them)."""
    notes = []
    for database, runs in results.items():
        for scale, run in runs.items():
            for group, asked in (("pages", args.reps), ("exports", args.export_reps)):
                for value in run["measured"][group].values():
                    if not value["error"] and value["reps"] < asked:
                        notes.append(
                            f"  {value['label']} on {DATABASE_NAMES[database]} at scale "
                            f"{scale}: {value['reps']} timed runs (slow)."
                        )
    return notes


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 5])
    parser.add_argument(
        "--reps", type=int, default=30, help="timed requests per page (fewer for slow pages)"
    )
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--export-reps", type=int, default=3, help="timed runs per full export")
    parser.add_argument(
        "--served-seconds", type=int, default=3, help="load on each path in each round"
    )
    parser.add_argument(
        "--served-rounds",
        type=int,
        default=5,
        help="rounds of loading every path in turn; medians are reported",
    )
    parser.add_argument("--no-served", action="store_true", help="skip gunicorn and wrk")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="check that everything runs (errors, query counts, memory) but report the "
        "speed targets without failing on them: for small scales on a shared machine",
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse kept databases, skip building (each run adds the quiz submissions it timed)",
    )
    parser.add_argument(
        "--databases",
        nargs="+",
        choices=list(DATABASE_NAMES),
        help="by default both, PostgreSQL skipped with a note when no server answers; "
        "named here, a database that cannot be reached fails the run",
    )
    args = parser.parse_args()

    asked = args.databases or list(DATABASE_NAMES)
    pg_url = postgres_url() if "postgresql" in asked else None
    if args.databases and "postgresql" in asked and not pg_url:
        sys.exit("PostgreSQL was asked for and is not reachable.")
    databases = [db for db in asked if db != "postgresql" or pg_url]
    # The targets are PostgreSQL's, the database districts run; SQLite is measured
    # beside it, and against them only when it runs alone.
    target_database = "postgresql" if "postgresql" in databases else databases[0]
    base_env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        # One secret for the in-process run and gunicorn, so the session made in one
        # is valid in the other.
        "SECRET_KEY": secrets.token_urlsafe(50),
    }
    print("Collecting static files (production settings use the manifest)…", flush=True)
    manage(base_env, "collectstatic", "--noinput", "-v0")
    results = {}
    report = {
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "target_database": target_database,
        "databases": results,
    }
    for database in databases:
        runs = results[database] = {}
        for scale in args.scales:
            print(f"== {DATABASE_NAMES[database]}", flush=True)
            with bench_database(database, scale, args.keep or args.reuse, args.reuse, pg_url) as (
                url,
                reused,
            ):
                env = base_env | {"DATABASE_URL": url}
                if reused:
                    # A kept database may predate the code's latest migrations.
                    manage(env, "migrate", "--noinput", "-v0")
                built = {"seconds": None, "rows": {}} if reused else build(env, scale)
                # Taken again before each measurement: a shared machine can change
                # speed within one run.
                yardstick = python_yardstick_ms()
                measured = measure(env, scale, args)
                served_urls = measured.pop("served")
                served = (
                    None
                    if args.no_served
                    else serve(env, scale, served_urls, args.served_seconds, args.served_rounds)
                )
                runs[f"{scale:g}"] = {
                    "build": built,
                    "python_yardstick_ms": yardstick,
                    "measured": measured,
                    "served": served,
                }
    report["machine"]["python_yardstick_ms_at_end"] = python_yardstick_ms()
    report["checks"] = checks(results, args.scales, target_database)
    RESULTS.write_text(json.dumps(report, indent=2))

    info = report["machine"]
    print()
    print(
        f"Machine: {info['nproc']} CPUs ({info['cpu']}), {info['ram_gib']} GiB RAM, "
        f"load average at start {info['load_average_at_start']}, "
        f"Python yardstick {info['python_yardstick_ms']} ms; "
        f"databases: {', '.join(DATABASE_NAMES[database] for database in databases)}"
    )
    before_each = ", ".join(
        f"{DATABASE_NAMES[database]} at scale {scale} {run['python_yardstick_ms']} ms"
        for database in databases
        for scale, run in results[database].items()
    )
    print(
        f"Python yardstick before measuring {before_each}; "
        f"{info['python_yardstick_ms_at_end']} ms at the end"
    )
    subjects = results[databases[-1]][f"{args.scales[-1]:g}"]["measured"]["subjects"]
    print(
        f"As para {subjects['para']} (pair {subjects['pair']}, module {subjects['module']!r}); "
        f"reports as {subjects['district_admin']}, a district administrator. Medians in ms; "
        f"queries at scale {args.scales[0]:g}/{args.scales[-1]:g}; targets and ✓/✗ for "
        f"{DATABASE_NAMES[target_database]} at scale {args.scales[-1]:g}."
    )
    print(table(results, args.scales, target_database))
    for note in fewer_reps(results, args):
        print(note)
    print()
    enforced = [
        item
        for item in report["checks"]
        if not item["timing"] or (item["target_database"] and not args.smoke)
    ]
    for item in report["checks"]:
        mark = "ok    " if item["ok"] else "MISSED" if item in enforced else "slow  "
        print(f"{mark} {item['what']}: {item['detail']}")
    print(f"\nFigures written to {RESULTS.relative_to(ROOT)}.")
    if args.smoke:
        print("Smoke run: speed targets reported, not enforced.")
    elif target_database != "sqlite":
        print("Speed targets are held against PostgreSQL; SQLite's speed is reported beside it.")
    return 0 if all(item["ok"] for item in enforced) else 1


if __name__ == "__main__":
    sys.exit(main())
