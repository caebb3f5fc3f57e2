"""Faults: the database restarting under load, a database that hangs, the mail
server down, and an email worker killed in the middle of a batch.

The restart test stops and starts the PostgreSQL cluster the tests use, so it
runs only when asked (TANDEM_FAULT_TESTS=1, on PostgreSQL, one process: CI's
last step). The worker test needs PostgreSQL so that a second process sees the
test database; the others run everywhere.
"""

import datetime
import io
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import closing, contextmanager
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from courses.models import Assignment, ReminderLog
from tests.clock import TODAY
from tests.factories import ParaFactory
from tests.page_factories import make_course

ROOT = Path(settings.BASE_DIR)
# Every database test here is transactional (some must be, for other processes to
# see their rows); a plain one after a transactional one would find the tables flushed.
serialized_database = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ON_POSTGRESQL = connection.vendor == "postgresql"
postgresql_only = pytest.mark.skipif(
    not ON_POSTGRESQL, reason="Another process must share the test database: PostgreSQL only."
)


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(**changes) -> str:
    """The URL of the database the tests use (the test database, not the configured one)."""
    db = {**connection.settings_dict, **changes}
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def process_env(**extra) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database_url(), "PYTHONUNBUFFERED": "1"}
    env["DJANGO_SETTINGS_MODULE"] = "tests.fault_settings"
    env.update(extra)
    return env


# A database that hangs ----------------------------------------------------------------


