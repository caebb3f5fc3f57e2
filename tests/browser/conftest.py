"""Playwright driving Debian's Chromium against pytest-django's live server.

Nothing is downloaded: Chromium comes from the system (``apt-get install
chromium``). Without it these tests skip with one line saying so, except under
CI, where a missing browser fails the run. A failing test leaves a screenshot
and the page's HTML of every page it opened in ``test-artifacts/`` for reading.

These tests share a worker with the rest of the suite (``pytest -n 2 --dist
loadfile``), so they leave it as they found it: Playwright runs one module at a
time (``browser``), and the database is put back as the migrations made it after
each module (``leave_the_database_as_migrated``).
"""

from __future__ import annotations

import os
import re
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from playwright.sync_api import expect, sync_playwright

from tests.browser.helpers import LAPTOP, PHONE
from tests.browser.preflight import INSTALL_HINT, find_chromium
from tests.browser.scenario import load_world

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", "test-artifacts"))
# Flags that keep Chromium off the network it cannot reach and quiet in a container.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# Playwright's assertions wait as long as its actions do: a loaded CI machine is slow.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(config, items):
    unsafe = []
    for item in items:
        if "tests/browser/" not in str(item.fspath).replace(os.sep, "/"):
            continue
        item.add_marker(pytest.mark.browser)
        mark = item.get_closest_marker("django_db")
        if "live_server" in item.fixturenames and not (
            mark and mark.kwargs.get("transaction") and mark.kwargs.get("serialized_rollback")
        ):
            unsafe.append(item.nodeid)
    if unsafe:
        # Without them the live server sees no data, or the flush after the test
        # deletes the migrations' home page and groups for every test after it.
        raise pytest.UsageError(
            "Browser tests need pytest.mark.django_db(transaction=True, "
            "serialized_rollback=True): " + ", ".join(unsafe)
        )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        message = f"Chromium not found: install it with `{INSTALL_HINT}`."
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


@contextmanager
def django_beside_playwright():
    """Let the test's own ORM calls run while Playwright's sync API is active.

    Between its calls, Playwright leaves its event loop marked as running in the
    test thread. Django then takes the ORM calls for async code: it refuses them
    (unless DJANGO_ALLOW_ASYNC_UNSAFE is set; they are synchronous and safe here),
    and its connection handler (an asgiref thread-critical Local) looks up a second,
    async-only set of connections, without the test database's serialized contents,
    so ``serialized_rollback`` would neither restore the migrations' data nor keep
    the flush from emitting ``post_migrate``. Both are undone on the way out, so the
    rest of the suite (and ``manage.py check --deploy`` run by it) never sees them.
    """
    storage = getattr(connections._connections, "_storage", None)
    if not isinstance(storage, threading.local):
        raise RuntimeError("asgiref's Local changed: revisit django_beside_playwright().")
    saved_env = os.environ.get(ASYNC_UNSAFE)
    had_store, async_store = hasattr(storage, "cvar"), getattr(storage, "cvar", None)
    os.environ[ASYNC_UNSAFE] = "true"
    storage.cvar = storage  # the async lookup finds the thread's own connections
    try:
        yield
    finally:
        if had_store:
            storage.cvar = async_store
        else:
            del storage.cvar
        if saved_env is None:
            del os.environ[ASYNC_UNSAFE]
        else:
            os.environ[ASYNC_UNSAFE] = saved_env


# One Playwright per test module, not per session: while it runs, its loop counts as
# running in this thread, and the other test files this worker runs must not see that.
@pytest.fixture(scope="module")
def browser(chromium_path):
    with sync_playwright() as playwright, django_beside_playwright():
        browser = playwright.chromium.launch(
            executable_path=chromium_path, args=LAUNCH_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, live_server, request):
    """Open browser contexts (separate cookie jars: separate people) on the live server."""
    contexts = []

    def open_context(**options):
        context = browser.new_context(base_url=live_server.url, **(options or LAPTOP))
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield open_context

    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        save_artifacts(request.node.name, contexts)
    for context in contexts:
        context.close()


def save_artifacts(test_name: str, contexts) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", test_name)
    for c, context in enumerate(contexts):
        for p, page in enumerate(context.pages):
            name = f"{stem}-{c}-{p}"
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
                (ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
            except Exception as error:  # noqa: BLE001 - a closed page must not hide the failure
                (ARTIFACTS / f"{name}.txt").write_text(f"Could not save: {error}")


@pytest.fixture
def signed_in(new_context, live_server):
    """A new browser context already signed in as ``user``: for tests about a page,
    not about signing in (the journeys sign in by typing)."""

    def open_signed_in(user, **options):
        client = Client()
        client.force_login(user)
        context = new_context(**(options or LAPTOP))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
        return context

    return open_signed_in


@pytest.fixture
def world():
    """The shipped curriculum and the demo district (``tests.browser.scenario``).

    Needs the module's ``django_db(transaction=True, serialized_rollback=True)``
    mark: the live server reads committed rows, and the rollback restores the
    home page, groups and locale the migrations made.
    """
    return load_world()


@pytest.fixture
def page(new_context):
    return new_context(**LAPTOP).new_page()


@pytest.fixture
def phone_page(new_context):
    return new_context(**PHONE).new_page()
