"""The demo district that `make run` loads: two schools, their staff and pairs."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from accounts import roles
from pairs.models import Pair, School

DEMO_PASSWORD = "tandem-demo-2026"
DEMO_DOMAIN = "example.org"
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


@transaction.atomic
def create_demo_district(start_of_year: datetime.date) -> dict[str, int]:
    """Create what is missing; never overwrite what is there (passwords included)."""
    User = get_user_model()
    created = {"schools": 0, "people": 0, "pairs": 0}
    schools = {}
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
