"""One set of records for the security tests: two schools, three pairs with
workspace records each, every role, and a course with a quiz.

Every pair's records carry a marker naming the pair (``SECRET-OWN``,
``SECRET-SAME``, ``SECRET-FAR``) so a test can assert that another pair's words
never reach a response. So do the entries about them in Wagtail's site history
(the other school's written by its administrator, whose name carries
``SECRET-FAR`` too) and an image and a document an editor uploaded for each.
``build_world`` is called once per test module inside a transaction the module
rolls back (``module_world``).
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import time_machine
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.log_actions import log

from accounts import roles
from courses.assigning import ASSIGN_ACTION
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
# What of the other school no response to the first school's administrator may hold:
# its pair's marker and its name.
FOREIGN = (MARKERS["other_school"], "Riverside")


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
    images: dict[str, object] = field(default_factory=dict)
    documents: dict[str, object] = field(default_factory=dict)

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
    far_admin = school_admin_for(
        other_school, username="riverside.admin", last_name=f"Admin-{MARKERS['other_school']}"
    )
    world = World(school, other_school, course, module, users)
    for case, each in zip(CASES, (pair, other_pair, far_pair), strict=True):
        world.records[case] = _pair_records(each, case, module, course, users["district_admin"])
    admins = {school.pk: users["school_admin"], other_school.pk: far_admin}
    _site_history(world, admins)
    _editors_files(world)
    return world


def _site_history(world: World, admins: dict) -> None:
    """What the admin screens log: each school's administrator editing its pairs and
    people and assigning their work, and the district administrator editing schools."""
    for records in world.records.values():
        by = admins[records.school.pk]
        log(records.pair, "wagtail.edit", user=by)
        log(records.para, "wagtail.edit", user=by)
        log(records.assignment, ASSIGN_ACTION, user=by, data={"due_on": "2026-12-01"})
    for school in (world.school, world.other_school):
        log(school, "wagtail.edit", user=world.user("district_admin"))


def _editors_files(world: World) -> None:
    """An image and a document per pair, uploaded by the editor, named after it."""
    editor = world.user("editor")
    for case, marker in MARKERS.items():
        world.images[case] = get_image_model().objects.create(
            title=f"Visual schedule {marker}",
            file=get_test_image_file(),
            uploaded_by_user=editor,
        )
        world.documents[case] = get_document_model().objects.create(
            title=f"Seating plan {marker}",
            file=ContentFile(b"Seating plan.", name=f"seating-plan-{case}.txt"),
            uploaded_by_user=editor,
        )


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
