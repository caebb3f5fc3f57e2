"""One set of records for the security tests: two schools, three pairs with
workspace records each, every role, and a course with a quiz.

Every pair's records carry a marker naming the pair (``SECRET-OWN``,
``SECRET-SAME``, ``SECRET-FAR``) so a test can assert that another pair's words
never reach a response. ``build_world`` is called once per test module inside a
transaction the module rolls back (``module_world``).
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import time_machine
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client

from accounts import roles
from courses.models import Assignment, Certificate
from courses.recording import new_form_token, submit_quiz
from tests.clock import START, TODAY
from tests.factories import PairFactory, ParaFactory, SchoolFactory, UserFactory, school_admin_for
from tests.page_factories import make_course
from workspace.models import CheckIn, PairAction, WeeklyPlan
from workspace.plans import monday_of

ROLES = (
    "anonymous",
    "para",
    "teacher",
    "school_admin",
    "district_admin",
    "editor",
    "superuser",
    "deactivated",
)
# Whose record a URL names, seen from the para and teacher of the "own" pair and
# the administrator of their school.
CASES = ("own", "same_school", "other_school")
MARKERS = {"own": "SECRET-OWN", "same_school": "SECRET-SAME", "other_school": "SECRET-FAR"}


@dataclass
class PairRecords:
    pair: object
    action: PairAction
    plan: WeeklyPlan
    check_in: CheckIn
    attempt: object
    certificate: Certificate
    assignment: Assignment

    @property
    def para(self):
        return self.pair.para

    @property
    def school(self):
        return self.pair.school


@dataclass
class World:
    school: object
    other_school: object
    course: object
    module: object
    users: dict[str, object]
    records: dict[str, PairRecords] = field(default_factory=dict)

    def user(self, role: str):
        return self.users.get(role)


def _pair_records(pair, case: str, module, course, admin) -> PairRecords:
    marker = MARKERS[case]
    pair.started_on = TODAY - datetime.timedelta(days=70)
    pair.save()
    pair.para.first_name = f"Para{marker}"
    pair.para.last_name = f"Lastname-{marker}"
    pair.para.email = f"{marker.lower()}@example.org"
    pair.para.save()
    action = PairAction.objects.create(
        pair=pair,
        module=module,
        text=f"Try the visual schedule {marker}",
        records_data=True,
        planned_for=TODAY,
        note=f"Note about J.K. {marker}",
        outcome=PairAction.Outcome.choices[0][0],
        added_by=pair.teacher,
    )
    plan = WeeklyPlan.objects.create(
        pair=pair,
        week_of=monday_of(TODAY),
        students="J.K.",
        priority_goals=f"Goals {marker}",
        strategies=f"Strategies {marker}",
        updated_by=pair.teacher,
    )
    check_in = CheckIn.objects.create(
        pair=pair,
        author=pair.para,
        happened_on=TODAY,
        minutes=15,
        note=f"Check-in note {marker}",
    )
    answers = {block.id: ["0"] for block in module.quiz}
    try:
        attempt = submit_quiz(pair.para, module, answers, new_form_token()).attempt
    except Exception:  # noqa: BLE001 - any shape the grader refuses: make the row directly
        from courses.models import QuizAttempt

        attempt = QuizAttempt.objects.create(
            user=pair.para,
            module=module,
            revision=module.live_revision,
            answers={},
            score=0,
            passed=False,
            form_token=new_form_token(),
        )
    certificate = Certificate.objects.create(
        user=pair.para,
        course=course,
        recipient_name=str(pair.para),
        course_title=course.title,
        hours="1.00",
    )
    assignment = Assignment.objects.create(
        user=pair.para,
        page=course,
        due_on=TODAY + datetime.timedelta(days=7),
        note=f"Assignment note {marker}",
        assigned_by=admin,
    )
    return PairRecords(pair, action, plan, check_in, attempt, certificate, assignment)


def build_world() -> World:
    school, other_school = SchoolFactory(name="Maple"), SchoolFactory(name="Riverside")
    course = make_course("Stronger Together", modules=1)
    module = course.modules().first().specific
    pair = PairFactory(school=school)
    other_pair = PairFactory(school=school)
    far_pair = PairFactory(school=other_school)
    deactivated = ParaFactory(username="gone.para", is_active=False)
    school.members.add(deactivated)
    users = {
        "anonymous": None,
        "para": pair.para,
        "teacher": pair.teacher,
        "school_admin": school_admin_for(school, username="maple.admin"),
        "district_admin": UserFactory(
            username="district.admin", groups=[roles.DISTRICT_ADMINISTRATORS]
        ),
        "editor": UserFactory(username="pdlead", groups=[roles.EDITORS]),
        "superuser": UserFactory(username="root", is_superuser=True, is_staff=True),
        "deactivated": deactivated,
    }
    school_admin_for(other_school, username="riverside.admin")
    world = World(school, other_school, course, module, users)
    for case, each in zip(CASES, (pair, other_pair, far_pair), strict=True):
        world.records[case] = _pair_records(each, case, module, course, users["district_admin"])
    return world


def world_for_module(django_db_blocker):
    """For a module-scoped ``world`` fixture: one world per test module. The module's
    tests need ``pytest.mark.django_db`` (their own transactions nest inside this one
    and undo what each test writes)."""
    # Module-scoped, so built before each test's clock is set: it gets its own.
    with time_machine.travel(START), module_world(django_db_blocker) as built:
        built.clients = {role: client_for(built.user(role)) for role in ROLES}
        yield built


@contextmanager
def module_world(django_db_blocker):
    """Build the world once, inside a transaction rolled back when the module ends."""
    with django_db_blocker.unblock():
        name = str(connection.settings_dict["NAME"])
        if "memory" not in name and not name.rsplit("/", 1)[-1].startswith("test"):
            raise RuntimeError("Not on a test database: mark the module with django_db.")
        with transaction.atomic():
            yield build_world()
            transaction.set_rollback(True)


def client_for(user) -> Client:
    # A 500 is an answer to classify, not an exception to stop the table at.
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


@contextmanager
def undone(client: Client):
    """Whatever a request writes is rolled back, and the client keeps its session
    (a POST to log out must not sign it out for the next request)."""
    saved = {key: morsel.copy() for key, morsel in client.cookies.items()}
    cache.clear()
    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        client.cookies = SimpleCookie()
        for key, morsel in saved.items():
            client.cookies[key] = morsel
