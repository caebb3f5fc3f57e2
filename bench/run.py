"""``make bench``: build synthetic districts, measure them, print one table.

For each scale (1 and 5 unless told otherwise) it builds a throw-away database
with ``generate_district`` (a SQLite file under bench/, or a separate PostgreSQL
database ``tandem_bench_<scale>`` when ``DATABASE_URL`` is set), measures pages,
reports and exports in-process (``bench.measure``), then serves the district with
gunicorn under production settings on 127.0.0.1 and loads it with wrk. The
table compares the scales side by side against the performance targets; the
same figures go to bench/results.json.

    .venv/bin/python -m bench.run [--scales 1 5] [--keep] [--reuse] [--no-served]
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
SERVED_MIN_RATIO = 0.04
# An export whose memory held every row would need about 5 times as much at scale 5.
FLAT_MEMORY_FACTOR = 1.5
FLAT_MEMORY_SLACK_MIB = 2.0


@dataclass(frozen=True)
class Target:
    median_ms: float
    queries: int | None = None


# In-process targets, checked on the largest scale's median.
TARGETS = {
    "module_page": Target(20, queries=20),
    "my_learning": Target(30),
    "pair_page": Target(30),
}
REPORT_TARGET = Target(100)
EXPORT_TARGET = Target(10_000)


def target_for(key: str) -> Target | None:
    if key.startswith("report:"):
        return REPORT_TARGET
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
    }


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


def bench_database(scale: float, keep: bool, reuse: bool):
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return postgres_database(url, scale, keep, reuse)
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
                if get_status(port, subject["urls"]["health_check"]) == 200:
                    break
            time.sleep(0.5)
        else:
            log.seek(0)
            raise RuntimeError(f"gunicorn did not answer /healthz within 30 s:\n{log.read()}")
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
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


# Report -------------------------------------------------------------------------


def fmt_ms(value: float | None, unit: str = "") -> str:
    """Milliseconds as the table shows them; a second or more in seconds."""
    if value is None:
        return "-"
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.1f}{unit}"


def checks(results: dict, scales: list[float]) -> list[dict]:
    """Each target, met or missed, with the figures that decide it. ``timing``
    marks the targets on speed, which depend on the machine; the others (errors,
    query counts, memory) hold anywhere."""
    first, last = (results[f"{scale:g}"] for scale in (scales[0], scales[-1]))
    found = []

    def check(what: str, ok: bool, detail: str, timing: bool = False) -> None:
        found.append({"what": what, "ok": bool(ok), "detail": detail, "timing": timing})

    if "1" in results and results["1"]["build"]["seconds"] is not None:
        seconds = results["1"]["build"]["seconds"]
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
                same = first_value.get("queries") == last_value["queries"]
                check(
                    f"{label}: queries",
                    same,
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
        served = results[f"{scale:g}"].get("served") or {}
        for key, value in served.items():
            if "error" in value:
                check(f"Served {key}, scale {scale:g}", False, f"{value['path']} {value['error']}")
        module = served.get("module_page", {})
        if module.get("ratio") is not None:
            check(
                f"Served module page, scale {scale:g}",
                module["ratio"] >= SERVED_MIN_RATIO,
                f"{module['rps']} req/s = {module['ratio']:.1%} of the trivial view (target ≥ 4%)",
                timing=True,
            )
    return found


def cells(*values) -> str:
    return "".join(f"{value:>11}" for value in values) + "  "


def page_cells(value: dict | None) -> str:
    if not value or value["error"]:
        return cells("error" if value else "-", "", "", "")
    return cells(
        "-" if value["queries"] is None else value["queries"],
        fmt_ms(value["median_ms"]),
        fmt_ms(value["p95_ms"]),
        fmt_ms(value["cpu_median_ms"]),
    )


def export_cells(value: dict | None) -> str:
    if not value or value["error"]:
        return cells("error" if value else "-", "", "", "")
    extra = value["extra"]
    return cells(
        extra["rows"],
        fmt_ms(value["median_ms"]),
        fmt_ms(value["cpu_median_ms"]),
        extra["peak_memory_mib"],
    )


def served_cells(value: dict | None) -> str:
    if not value:
        return cells("", "", "skipped", "")
    if "rps" not in value:
        return cells("", "", "error", "")
    return cells("", "", value["rps"], f"{value.get('ratio', 0):.1%}")


def build_cells(build: dict) -> str:
    seconds = f"{build['seconds']} s" if build["seconds"] is not None else "reused"
    return cells("", "", seconds, f"{sum(build['rows'].values()):,}")


def table(results: dict, scales: list[float]) -> str:
    """Both scales side by side: one block of three columns per scale."""
    runs = [results[f"{scale:g}"] for scale in scales]
    lines = [f"{'':44}" + "".join(f"{'scale ' + format(scale, 'g'):^46}" for scale in scales)]

    def section(title: str, headings: tuple[str, ...], rows: dict, render) -> None:
        lines.append(f"{title:44}" + cells(*headings) * len(scales))
        for key, label in rows.items():
            lines.append(f"{label[:43]:44}" + "".join(render(run, key) for run in runs))

    def labels(group: str) -> dict:
        return {
            key: value["label"] for run in runs for key, value in run["measured"][group].items()
        }

    section(
        "In-process, ms",
        ("queries", "median", "p95", "CPU median"),
        labels("pages"),
        lambda run, key: page_cells(run["measured"]["pages"].get(key)),
    )
    section(
        "Full CSV exports, ms",
        ("rows", "median", "CPU median", "peak MiB"),
        labels("exports"),
        lambda run, key: export_cells(run["measured"]["exports"].get(key)),
    )
    section(
        "Served: gunicorn, 2 workers (medians of rounds)",
        ("", "", "req/s", "of trivial"),
        {
            "trivial": "Trivial view (/robots.txt)",
            "health_check": "Health check (/healthz, before middleware)",
            "module_page": "Module page",
            "my_learning": "My learning",
        },
        lambda run, key: served_cells((run["served"] or {}).get(key)),
    )
    section(
        "Build: generate_district",
        ("", "", "time", "rows"),
        {"build": "Synthetic district"},
        lambda run, key: build_cells(run["build"]),
    )
    return "\n".join(lines)


def fewer_reps(results: dict, args) -> list[str]:
    """Which slow measurements were repeated fewer times than asked (bench.measure bounds them)."""
    notes = []
    for scale, run in results.items():
        for group, asked in (("pages", args.reps), ("exports", args.export_reps)):
            for value in run["measured"][group].values():
                if not value["error"] and value["reps"] < asked:
                    notes.append(
                        f"  {value['label']} at scale {scale}: {value['reps']} timed runs (slow)."
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
    args = parser.parse_args()

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
        "database": "postgresql"
        if os.environ.get("DATABASE_URL", "").startswith("postgres")
        else "sqlite",
        "scales": results,
    }
    for scale in args.scales:
        with bench_database(scale, args.keep or args.reuse, args.reuse) as (url, reused):
            env = base_env | {"DATABASE_URL": url}
            if reused:
                # A kept database may predate the code's latest migrations.
                manage(env, "migrate", "--noinput", "-v0")
            built = {"seconds": None, "rows": {}} if reused else build(env, scale)
            measured = measure(env, scale, args)
            served = (
                None
                if args.no_served
                else serve(
                    env, scale, measured.pop("served"), args.served_seconds, args.served_rounds
                )
            )
            measured.pop("served", None)
            results[f"{scale:g}"] = {"build": built, "measured": measured, "served": served}
    report["checks"] = checks(results, args.scales)
    RESULTS.write_text(json.dumps(report, indent=2))

    info = report["machine"]
    print()
    print(
        f"Machine: {info['nproc']} CPUs ({info['cpu']}), {info['ram_gib']} GiB RAM, "
        f"load average at start {info['load_average_at_start']}; database: {report['database']}"
    )
    subjects = results[f"{args.scales[-1]:g}"]["measured"]["subjects"]
    print(
        f"As para {subjects['para']} (pair {subjects['pair']}, module {subjects['module']!r}); "
        f"reports as {subjects['district_admin']}, a district administrator."
    )
    print(table(results, args.scales))
    for note in fewer_reps(results, args):
        print(note)
    print()
    # The speed targets are set for SQLite; elsewhere they are reported, like a smoke run's.
    timing_enforced = not args.smoke and report["database"] == "sqlite"
    enforced = [item for item in report["checks"] if timing_enforced or not item["timing"]]
    for item in report["checks"]:
        mark = "ok    " if item["ok"] else "MISSED" if item in enforced else "slow  "
        print(f"{mark} {item['what']}: {item['detail']}")
    print(f"\nFigures written to {RESULTS.relative_to(ROOT)}.")
    if args.smoke:
        print("Smoke run: speed targets reported, not enforced.")
    elif not timing_enforced:
        print("The speed targets are set for SQLite: on this database they are reported only.")
    return 0 if all(item["ok"] for item in enforced) else 1


if __name__ == "__main__":
    sys.exit(main())
