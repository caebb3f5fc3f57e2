"""The permission matrix: every URL pattern of the project (Wagtail's admin included,
plus the course and module pages' own routes), for every role, every ownership case,
GET and POST, against the one table in ``tests/security_matrix.py``.

A URL pattern missing from the table fails, so a new URL cannot be forgotten; an
answer the table does not name fails, and so does any 5xx. Every request runs in
a transaction that is rolled back, so one set of records serves the whole module.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from tests import security_matrix as matrix
from tests.security_world import CASES, ROLES, TODAY, undone, world_for_module
from workspace.plans import monday_of

# The mark makes pytest-django create the test database; each test's own transaction
# nests inside the module's (``module_world``).
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from world_for_module(django_db_blocker)


METHODS = ("GET", "POST")
# Set TANDEM_MATRIX_RECORD=path to write what each URL answers instead of checking
# (for reviewing a new URL's answers before writing them into the table).
RECORD = os.environ.get("TANDEM_MATRIX_RECORD")


@dataclass(frozen=True)
class Pattern:
    key: str  # the URL name with its namespaces, or the route for unnamed patterns
    route: str
    params: tuple[str, ...]
    positional: int = 0
    named: bool = True


def _params(pattern) -> tuple[tuple[str, ...], int]:
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters), 0
    regex = pattern.regex
    return tuple(regex.groupindex), regex.groups - len(regex.groupindex)


def walk(patterns, route: str = "", namespace: str = ""):
    """Every URL pattern under ``patterns``, depth first, with its full route."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry.url_patterns, route + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            full = route + str(entry.pattern)
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            params, positional = _params(entry.pattern)
            yield Pattern(name or full, full, params, positional, bool(name))


def project_patterns() -> list[Pattern]:
    seen, found = set(), []
    for pattern in walk(get_resolver().url_patterns):
        if (pattern.key, pattern.params) not in seen:
            seen.add((pattern.key, pattern.params))
            found.append(pattern)
    return found


PATTERNS = project_patterns()
# Wagtail serves pages through one pattern; their routes are checked one by one.
PAGE_ROUTES = ("page:home", "page:course", "page:module", *matrix.MODULE_ROUTES)
KEYS = sorted({p.key for p in PATTERNS}) + list(PAGE_ROUTES)


# Filling in URLs ---------------------------------------------------------------------

# Which record a parameter names, for the URLs whose records belong to a pair or person.
OWNED = [
    # (URL name prefix, parameter, what it names in PairRecords)
    ("pair_", "pk", "pair.pk"),
    ("pair_", "action_pk", "action.pk"),
    ("weekly_plan", "pk", "pair.pk"),
    ("check_in", "pk", "pair.pk"),
    ("certificate", "pk", "certificate.pk"),
    ("pairs:", "pk", "pair.pk"),
    ("people:", "pk", "para.pk"),
    ("schools:", "pk", "school.pk"),
    ("assignments:", "pk", "assignment.pk"),
    ("privacy:person", "pk", "para.pk"),
    ("privacy:erase", "pk", "para.pk"),
    ("privacy:pair_access", "pk", "pair.pk"),
    ("wagtailusers_users:", "pk", "para.pk"),
]


def _attr(obj, dotted: str):
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def owned_params(key: str) -> dict[str, str]:
    return {param: path for prefix, param, path in OWNED if key.startswith(prefix)}


def default_value(key: str, param: str, world) -> object:
    """A value for a URL parameter that does not name a pair's or person's record."""
    module = world.module
    if param in {"page_id", "parent_page_id", "page_to_move_id", "page_pk", "destination_id"}:
        return module.pk
    if key.startswith("wagtailadmin_api:pages") and param == "pk":
        return module.pk
    if param in {"revision_id", "revision_id_a", "revision_id_b"}:
        return module.latest_revision_id
    if param in {"content_type_app_name", "app_label", "app_name"}:
        return "wagtailcore" if key == "wagtail_bulk_action" else "courses"
    if param in {"content_type_model_name", "model_name"}:
        return "page" if key == "wagtail_bulk_action" else "modulepage"
    if param == "action":
        return "delete"
    if param == "action_name":
        return "approve"
    if param == "filter_spec":
        return "original"
    if param == "week":
        return monday_of(TODAY).isoformat()
    if param == "code":
        return world.records["own"].certificate.verification_code
    if param in {"uidb64", "uidb36", "token", "key"}:
        return "abc"
    return 1


# Patterns whose regex groups are positional.
POSITIONAL_ARGS = {"wagtail_serve": ["missing-page/"], "wagtaildocs_serve": [1, "x.pdf"]}


