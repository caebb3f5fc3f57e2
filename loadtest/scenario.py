"""What the load test's people do, and checking afterwards that every write the
site accepted is in the database. Runs inside Django (``loadtest.run`` sets it up).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from django.db.models import Q
from django.utils import timezone

from accounts.roles import ActionWho, PairRole
from courses.eligibility import courses_meant_for
from courses.models import ModulePage, QuizAttempt
from pairs.models import Pair
from workspace.models import PairAction, WeeklyPlan
from workspace.plans import monday_of


def people(count: int) -> list[dict]:
    """``count`` learners of active pairs (both partners of each), with what they
    read and write: their modules, their pair, and their pair's open actions."""
    today = timezone.localdate()
    pairs = list(
        Pair.objects.active()
        .filter(started_on__lte=today)
        .select_related("teacher", "para")
        .order_by("pk")[: (count + 1) // 2]
    )
    if len(pairs) * 2 < count:
        raise RuntimeError(f"Only {len(pairs) * 2} learners in active pairs; {count} needed.")
    chosen = []
    for pair in pairs:
        for role, user in ((PairRole.PARA, pair.para), (PairRole.TEACHER, pair.teacher)):
            courses = list(courses_meant_for(user))
            modules = [
                module
                for module in ModulePage.objects.live().sources().order_by("path")
                if any(module.path.startswith(course.path) for course in courses)
            ]
            actions = pair.actions.filter(Q(who=ActionWho.TOGETHER) | Q(who=role)).order_by("pk")
            chosen.append(
                {
                    "login": user.username,
                    "role": role,
                    "pair": pair.pk,
                    "modules": [module.url for module in modules],
                    "quizzes": [module.url + "quiz/" for module in modules if module.has_quiz],
                    "actions": list(actions.values_list("pk", flat=True)[:40]),
                }
            )
    return chosen[:count]


def plan_versions() -> dict[str, int]:
    """This week's plan version for each pair (0: none yet), keyed by pair id."""
    monday = monday_of(timezone.localdate())
    return {
        str(pair_id): version
        for pair_id, version in WeeklyPlan.objects.filter(week_of=monday).values_list(
            "pair_id", "version"
        )
    }


def write_plan(path: Path, count: int) -> None:
    path.write_text(json.dumps({"people": people(count), "plan_versions": plan_versions()}))


def accepted_writes(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def missing_writes(plan_path: Path, writes_path: Path) -> list[str]:
    """Every accepted write that the database does not show, described."""
    before = json.loads(plan_path.read_text())["plan_versions"]
    writes = accepted_writes(writes_path)
    missing = []
    saves: Counter[str] = Counter()
    for write in writes:
        kind = write["kind"]
        if kind == "quiz":
            if not QuizAttempt.objects.filter(
                user__username=write["login"], form_token=write["token"]
            ).exists():
                missing.append(f"quiz attempt {write['token']} of {write['login']}")
        elif kind == "confirm":
            field = f"{write['role']}_done_at"
            if not PairAction.objects.filter(pk=write["action"], **{f"{field}__isnull": False}):
                missing.append(f"{write['role']}'s confirmation of action {write['action']}")
        elif kind == "plan":
            saves[str(write["pair"])] += 1
    # Each accepted save moves the week's version on by exactly one, so a save that
    # answered "saved" and was then overwritten unseen shows as a missing version.
    monday = monday_of(timezone.localdate())
    versions = dict(WeeklyPlan.objects.filter(week_of=monday).values_list("pair_id", "version"))
    for pair_id, count in saves.items():
        expected = before.get(pair_id, 0) + count
        if versions.get(int(pair_id), 0) != expected:
            missing.append(
                f"pair {pair_id}: {count} plan saves accepted, version "
                f"{versions.get(int(pair_id), 0)} (expected {expected})"
            )
    return missing
