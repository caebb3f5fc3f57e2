"""The demo district that `make run` loads: two schools, their staff and pairs, and
a school year of their work so far (assignments, progress, quiz attempts,
certificates, the pairs' checklists, plans and check-ins), so that every page a
person opens shows a district at work."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import Site

from accounts import roles
from courses.models import Assignment, ModuleProgress
from devdata.synthetic import DistrictBuilder, read_curriculum
from pairs.models import District, Pair, School

DEMO_PASSWORD = "tandem-demo-2026"
DEMO_DOMAIN = "example.org"
DISTRICT_NAME = "Lakeview Unified School District"
PD_SPONSOR = "Office of Special Education"
MAPLE = "Maple Grove Elementary"
RIVERSIDE = "Riverside Middle School"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    role: str = ""
    school: str | None = None
    group: str | None = None
    has_email: bool = True

    @property
    def email(self) -> str:
        return f"{self.username}@{DEMO_DOMAIN}" if self.has_email else ""


P, T = roles.LearnerRole.PARA, roles.LearnerRole.TEACHER
PEOPLE = [
    DemoPerson("district.admin", "Dana", "Whitfield", group=roles.DISTRICT_ADMINISTRATORS),
    DemoPerson("maple.admin", "Marcus", "Lee", school=MAPLE, group=roles.SCHOOL_ADMINISTRATORS),
    DemoPerson(
        "riverside.admin", "Rosa", "Alvarez", school=RIVERSIDE, group=roles.SCHOOL_ADMINISTRATORS
    ),
    # A PD lead without a work email: signs in with the username.
    DemoPerson("pdlead", "Priya", "Nair", group=roles.EDITORS, has_email=False),
    DemoPerson("ana.torres", "Ana", "Torres", T, MAPLE),
    DemoPerson("ben.carter", "Ben", "Carter", T, MAPLE),
    DemoPerson("chloe.kim", "Chloe", "Kim", T, MAPLE),
    DemoPerson("david.osei", "David", "Osei", T, RIVERSIDE),
    DemoPerson("emma.novak", "Emma", "Novak", T, RIVERSIDE),
    DemoPerson("farah.haddad", "Farah", "Haddad", T, RIVERSIDE),
    DemoPerson("gabe.ortiz", "Gabe", "Ortiz", P, MAPLE),
    DemoPerson("hannah.price", "Hannah", "Price", P, MAPLE),
    DemoPerson("ivan.petrov", "Ivan", "Petrov", P, MAPLE),
    DemoPerson("jade.wilson", "Jade", "Wilson", P, MAPLE),
    DemoPerson("kofi.mensah", "Kofi", "Mensah", P, RIVERSIDE),
    DemoPerson("lena.fischer", "Lena", "Fischer", P, RIVERSIDE),
    DemoPerson("mia.santos", "Mia", "Santos", P, RIVERSIDE),
    DemoPerson("noah.green", "Noah", "Green", P, RIVERSIDE),
]
# (school, teacher, para). Gabe works with two teachers.
PAIRS = [
    (MAPLE, "ana.torres", "gabe.ortiz"),
    (MAPLE, "ben.carter", "gabe.ortiz"),
    (MAPLE, "ana.torres", "hannah.price"),
    (MAPLE, "chloe.kim", "ivan.petrov"),
    (MAPLE, "ben.carter", "jade.wilson"),
    (RIVERSIDE, "david.osei", "kofi.mensah"),
    (RIVERSIDE, "emma.novak", "lena.fischer"),
    (RIVERSIDE, "farah.haddad", "mia.santos"),
    (RIVERSIDE, "david.osei", "noah.green"),
]


def serve_default_site_at(address: str) -> None:
    """Point the default Site at ``host:port``: without ``BASE_URL``, links in emails
    and certificates are built from it (``config.links``)."""
    host, colon, port = address.rpartition(":")
    if not colon:
        host, port = address, "80"
    Site.objects.filter(is_default_site=True).update(hostname=host, port=int(port))


@transaction.atomic
def create_demo_district(start_of_year: datetime.date) -> dict[str, int]:
    """Create what is missing; never overwrite what is there (passwords included)."""
    User = get_user_model()
    created = {"schools": 0, "people": 0, "pairs": 0}
    schools = {}
    site = Site.objects.get(is_default_site=True)
    district, _ = District.objects.get_or_create(
        site=site, defaults={"name": DISTRICT_NAME, "pd_sponsor": PD_SPONSOR}
    )
    if not district.name:  # named by nobody yet: the demo names it, and keeps any other name
        district.name, district.pd_sponsor = DISTRICT_NAME, district.pd_sponsor or PD_SPONSOR
        district.save()
    for name in (MAPLE, RIVERSIDE):
        schools[name], was_created = School.objects.get_or_create(name=name)
        created["schools"] += was_created

    users = {}
    for person in PEOPLE:
        user, was_created = User.objects.get_or_create(
            username=person.username,
            defaults={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": person.email,
                "role": person.role,
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created["people"] += 1
        if person.group:
            user.groups.add(Group.objects.get_or_create(name=person.group)[0])
        if person.school and person.group == roles.SCHOOL_ADMINISTRATORS:
            schools[person.school].administrators.add(user)
        elif person.school:
            schools[person.school].members.add(user)
        users[person.username] = user

    for school, teacher, para in PAIRS:
        _, was_created = Pair.objects.get_or_create(
            teacher=users[teacher],
            para=users[para],
            ended_on=None,
            defaults={"school": schools[school], "started_on": start_of_year},
        )
        created["pairs"] += was_created
    return created


# The demo's own random stream: the same history every time it is built.
ACTIVITY_SEED = "tandem-demo"
# Days from the start of the history (16 weeks ago) to each learner's due date.
COURSE_DUE_IN_DAYS = (105, 119, 126, 133, 140, 147)


def demo_has_activity() -> bool:
    usernames = [person.username for person in PEOPLE]
    return (
        Assignment.objects.filter(user__username__in=usernames).exists()
        or ModuleProgress.objects.filter(user__username__in=usernames).exists()
    )


@transaction.atomic
def create_demo_activity() -> Counter[str] | None:
    """The school year so far for the demo's people and pairs, written once.

    Built by the synthetic district's builder (``devdata.synthetic``) from the
    published curriculum, on the demo's own seed. Returns the rows written, or
    None when the demo already has a history (it is never written twice) or no
    curriculum is published yet.
    """
    if demo_has_activity():
        return None
    try:
        curriculum = read_curriculum()
    except LookupError:
        return None
    builder = DistrictBuilder(curriculum, seed=0)
    rng = random.Random(ACTIVITY_SEED)
    User = get_user_model()
    people = {
        user.username: user
        for user in User.objects.filter(username__in=[p.username for p in PEOPLE])
    }
    district_admin = people["district.admin"]
    learners = [people[p.username] for p in PEOPLE if p.role]
    progress = {user.pk: builder.learn(rng, user, curriculum.learners) for user in learners}
    for user in learners:
        # Due dates around today: a few already past, most in the weeks ahead.
        due_in = rng.choice(COURSE_DUE_IN_DAYS)
        builder.assign_course(rng, user, curriculum.learners, district_admin, due_in)
    for person in PEOPLE:
        if person.group == roles.SCHOOL_ADMINISTRATORS and curriculum.leaders:
            admin = people[person.username]
            builder.learn(rng, admin, curriculum.leaders)
            builder.assign_course(
                rng, admin, curriculum.leaders, district_admin, rng.randint(60, 120)
            )
    demo_pairs = Pair.objects.filter(teacher__in=learners, para__in=learners).select_related(
        "teacher", "para"
    )
    for pair in demo_pairs.order_by("pk"):
        builder.pair_activity(rng, pair, progress[pair.teacher_id], progress[pair.para_id])
    builder.writer.flush()
    return builder.writer.counts