@contextmanager
def hung_server():
    """A port that accepts TCP connections and then never says a word, like a
    database host that is up but stuck."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    try:
        yield server.getsockname()[1]
    finally:
        server.close()


def test_healthz_answers_503_within_five_seconds_when_the_database_hangs():
    """In a fresh process with PostgreSQL settings pointed at a silent port: the
    connect_timeout in settings bounds how long /healthz waits."""
    script = (
        "import time, django; django.setup();"
        "from django.test import RequestFactory; from config.health import healthz;"
        "start = time.monotonic(); response = healthz(RequestFactory().get('/healthz'));"
        "print(response.status_code, round(time.monotonic() - start, 2))"
    )
    with hung_server() as port:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"postgres://nobody:nothing@127.0.0.1:{port}/nowhere",
        }
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 0, result.stderr
    status, seconds = result.stdout.split()
    assert int(status) == HTTPStatus.SERVICE_UNAVAILABLE
    assert float(seconds) < 5
    assert time.monotonic() - started < 30


# PostgreSQL restarting under load ------------------------------------------------------


def cluster_for_port(port: int) -> tuple[str, str]:
    """``(version, name)`` of the local cluster listening on ``port`` (pg_lsclusters)."""
    listing = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True)
    for line in listing.stdout.splitlines():
        version, name, cluster_port, *_ = line.split()
        if int(cluster_port) == port:
            return version, name
    raise LookupError(f"No local PostgreSQL cluster listens on port {port}.")


def pg_ctl(action: str) -> None:
    version, name = cluster_for_port(int(connection.settings_dict["PORT"] or 5432))
    subprocess.run(["pg_ctlcluster", version, name, action], check=True, timeout=60)


def wait_until_accepting(timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    port = str(connection.settings_dict["PORT"] or 5432)
    while time.monotonic() < deadline:
        ready = subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", port])
        if ready.returncode == 0:
            return
        time.sleep(0.2)
    raise TimeoutError("PostgreSQL did not come back.")


@contextmanager
def gunicorn(port: int, log: Path):
    # Errors go to a file: a full pipe nobody reads would stall the workers.
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            "--timeout=30",
            "--graceful-timeout=2",
        ],
        cwd=ROOT,
        env=process_env(),
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def fetch(url: str, cookie: str = "") -> tuple[int, float]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:
        status = 0  # no answer at all
    return status, time.monotonic() - started


class SteadyLoad:
    """Threads that request the given URLs in a loop until stopped, recording
    (start time, path, status, seconds) for every request."""

    def __init__(self, base: str, paths: list[str], cookie: str, threads: int = 4):
        self.base, self.paths, self.cookie = base, paths, cookie
        self.results: list[tuple[float, str, int, float]] = []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(n,)) for n in range(threads)]

    def run(self, number: int) -> None:
        count = number
        while not self.stopping.is_set():
            path = self.paths[count % len(self.paths)]
            started = time.monotonic()
            # A load balancer's probe carries no session; the pages do.
            status, seconds = fetch(self.base + path, "" if path == "/healthz" else self.cookie)
            self.results.append((started, path, status, seconds))
            count += 1
            time.sleep(0.05)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join()

    def between(self, start: float, end: float) -> list[tuple[float, str, int, float]]:
        return [result for result in self.results if start <= result[0] < end]


@pytest.mark.skipif(
    os.environ.get("TANDEM_FAULT_TESTS") != "1" or not ON_POSTGRESQL,
    reason="Stops and starts PostgreSQL: set TANDEM_FAULT_TESTS=1 and use PostgreSQL.",
)
@serialized_database
def test_restarting_postgresql_fails_requests_only_while_it_is_down(district, tmp_path):
    client = Client()
    client.force_login(district.para)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    port = free_port()
    paths = ["/healthz", reverse("my_pairs"), reverse("my_learning")]
    log = tmp_path / "gunicorn.log"
    with gunicorn(port, log), SteadyLoad(f"http://127.0.0.1:{port}", paths, cookie) as load:
        time.sleep(3)
        down_at = time.monotonic()
        pg_ctl("stop")
        stopped_at = time.monotonic()
        time.sleep(4)
        pg_ctl("start")
        wait_until_accepting()
        up_at = time.monotonic()
        time.sleep(6)
        end = time.monotonic()
    connections.close_all()  # this process's own connections died with the server

    before = load.between(0, down_at)
    during = load.between(stopped_at, up_at)
    after = load.between(up_at, end)
    assert before and during and after, log.read_text()
    assert {status for _, _, status, _ in before} == {HTTPStatus.OK}
    assert {status for _, _, status, _ in after} == {HTTPStatus.OK}, log.read_text()
    health_while_down = [(s, t) for _, path, s, t in during if path == "/healthz"]
    assert health_while_down
    # Requests that began just before the stop may still have finished; the
    # rest of the downtime, /healthz says so, quickly.
    assert HTTPStatus.SERVICE_UNAVAILABLE in {status for status, _ in health_while_down}
    for status, seconds in health_while_down:
        assert status in (HTTPStatus.OK, HTTPStatus.SERVICE_UNAVAILABLE)
        assert seconds < 5
    assert fetch(f"http://127.0.0.1:{port}/healthz")[0] in (0, HTTPStatus.OK)  # server gone by now


# The mail server down --------------------------------------------------------------------


@pytest.fixture
def mail_down(settings):
    settings.EMAIL_BACKEND = "tests.fault_support.BrokenEmailBackend"

    def restore():
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    return restore


@pytest.fixture
def course(db):
    return make_course("Stronger Together", modules=1)


def assign_through_the_admin(district, course, due_on) -> object:
    client = Client()
    client.force_login(district.school_admin)
    return client.post(
        reverse("assignments:add"),
        {
            "page": course.pk,
            "due_on": due_on.isoformat(),
            "target": "people",
            "people": [district.para.pk],
        },
    )


def send_reminders(on: datetime.date) -> str:
    out = io.StringIO()
    call_command("send_reminders", "--today", on.isoformat(), stdout=out)
    return out.getvalue()


@serialized_database
def test_with_the_mail_server_down_an_assignment_is_kept_and_reminded_on_the_next_run(
    district, course, mail_down
):
    due = TODAY + datetime.timedelta(days=2)
    response = assign_through_the_admin(district, course, due)

    assert response.status_code == HTTPStatus.FOUND
    assignment = Assignment.objects.get(user=district.para, page=course)
    assert mail.outbox == []
    with pytest.raises(CommandError, match="tried again"):
        send_reminders(TODAY)
    assert not ReminderLog.objects.filter(assignment=assignment).exists()

    mail_down()  # the mail server is back
    send_reminders(TODAY)
    to_para = [m for m in mail.outbox if district.para.email in m.to]
    assert len(to_para) == 2  # the assigned notice that failed, and the due-soon reminder
    assert sum("Due soon" in m.subject for m in to_para) == 1
    send_reminders(TODAY)
    assert len([m for m in mail.outbox if district.para.email in m.to]) == 2


@serialized_database
def test_with_the_mail_server_down_the_assigned_notice_goes_on_the_next_run(
    district, course, mail_down
):
    far = TODAY + datetime.timedelta(days=30)  # not due soon: only the notice is owed
    assign_through_the_admin(district, course, far)
    mail_down()
    send_reminders(TODAY)
    assert [m for m in mail.outbox if district.para.email in m.to]


# An email worker killed mid-batch ------------------------------------------------------------

RECIPIENTS = 12
EMAIL_DELAY = 0.4


def sent_to(directory: Path) -> dict[str, int]:
    """How many messages each address received, from the file backend's files."""
    counts: dict[str, int] = {}
    for path in directory.glob("*.log"):
        for address in re.findall(r"^To: (\S+)$", path.read_text(), re.MULTILINE):
            counts[address] = counts.get(address, 0) + 1
    return counts


