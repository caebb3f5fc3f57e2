"""In-process measurements of one synthetic district (run by ``bench.run``).

    DATABASE_URL=... DJANGO_SETTINGS_MODULE=bench.settings python -m bench.measure --out F

Each page is requested through Django's test client as the person who uses it:
a few warm-up requests, one under ``CaptureQueriesContext`` for the query count,
then the timed repetitions (without capturing, which would slow them). The
subjects come from the district's first school, which ``generate_district``
builds identically at every scale, so scale 1 and scale 5 show the same pages.

The check-ins page is also measured with a page of notes written to be slow to
render (``bench.slow_notes``), added for the measurement and removed after it:
with their renders cached (warm), and with them removed from the cache before
each request (cold).
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import math
import statistics
import time
import traceback
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import URLResolver, get_resolver, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.admin.views.reports import ReportView  # noqa: E402
from wagtail.models import Locale  # noqa: E402

from accounts import roles  # noqa: E402
from bench.slow_notes import slow_notes  # noqa: E402
from content import markdown  # noqa: E402
from content.markdown import UNFORMATTED, cache_key, render_markdown  # noqa: E402
from courses.grading import FIELD_PREFIX, questions_from_quiz  # noqa: E402
from courses.models import CoursePage, ModulePage, ModuleProgress  # noqa: E402
from courses.recording import new_form_token  # noqa: E402
from hours.models import HoursRules, PersonnelRecord  # noqa: E402
from hours.rules import shipped_rules  # noqa: E402
from pairs.models import Pair, School  # noqa: E402
from workspace.models import CheckIn, FidelityCheck, Measure, MeasureDay, PairAction  # noqa: E402
from workspace.waiting import waiting_count  # noqa: E402

# Crashes are reported in the results; their tracebacks would bury the progress lines.
logging.getLogger("django.request").setLevel(logging.CRITICAL)

# Slow pages get fewer repetitions (never fewer than the floor) so a run stays bounded.
TIME_BUDGET_S = 60
MIN_REPS = 5
EXPORT_TIME_BUDGET_S = 90


def bounded_reps(reps: int, seconds_each: float, budget: float, floor: int) -> int:
    return max(floor, min(reps, int(budget / max(seconds_each, 1e-6))))


# Reports of these apps are measured; Wagtail's own (locked pages, site history…) are not.
OWN_APPS = ("accounts.", "pairs.", "courses.", "workspace.", "hours.", "reporting.", "privacy.")


@dataclass
class Measurement:
    label: str
    url: str
    queries: int | None = None
    median_ms: float | None = None
    p95_ms: float | None = None
    # CPU time of this process: on a shared machine wall time also counts waiting for a core.
    cpu_median_ms: float | None = None
    reps: int = 0
    error: str | None = None
    extra: dict = field(default_factory=dict)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def consume(response) -> int:
    """Read the whole body (a streamed export is produced only as it is read)."""
    if response.streaming:
        size = sum(len(chunk) for chunk in response.streaming_content)
    else:
        size = len(response.content)
    response.close()
    return size


def describe(error: Exception) -> str:
    """The error and the last line of Tandem's own code it went through."""
    own = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.startswith(str(settings.BASE_DIR)) and "/.venv/" not in frame.filename
    ]
    where = (
        f" at {Path(own[-1].filename).relative_to(settings.BASE_DIR)}:{own[-1].lineno}"
        if own
        else ""
    )
    return f"{type(error).__name__}: {error}{where}"[:300]


def failing_softly(function):
    """A page that crashes is reported as such, and the other measurements go on."""

    def wrapper(label: str, url: str, *args, **kwargs) -> Measurement:
        try:
            return function(label, url, *args, **kwargs)
        except Exception as error:  # noqa: BLE001 - whatever broke, report it and go on
            return Measurement(label, url, error=describe(error))

    return wrapper


