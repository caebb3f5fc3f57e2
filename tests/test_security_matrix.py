"""The permission matrix: every URL pattern of the project (Wagtail's admin included,
plus the course and module pages' own routes), for every role, every ownership case,
GET and POST, against the one table in ``tests/security_matrix.py``.

A URL pattern missing from the table fails, so a new URL cannot be forgotten; an
answer the table does not name fails, and so does any 5xx. Every request runs in
a transaction that is rolled back, so one set of records serves the whole module.

The school administrator's answers are read as well as classified: none may name
anything of the other school (``security_world.FOREIGN``), whatever its status, and
neither may the CSV and XLSX exports of any screen that has them. That covers
every screen that lists records (indexes, reports, choosers, histories, usage,
searches, the admin API), Wagtail's own included.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RoutePattern
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from pairs.bulk_actions import ScopedBulkAction
from tests import security_matrix as matrix
from tests.security_world import CASES, FOREIGN, ROLES, TODAY, undone, world_for_module
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


def walk(patterns, route: str = "", namespace: str = "", outer: tuple[str, ...] = ()):
    """Every URL pattern under ``patterns``, depth first, with its full route and
    every named parameter on the way to it (allauth's passkey and OpenID Connect
    routes name theirs in the include)."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            named, _positional = _params(entry.pattern)
            yield from walk(entry.url_patterns, route + str(entry.pattern), inner, outer + named)
        elif isinstance(entry, URLPattern):
            full = route + str(entry.pattern)
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            params, positional = _params(entry.pattern)
            yield Pattern(name or full, full, outer + params, positional, bool(name))


def project_patterns() -> list[Pattern]:
    seen, found = set(), []
    for pattern in walk(get_resolver().url_patterns):
        if (pattern.key, pattern.params) not in seen:
            seen.add((pattern.key, pattern.params))
            found.append(pattern)
    return found


def scoped_bulk_actions() -> dict[str, tuple[str, str, str]]:
    """Each of the district screens' bulk actions, by its table key
    (``bulk:app_label.model_name.action``): Wagtail serves them all through one
    pattern, and each holds its own scoping rule, so each is checked on its own."""
    bulk_action_registry.get_bulk_actions_for_model("", "")  # reads the hooks once
    return {
        f"bulk:{app_label}.{model_name}.{action_type}": (app_label, model_name, action_type)
        for app_label, models in bulk_action_registry.actions.items()
        for model_name, actions in models.items()
        for action_type, action in actions.items()
        if issubclass(action, ScopedBulkAction)
    }


PATTERNS = project_patterns()
# Wagtail serves pages through one pattern; their routes are checked one by one.
PAGE_ROUTES = ("page:home", "page:course", "page:module", *matrix.MODULE_ROUTES)
BULK_ACTIONS = scoped_bulk_actions()
KEYS = sorted({p.key for p in PATTERNS}) + list(PAGE_ROUTES) + sorted(BULK_ACTIONS)


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
    ("people_setup_link", "pk", "para.pk"),
    ("schools:", "pk", "school.pk"),
    ("assignments:", "pk", "assignment.pk"),
    ("privacy:person", "pk", "para.pk"),
    ("drilldowns:person", "pk", "para.pk"),
    ("drilldowns:pair", "pk", "pair.pk"),
    ("hours:statement", "pk", "para.pk"),
    ("hours:confirm_check_in", "pk", "check_in.pk"),
    ("privacy:erase", "pk", "para.pk"),
    ("privacy:pair_access", "pk", "pair.pk"),
    ("wagtailusers_users:", "pk", "para.pk"),
    ("wagtailadmin_editing_sessions:ping", "object_id", "pair.pk"),
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
    if key == "wagtailadmin_editing_sessions:ping" and param in {"app_label", "model_name"}:
        return {"app_label": "pairs", "model_name": "pair"}[param]
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
    if key.startswith("job_aid") and param == "slug":
        return "role-card"
    if key.startswith("staff:") and param == "pk":
        # A staff account: the school administrator's, which only a district
        # administrator manages.
        return world.user("school_admin").pk
    if param in {"uidb64", "uidb36", "token", "key"}:
        return "abc"
    return 1


# Patterns whose regex groups are positional.
POSITIONAL_ARGS = {"wagtail_serve": ["missing-page/"], "wagtaildocs_serve": [1, "x.pdf"]}


