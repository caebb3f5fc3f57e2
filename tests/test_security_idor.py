"""Ids swapped for another school's: every object URL, report filter, export, chooser
and search answers with nothing of theirs, and changes nothing of theirs.

The other school's pair ("other_school" in ``tests.security_world``) carries the
marker ``SECRET-FAR`` in its para's name and email and in every note, plan and
check-in; no response to the Maple para or the Maple administrator may hold it.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from courses.models import Assignment, QuizAttempt
from pairs.models import Pair
from tests.security_world import MARKERS, client_for, world_for_module
from workspace.models import CheckIn, PairAction, WeeklyPlan

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from world_for_module(django_db_blocker)


FAR = MARKERS["other_school"]


def body_of(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def far_leaks(response) -> list[str]:
    body = body_of(response).decode("utf-8", "replace").lower()
    return [marker for marker in (FAR.lower(), "riverside") if marker in body]


def snapshot(world) -> dict:
    """Everything of the other school's pair that a request could change."""
    far = world.records["other_school"]
    return {
        "pair": list(Pair.objects.filter(pk=far.pair.pk).values()),
        "actions": list(PairAction.objects.filter(pair=far.pair).values()),
        "plans": list(WeeklyPlan.objects.filter(pair=far.pair).values()),
        "check_ins": list(CheckIn.objects.filter(pair=far.pair).values()),
        "attempts": list(QuizAttempt.objects.filter(user=far.para).values()),
        "assignments": list(Assignment.objects.filter(user=far.para).values()),
        "para": list(type(far.para).objects.filter(pk=far.para.pk).values()),
    }


def swapped_front_end_urls(world) -> list[tuple[str, str, dict]]:
    """(method, url, data) with the other school's ids, on the para's own pair's URLs."""
    own, far = world.records["own"], world.records["other_school"]
    module = world.module
    mine, theirs = own.pair.pk, far.pair.pk
    urls = []
    for name in (
        "pair_detail",
        "pair_courses",
        "pair_actions",
        "weekly_plan",
        "check_ins",
        "check_in_new",
    ):
        urls.append(("GET", reverse(name, args=[theirs]), {}))
    plan = {"students": "A.B.", "priority_goals": "Hijack.", "version": "1"}
    urls.append(("POST", reverse("weekly_plan", args=[theirs]), plan))
    urls.append(("GET", reverse("weekly_plan_week", args=[theirs, far.plan.week_of]), {}))
    note = {"kind": "check_in", "happened_on": own.check_in.happened_on, "minutes": "5"}
    urls.append(("POST", reverse("check_in_new", args=[theirs]), {**note, "note": "Hijack."}))
    # Their action under my pair's URL, and under theirs.
    for pair_pk in (mine, theirs):
        for name, data in (
            ("pair_action_record", {"note": "Hijack.", "outcome": "helped"}),
            ("pair_action_confirm", {"confirmed": "1"}),
            ("pair_action_undo", {}),
        ):
            url = reverse(name, args=[pair_pk, far.action.pk])
            urls.append(("POST", url, data))
            if name == "pair_action_record":
                urls.append(("GET", url, {}))
    urls.append(
        (
            "POST",
            reverse("pair_action_add", args=[theirs]),
            {"module_id": module.pk, "planned_for": own.action.planned_for},
        )
    )
    urls.append(
        ("GET", module.url + module.reverse_subpage("quiz_result", args=[far.attempt.pk]), {})
    )
    urls.append(("GET", reverse("certificate", args=[far.certificate.pk]), {}))
    urls.append(("GET", reverse("certificate_pdf", args=[far.certificate.pk]), {}))
    return urls


def test_swapped_ids_on_the_front_end_answer_404_and_change_nothing(world):
    before = snapshot(world)
    client = client_for(world.records["own"].para)
    wrong = []
    for method, url, data in swapped_front_end_urls(world):
        response = client.generic(method, url, data) if not data else client.post(url, data)
        if response.status_code != HTTPStatus.NOT_FOUND or far_leaks(response):
            wrong.append(f"{method} {url}: {response.status_code} {far_leaks(response)}")
    assert wrong == []
    assert snapshot(world) == before


