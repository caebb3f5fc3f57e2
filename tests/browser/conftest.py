"""Playwright driving Debian's Chromium against pytest-django's live server.

Nothing is downloaded: Chromium comes from the system (``apt-get install
chromium``). Without it these tests skip with one line saying so, except under
CI, where a missing browser fails the run. A failing test leaves a screenshot
and the page's HTML in ``test-artifacts/`` for reading.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser.preflight import INSTALL_HINT, find_chromium

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

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
PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


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


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
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
def page(new_context):
    return new_context(**LAPTOP).new_page()


@pytest.fixture
def phone_page(new_context):
    return new_context(**PHONE).new_page()