def url_for(pattern: Pattern, world, case: str | None) -> str:
    if pattern.key.startswith("page:"):
        return page_url(pattern.key, world, case)
    if not pattern.named:
        return "/" + re.sub(r"[\^$]|\.\*|\(\.\*\)", "", pattern.route).replace("//", "/") + "x/"
    owned = owned_params(pattern.key)
    kwargs = {}
    for param in pattern.params:
        if param in owned and case is not None:
            kwargs[param] = _attr(world.records[case], owned[param])
        else:
            kwargs[param] = default_value(pattern.key, param, world)
    if pattern.positional:
        return reverse(pattern.key, args=POSITIONAL_ARGS[pattern.key])
    return reverse(pattern.key, kwargs=kwargs)


def page_url(key: str, world, case: str | None) -> str:
    module = world.module
    if key == "page:home":
        return "/"
    if key == "page:course":
        return world.course.url
    base = module.url
    if key == "page:module":
        return base
    if key == "page:module:quiz_result":
        return base + module.reverse_subpage("quiz_result", args=[world.records[case].attempt.pk])
    return base + module.reverse_subpage(key.rsplit(":", 1)[1])


def cases_for(pattern: Pattern) -> tuple[str | None, ...]:
    if pattern.key == "page:module:quiz_result":
        return CASES
    if set(owned_params(pattern.key)) & set(pattern.params):
        return CASES
    return (None,)


# Reading answers ---------------------------------------------------------------------

MFA_VIEWS = ("mfa_activate_totp", "mfa_reauthenticate", "mfa_authenticate")


def classify(response) -> str:
    status = response.status_code
    if status >= 500:
        return str(status)
    if 200 <= status < 300:
        return matrix.OK
    if status in (301, 302, 303, 307, 308):
        target = response.headers["Location"].split("?", 1)[0]
        if target.startswith(reverse("account_login")):
            return matrix.REDIRECT_LOGIN
        if any(target == reverse(name) for name in MFA_VIEWS):
            return matrix.REDIRECT_MFA
        if target == reverse("wagtailadmin_home"):
            return matrix.REDIRECT_ADMIN
        return matrix.REDIRECT
    return str(status)


# The test ----------------------------------------------------------------------------


def answers_for(pattern: Pattern, world) -> dict[tuple[str, str, str | None], str]:
    got = {}
    for role in ROLES:
        client = world.clients[role]
        for case in cases_for(pattern):
            url = url_for(pattern, world, case)
            for method in METHODS:
                with undone(client):
                    response = client.generic(method, url)
                got[(method, role, case)] = classify(response)
    return got


def pattern_named(key: str) -> Pattern:
    if key in PAGE_ROUTES:
        return Pattern(key, key, ())
    return next(p for p in PATTERNS if p.key == key)


def test_every_table_entry_matches_some_url():
    """A table entry that names no URL is stale: its URL was renamed or removed."""
    stale = [entry for entry in matrix.EXPECTED if not any(matrix.covers(entry, k) for k in KEYS)]
    assert stale == []


@pytest.mark.parametrize("key", KEYS)
def test_permission_matrix(key, world):
    entry = matrix.entry_for(key)
    assert entry is not None, f"{key} is not in tests/security_matrix.py: add what it answers."
    pattern = pattern_named(key)
    got = answers_for(pattern, world)
    if RECORD:
        with Path(RECORD).open("a") as out:
            out.write(
                json.dumps({"key": key, "got": {"|".join(map(str, k)): v for k, v in got.items()}})
                + "\n"
            )
        return
    wrong = [
        f"{method} as {role}{f' ({case})' if case else ''}: got {answer}, expected "
        f"{matrix.expected(entry, method, role, case)}"
        for (method, role, case), answer in got.items()
        if not matrix.accepts(matrix.expected(entry, method, role, case), answer)
    ]
    assert wrong == [], f"{key}:\n" + "\n".join(wrong)


# Under production settings staff must have MFA -------------------------------------

# Where a staff session without MFA may still go: setting MFA up, away, and the
# load balancer's health check (which shows no records).
MFA_OPEN = {"account_logout", "wagtailadmin_logout", "account_reauthenticate", "healthz"}


def test_staff_without_mfa_reach_only_the_mfa_pages(world, settings):
    """With MFA required, a staff session that has not shown a second factor is sent
    to set it up from every URL of the project, Wagtail's admin included."""
    settings.TANDEM_REQUIRE_STAFF_MFA = True
    wrong = []
    for role in ("school_admin", "district_admin", "editor", "superuser"):
        client = world.clients[role]
        for key in KEYS:
            pattern = pattern_named(key)
            url = url_for(pattern, world, cases_for(pattern)[0])
            with undone(client):
                answer = classify(client.get(url))
            open_to_them = key in MFA_OPEN or key.startswith("mfa_")
            # The log-in pages send a signed-in person on, which is not a page of records.
            if key in {"wagtailadmin_login", "wagtailcore_login"}:
                continue
            if (
                open_to_them
                and answer.startswith("5")
                or (not open_to_them and answer != matrix.REDIRECT_MFA)
            ):
                wrong.append(f"{key} as {role}: {answer}")
    assert wrong == []