def timed(send: Callable, reps: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of ``reps`` requests, each read to its end."""
    wall, cpu = [], []
    for _ in range(reps):
        started, started_cpu = time.perf_counter(), time.process_time()
        consume(send())
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def summarize(result: Measurement, wall: list[float], cpu: list[float]) -> None:
    result.median_ms = round(statistics.median(wall), 2)
    result.p95_ms = round(percentile(wall, 0.95), 2)
    result.cpu_median_ms = round(statistics.median(cpu), 2)
    result.reps = len(wall)


def count_queries(client: Client, send: Callable) -> int:
    """Queries of one request in the steady state. A staff session records its
    last activity at most once a minute (accounts.middleware), which a long
    export would trigger; a trivial request just before keeps it out of the count.
    (Not /healthz: it is answered before the session middleware.)"""
    client.get(reverse("robots_txt"))
    with CaptureQueriesContext(connection) as queries:
        consume(send())
    return len(queries)


@failing_softly
def measure(
    label: str, url: str, client: Client, send: Callable, expect: int, reps: int, warmup: int
) -> Measurement:
    result = Measurement(label, url)
    for _ in range(warmup):
        started = time.perf_counter()
        response = send()
        consume(response)
        seconds = time.perf_counter() - started
        if response.status_code != expect:
            location = response.get("Location", "")
            result.error = f"answered {response.status_code} {location}".strip()
            return result
    result.queries = count_queries(client, send)
    summarize(result, *timed(send, bounded_reps(reps, seconds, TIME_BUDGET_S, MIN_REPS)))
    return result


@failing_softly
def measure_export(label: str, url: str, client: Client, reps: int) -> Measurement:
    """Time the whole streamed CSV, then read it once more under tracemalloc for
    the peak memory it took (tracing slows Python down, so it is not timed)."""
    result = Measurement(label, url)
    started = time.perf_counter()
    response = client.get(url)
    if response.status_code != 200:
        result.error = f"answered {response.status_code}"
        return result
    size = consume(response)
    seconds = time.perf_counter() - started
    result.queries = count_queries(client, lambda: client.get(url))
    reps = bounded_reps(reps, seconds, EXPORT_TIME_BUDGET_S, 1)
    summarize(result, *timed(lambda: client.get(url), reps))
    tracemalloc.start()
    tracemalloc.reset_peak()
    response = client.get(url)
    rows = -1  # the heading line
    for chunk in response.streaming_content if response.streaming else [response.content]:
        rows += chunk.count(b"\n")
    response.close()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    result.extra = {
        "rows": rows,
        "bytes": size,
        "peak_memory_mib": round(peak / 2**20, 2),
        "streamed": response.streaming,
    }
    return result


@failing_softly
def measure_cold(label: str, url: str, client: Client, forget: Callable, reps: int) -> Measurement:
    """Each request after ``forget`` has emptied the cache of what the page shows.
    The queries are not counted: how many renders fit in the page's render budget,
    and so how many are written to the cache, depends on the machine."""
    result = Measurement(label, url)
    forget()
    consume(client.get(url))  # the page's templates compiled, as in a running site
    wall, cpu, formatted = [], [], []
    for _ in range(reps):
        forget()
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        page = response.content.decode()
        response.close()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        if response.status_code != 200:
            result.error = f"answered {response.status_code}"
            return result
        formatted.append(page.count('class="prose"') - page.count(str(UNFORMATTED)))
    summarize(result, wall, cpu)
    result.extra = {"notes_formatted_median": statistics.median(formatted)}
    return result


@failing_softly
def measure_call(label: str, call: Callable, reps: int, warmup: int) -> Measurement:
    """A function a page calls, on its own: its queries and its time."""
    result = Measurement(label, "")
    for _ in range(warmup):
        call()
    with CaptureQueriesContext(connection) as queries:
        call()
    result.queries = len(queries)
    wall, cpu = [], []
    for _ in range(reps):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    summarize(result, wall, cpu)
    return result


# What to measure ------------------------------------------------------------------


def spanish_module(module: ModulePage) -> ModulePage | None:
    """The module's Spanish translation, where the curriculum has one."""
    locale = Locale.objects.filter(language_code="es").first()
    translation = locale and module.get_translation_or_none(locale)
    return translation if translation and translation.live else None


@contextmanager
def language(person, code: str) -> Iterator[None]:
    """``person`` reads the site in ``code`` (their account's choice) meanwhile."""
    before = person.language
    type(person).objects.filter(pk=person.pk).update(language=code)
    try:
        yield
    finally:
        type(person).objects.filter(pk=person.pk).update(language=before)


@contextmanager
def slow_check_ins(pair: Pair) -> Iterator[list[str]]:
    """A page of check-ins (``workspace.views.PER_PAGE``) whose notes are slow to
    render, logged today by the pair's para, so they are the page's newest."""
    notes = slow_notes()
    created = CheckIn.objects.bulk_create(
        CheckIn(pair=pair, author=pair.para, happened_on=timezone.localdate(), minutes=5, note=n)
        for n in notes
    )
    try:
        yield notes
    finally:
        CheckIn.objects.filter(pk__in=[check_in.pk for check_in in created]).delete()


@contextmanager
def a_year_of_data(pair: Pair) -> Iterator[None]:
    """A school year on the pair page: two check-ins a week (one a planning meeting),
    three actions keeping a measure every school day, and the teacher's look at each
    every week. Removed afterwards, with everything that hangs off the actions."""
    today = timezone.localdate()
    days = [today - datetime.timedelta(days=n) for n in range(365)]
    school_days = [day for day in days if day.weekday() < 5]
    actions = PairAction.objects.bulk_create(
        PairAction(
            pair=pair,
            text=f"Bench strategy {n}: offer the break card before the transition.",
            planned_for=today - datetime.timedelta(days=n),
            look_fors=["Cue first.", "Wait five seconds.", "Praise the try."],
        )
        for n in range(3)
    )
    measures = Measure.objects.bulk_create(
        Measure(action=action, kind=Measure.Kind.COUNT, what="used the break card", student="J.M.")
        for action in actions
    )
    MeasureDay.objects.bulk_create(
        MeasureDay(measure=measure, day=day, value=(day.toordinal() + n) % 6, recorded_by=pair.para)
        for n, measure in enumerate(measures)
        for day in school_days
    )
    FidelityCheck.objects.bulk_create(
        FidelityCheck(
            action=action,
            observer=pair.teacher,
            seen=[0, 2] if week % 2 else [0, 1, 2],
            total=3,
            feedback="Calm cue.",
            at=timezone.now() - datetime.timedelta(weeks=week),
        )
        for action in actions
        for week in range(52)
    )
    check_ins = CheckIn.objects.bulk_create(
        CheckIn(
            pair=pair,
            author=pair.para,
            kind=CheckIn.Kind.PLANNING if day.weekday() == 0 else CheckIn.Kind.CHECK_IN,
            happened_on=day,
            minutes=20 if day.weekday() == 0 else 5,
            note="Agreed on the cue.",
        )
        for day in school_days
        if day.weekday() in (0, 3)
    )
    try:
        yield
    finally:
        CheckIn.objects.filter(pk__in=[check_in.pk for check_in in check_ins]).delete()
        PairAction.objects.filter(pk__in=[action.pk for action in actions]).delete()


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    url: str


def own_reports() -> list[Report]:
    """Every admin ``ReportView`` of Tandem's apps, found in the URLconf, so a report
    added later is measured without touching the benchmark."""
    found = []

    def walk(patterns, namespaces):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    [*namespaces, pattern.namespace] if pattern.namespace else namespaces,
                )
                continue
            view_class = getattr(pattern.callback, "view_class", None)
            if (
                view_class is None
                or not issubclass(view_class, ReportView)
                or not view_class.__module__.startswith(OWN_APPS)
                or pattern.callback.view_initkwargs.get("results_only")
                or pattern.pattern.regex.groups
                or not pattern.name
            ):
                continue
            name = ":".join([*namespaces, pattern.name])
            found.append(Report(name, str(view_class.page_title), reverse(name)))

    walk(get_resolver().url_patterns, [])
    return found