def admin_urls_for_the_other_school(world) -> list[tuple[str, str, dict]]:
    far = world.records["other_school"]
    other = world.other_school.pk
    urls = [
        ("GET", reverse("pairs:edit", args=[far.pair.pk]), {}),
        ("POST", reverse("pairs:edit", args=[far.pair.pk]), {"ended_on": "2030-01-01"}),
        ("POST", reverse("pairs:delete", args=[far.pair.pk]), {}),
        ("GET", reverse("pairs:history", args=[far.pair.pk]), {}),
        ("GET", reverse("people:edit", args=[far.para.pk]), {}),
        ("POST", reverse("people:edit", args=[far.para.pk]), {"first_name": "Hijack"}),
        ("GET", reverse("people:history", args=[far.para.pk]), {}),
        ("GET", reverse("schools:inspect", args=[other]), {}),
        ("GET", reverse("assignments:edit", args=[far.assignment.pk]), {}),
        ("POST", reverse("assignments:delete", args=[far.assignment.pk]), {}),
        ("GET", reverse("privacy:person", args=[far.para.pk]), {}),
        ("GET", reverse("privacy:person_json", args=[far.para.pk]), {}),
        ("POST", reverse("privacy:erase", args=[far.para.pk]), {"confirm": far.para.email}),
        ("GET", reverse("pair_detail", args=[far.pair.pk]), {}),
        ("GET", reverse("weekly_plan", args=[far.pair.pk]), {}),
        ("GET", reverse("check_ins", args=[far.pair.pk]), {}),
    ]
    # Reports and their exports, filtered to the other school by hand.
    for name in (
        "course_reports:completion",
        "course_reports:completion_results",
        "course_reports:modules",
        "pair_reports:by_pair",
        "pair_reports:health",
    ):
        for export in ("", "&export=csv", "&export=xlsx"):
            urls.append(("GET", f"{reverse(name)}?school={other}{export}", {}))
    return urls


def test_another_schools_ids_in_the_admin_answer_404_and_change_nothing(world):
    before = snapshot(world)
    client = client_for(world.user("school_admin"))
    wrong = []
    for method, url, data in admin_urls_for_the_other_school(world):
        response = client.generic(method, url) if method == "GET" else client.post(url, data)
        if response.status_code != HTTPStatus.NOT_FOUND or far_leaks(response):
            wrong.append(f"{method} {url}: {response.status_code} {far_leaks(response)}")
    assert wrong == []
    assert snapshot(world) == before


SEARCHES_AND_CHOOSERS = [
    ("pairs:index", "q={q}"),
    ("pairs:index_results", "q={q}"),
    ("people:index", "q={q}"),
    ("people:index_results", "q={q}"),
    ("assignments:index", "q={q}"),
    ("assignments:index_results", "q={q}"),
    ("privacy:people", "q={q}"),
    ("schools:index", "q=Rivers"),
    ("schools:index_results", "q=Rivers"),
    ("course_reports:completion", ""),
    ("course_reports:completion", "export=csv"),
    ("course_reports:modules", "export=csv"),
    ("pair_reports:by_pair", "export=csv"),
    ("pair_reports:health", "export=csv"),
    ("assignments:add", ""),  # the assign form's people, pairs and schools
    ("pairs:add", ""),  # the pair form's schools and people
    ("people:add", ""),  # the person form's schools
    ("wagtailadmin_choose_page_search", "q={q}"),
    ("wagtailadmin_pages:search", "q={q}"),
]
# A search page repeats its query; what it would show of a match is longer than that.
SHOWN_OF_A_MATCH = ("parasecret-{x}", "lastname-secret-{x}", "secret-{x}@example.org", "riverside")


def shown(response, which: str) -> list[str]:
    body = body_of(response).decode("utf-8-sig", "replace").lower()
    markers = [marker.format(x=which) for marker in SHOWN_OF_A_MATCH]
    if which != "far":
        markers.remove("riverside")
    return [marker for marker in markers if marker in body]


@pytest.mark.parametrize("name, query", SEARCHES_AND_CHOOSERS)
@pytest.mark.parametrize("searched", ["secret-far", "secret-far@"])
def test_searches_choosers_and_exports_hold_nothing_of_another_school(world, name, query, searched):
    client = client_for(world.user("school_admin"))
    response = client.get(f"{reverse(name)}?{query.format(q=searched)}")
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    assert shown(response, "far") == []


@pytest.mark.parametrize(
    "name", ["pairs:index_results", "people:index_results", "assignments:index_results"]
)
def test_the_same_searches_find_the_administrators_own_school(world, name):
    """The searches above can fail: the same query finds the own school's para."""
    client = client_for(world.user("school_admin"))
    response = client.get(f"{reverse(name)}?q=secret-own")
    assert shown(response, "own")


def test_the_exports_hold_the_administrators_own_school(world):
    client = client_for(world.user("school_admin"))
    response = client.get(reverse("course_reports:completion") + "?export=csv")
    assert shown(response, "own")