# The record a bulk action's ``id`` names, by its model.
BULK_RECORDS = {"assignment": "assignment.pk", "pair": "pair.pk", "user": "para.pk"}


def url_for(pattern: Pattern, world, case: str | None) -> str:
    if pattern.key.startswith("page:"):
        return page_url(pattern.key, world, case)
    if pattern.key in BULK_ACTIONS:
        app_label, model_name, action_type = BULK_ACTIONS[pattern.key]
        record = _attr(world.records[case], BULK_RECORDS[model_name])
        url = reverse("wagtail_bulk_action", args=[app_label, model_name, action_type])
        return f"{url}?id={record}"
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
    if pattern.key == "page:module:quiz_result" or pattern.key in BULK_ACTIONS:
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


# Reading what a school administrator is shown ----------------------------------------

# Whose answers are read: an administrator of the first school, who must be shown
# nothing of the other.
READER = "school_admin"
EXPORTS = ("csv", "xlsx")


def text_of(response) -> str:
    """All a response says, lower-cased; an XLSX export is read from its XML parts."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            body = b" ".join(book.read(name) for name in book.namelist() if name.endswith(".xml"))
    return body.decode("utf-8", "replace").lower()


def foreign_in(response) -> list[str]:
    text = text_of(response)
    return [name for name in FOREIGN if name.lower() in text]


def exports(url: str) -> list[str]:
    """The URL's CSV and XLSX exports, if its view has them (Wagtail's reports and
    indexes, and the project's, answer ``?export=`` through SpreadsheetExportMixin)."""
    view_class = getattr(resolve(url.split("?", 1)[0]).func, "view_class", None)
    if view_class is None or not issubclass(view_class, SpreadsheetExportMixin):
        return []
    return [f"{url}{'&' if '?' in url else '?'}export={kind}" for kind in EXPORTS]


# The test ----------------------------------------------------------------------------


def answers_for(pattern: Pattern, world) -> tuple[dict[tuple[str, str, str | None], str], list]:
    """What each role is answered, and what the school administrator is shown of the
    other school (in any answer, and in the URL's exports)."""
    got, shown = {}, []
    for role in ROLES:
        client = world.clients[role]
        for case in cases_for(pattern):
            url = url_for(pattern, world, case)
            for method in METHODS:
                with undone(client):
                    response = client.generic(method, url)
                    # Read inside the transaction: an export streams from the database.
                    if role == READER and (found := foreign_in(response)):
                        shown.append(f"{method} {url} ({case}): {found}")
                got[(method, role, case)] = classify(response)
            if role == READER and not pattern.key.startswith("page:"):
                for export in exports(url):
                    with undone(client):
                        response = client.get(export)
                        found = foreign_in(response)
                    if found or response.status_code >= 500:
                        shown.append(f"GET {export} ({case}): {response.status_code} {found}")
    return got, shown


def pattern_named(key: str) -> Pattern:
    if key in PAGE_ROUTES or key in BULK_ACTIONS:
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
    got, shown = answers_for(pattern, world)
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
    assert shown == [], f"{key} shows {READER} the other school's records:\n" + "\n".join(shown)


# The content check has something to find ---------------------------------------------

# Screens where the other school's records are there to be shown: to those who may see
# them, they are. (Without this, a world that lost its records would pass the check.)
SHOWN_TO_THOSE_WHO_MAY = [
    ("district_admin", "wagtailadmin_reports:site_history", ""),
    ("district_admin", "wagtailadmin_reports:site_history", "export=csv"),
    ("district_admin", "wagtailadmin_reports:site_history", "export=xlsx"),
    ("district_admin", "wagtailadmin_reports:site_history_results", ""),
    ("district_admin", "pairs:index", ""),
    ("district_admin", "people:index", ""),
    ("district_admin", "assignments:index", ""),
    ("superuser", "wagtailimages_chooser:choose", ""),
    ("superuser", "wagtaildocs_chooser:choose", ""),
    ("superuser", "wagtailadmin_api:images:listing", ""),
    ("superuser", "wagtailadmin_api:documents:listing", ""),
]


@pytest.mark.parametrize("role, name, query", SHOWN_TO_THOSE_WHO_MAY)
def test_the_other_schools_records_are_there_to_be_found(world, role, name, query):
    client = world.clients[role]
    with undone(client):
        response = client.get(f"{reverse(name)}?{query}")
        found = foreign_in(response)
    assert response.status_code == HTTPStatus.OK
    assert found, f"{name} shows {role} nothing of the other school"


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