@dataclass(frozen=True)
class Subjects:
    para: object
    pair: Pair
    module: ModulePage
    district_admin: object


def subjects() -> Subjects:
    """The first active pair of the first school, its para, and the para's next module."""
    school = School.objects.order_by("pk").first()
    pair = Pair.objects.filter(school=school).active().order_by("pk").select_related("para").first()
    course = CoursePage.objects.live().exclude(audience="administrators").order_by("path").first()
    modules = list(ModulePage.objects.live().child_of(course).order_by("path"))
    done = set(
        ModuleProgress.objects.filter(user=pair.para, completed_at__isnull=False).values_list(
            "module_id", flat=True
        )
    )
    module = next((module for module in modules if module.pk not in done), modules[-1])
    district_admin = (
        get_user_model()
        .objects.filter(groups__name=roles.DISTRICT_ADMINISTRATORS)
        .order_by("pk")
        .first()
    )
    return Subjects(pair.para, pair, module, district_admin)


def quiz_post(module: ModulePage) -> tuple[str, Callable[[Client], object]]:
    """A correct, complete quiz submission with a fresh form token each time."""
    questions = questions_from_quiz(module.quiz)
    answers = {f"{FIELD_PREFIX}{q.id}": sorted(q.correct_ids) for q in questions}
    url = module.url + module.reverse_subpage("quiz")

    def send(client: Client):
        return client.post(url, {"module": module.pk, "form_token": new_form_token(), **answers})

    return url, send


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def follow_every_rule() -> None:
    """The district follows every shipped PD-hours rule, and each para has a hire date
    and a registration start, so the compliance report computes every standing."""
    HoursRules.objects.update_or_create(pk=1, defaults={"rules": list(shipped_rules())})
    paras = get_user_model().objects.filter(role=roles.LearnerRole.PARA)
    PersonnelRecord.objects.bulk_create(
        [
            PersonnelRecord(
                person_id=pk,
                hired_on=joined.date(),
                registration_starts_on=joined.date().replace(day=1),
            )
            for pk, joined in paras.values_list("pk", "date_joined")
        ],
        ignore_conflicts=True,
    )