def worker(mail_dir: Path, log: Path, *options: str) -> subprocess.Popen:
    command = ["manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval=0.1"]
    return subprocess.Popen(
        [sys.executable, *command, *options],
        cwd=ROOT,
        env=process_env(TANDEM_EMAIL_DIR=str(mail_dir), TANDEM_EMAIL_DELAY=str(EMAIL_DELAY)),
        stdout=subprocess.DEVNULL,
        stderr=log.open("a"),
    )


@postgresql_only
@serialized_database
def test_a_worker_killed_mid_batch_sends_each_email_once_after_restart(tmp_path, clock):
    course = make_course("Stronger Together", modules=1)
    due = TODAY + datetime.timedelta(days=2)
    people = [ParaFactory(email=f"learner{n}@example.org") for n in range(RECIPIENTS)]
    for person in people:
        assignment = Assignment.objects.create(user=person, page=course, due_on=due)
        DBTaskResult.objects.create(
            task_path="courses.tasks.send_reminder",
            args_kwargs={"args": [assignment.pk, "due_soon", due.isoformat()], "kwargs": {}},
            backend_name="default",
            run_after=get_date_max(),
        )

    mail_dir, log = tmp_path / "mail", tmp_path / "worker.txt"
    mail_dir.mkdir()
    first = worker(mail_dir, log)
    deadline = time.monotonic() + 60
    while sum(sent_to(mail_dir).values()) < RECIPIENTS // 3:
        assert first.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.02)
    # Let the last send commit; the kill lands in the next one's send.
    time.sleep(EMAIL_DELAY / 3)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)

    halfway = sent_to(mail_dir)
    assert 0 < sum(halfway.values()) < RECIPIENTS
    assert DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count() == 1

    # The worker ran on the wall clock (it is another process); this test's clock
    # moves to just after the task it left running, so "stale" is judged from there.
    left_running = DBTaskResult.objects.get(status=TaskResultStatus.RUNNING)
    clock.move_to(left_running.started_at + datetime.timedelta(seconds=1))
    call_command("requeue_stale_tasks", "--minutes=0", stdout=io.StringIO())
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists()
    second = worker(mail_dir, log, "--batch")
    assert second.wait(timeout=120) == 0, log.read_text()

    assert sent_to(mail_dir) == {person.email: 1 for person in people}
    assert ReminderLog.objects.count() == RECIPIENTS
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == RECIPIENTS


@serialized_database
def test_only_tasks_running_longer_than_the_limit_are_requeued():
    def task(started_minutes_ago: int) -> DBTaskResult:
        return DBTaskResult.objects.create(
            task_path="courses.tasks.send_reminder",
            args_kwargs={"args": [1, "due_soon", TODAY.isoformat()], "kwargs": {}},
            backend_name="default",
            run_after=get_date_max(),
            status=TaskResultStatus.RUNNING,
            started_at=timezone.now() - datetime.timedelta(minutes=started_minutes_ago),
        )

    stale, busy = task(30), task(2)
    out = io.StringIO()
    call_command("requeue_stale_tasks", "--minutes=15", stdout=out)
    assert "Requeued 1 stale tasks." in out.getvalue()
    stale.refresh_from_db()
    busy.refresh_from_db()
    assert (stale.status, stale.started_at) == (TaskResultStatus.READY, None)
    assert busy.status == TaskResultStatus.RUNNING