def run(reps: int, warmup: int, export_reps: int) -> dict:
    follow_every_rule()
    who = subjects()
    para = signed_in(who.para)
    admin = signed_in(who.district_admin)
    pages: dict[str, Measurement] = {}

    def page(key, label, client, url, expect=200):
        pages[key] = measure(label, url, client, lambda: client.get(url), expect, reps, warmup)
        print(f"  {label}: {pages[key].median_ms} ms, {pages[key].queries} queries", flush=True)

    # The trivial view as the issue measures it, and as the served figures request
    # it: a visitor's, every middleware and no query. Signed in, the session and the
    # person are read first (two queries), as on every page a person opens.
    page("trivial", "Trivial view (/robots.txt, every middleware)", Client(), reverse("robots_txt"))
    page("trivial_signed_in", "Trivial view, signed in", para, reverse("robots_txt"))
    pages["waiting_count"] = measure_call(
        "What waits on me: the count", lambda: waiting_count(who.para), reps, warmup
    )
    page("my_learning", "My learning", para, reverse("my_learning"))
    page("module_page", "Module page", para, who.module.url)
    spanish = spanish_module(who.module)
    if spanish is not None:
        with language(who.para, "es"):
            page("module_page_es", "Module page in Spanish", para, spanish.url)
    page("my_pairs", "My pairs, with what waits on me", para, reverse("my_pairs"))
    page("my_hours", "My hours", para, reverse("hours:mine"))
    page("pair_page", "Pair page", para, reverse("pair_detail", args=[who.pair.pk]))
    page(
        "pair_courses",
        "Pair's courses, side by side",
        para,
        reverse("pair_courses", args=[who.pair.pk]),
    )
    with a_year_of_data(who.pair):
        page(
            "pair_page_year",
            "Pair page, a year of measures and check-ins",
            para,
            reverse("pair_detail", args=[who.pair.pk]),
        )
    check_ins = reverse("check_ins", args=[who.pair.pk])
    with slow_check_ins(who.pair) as notes:
        keys = [cache_key(note) for note in notes]

        def forget() -> None:
            cache.delete_many(keys)
            markdown.recent.clear()

        label = "Check-ins, 25 slow notes, cold cache"
        pages["check_ins_slow_cold"] = measure_cold(label, check_ins, para, forget, reps)
        cold = pages["check_ins_slow_cold"]
        formatted = cold.extra.get("notes_formatted_median")
        print(f"  {label}: {cold.median_ms} ms, {formatted} of 25 formatted", flush=True)
        for note in notes:
            render_markdown(note)  # outside a request: no budget, cached at once
        page("check_ins_slow_warm", "Check-ins, 25 slow notes, warm cache", para, check_ins)
    reports = own_reports()
    for report in reports:
        page(f"report:{report.name}", f"Report: {report.title} (page 1)", admin, report.url)
    exports = {}
    for report in reports:
        label = f"CSV export: {report.title}"
        exports[f"export:{report.name}"] = measure_export(
            label, f"{report.url}?export=csv", admin, export_reps
        )
        print(f"  {label}: {exports[f'export:{report.name}'].median_ms} ms", flush=True)
    # Last: every submission records an attempt (and the first may complete the module).
    url, send = quiz_post(who.module)
    pages["quiz_submit"] = measure(
        "Quiz submission", url, para, lambda: send(para), 302, reps, warmup
    )
    print(f"  Quiz submission: {pages['quiz_submit'].median_ms} ms", flush=True)

    # For the served part: a signed-in para's session, made the way a log-in makes it.
    served_client = signed_in(who.para)
    return {
        "subjects": {
            "para": who.para.username,
            "pair": who.pair.pk,
            "module": who.module.title,
            "district_admin": who.district_admin.username,
        },
        "pages": {key: asdict(value) for key, value in pages.items()},
        "exports": {key: asdict(value) for key, value in exports.items()},
        "served": {
            "cookie": f"{settings.SESSION_COOKIE_NAME}="
            f"{served_client.cookies[settings.SESSION_COOKIE_NAME].value}",
            "urls": {
                "trivial": reverse("robots_txt"),
                "health_check": reverse("healthz"),
                "module_page": who.module.url,
                "my_learning": reverse("my_learning"),
            },
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--export-reps", type=int, default=3)
    args = parser.parse_args()
    results = run(args.reps, args.warmup, args.export_reps)
    with open(args.out, "w") as out:
        json.dump(results, out, indent=2)


if __name__ == "__main__":
    main()
