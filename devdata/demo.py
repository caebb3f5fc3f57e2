"""The demo district that `make run` loads: two schools, their staff and pairs, and
a school year of their work so far (assignments, progress, quiz attempts,
certificates, the pairs' checklists, plans and check-ins), so that every page a
person opens shows a district at work."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from accounts import roles
from accounts.roles import PairRole
from courses import recording
from courses.assigning import assign
from courses.grading import Question, questions_from_quiz
from courses.models import (
    Assignment,
    Certificate,
    CoursePage,
    ModulePage,
    ModuleProgress,
    PreCheck,
    QuizAttempt,
    ReminderLog,
)
from courses.prechecks import items_from_precheck, questions_of
from pairs.models import District, Pair, School
from reporting.models import AdminDigest
from reporting.reminders import send_reminders
from workspace.actions import add_module_actions, set_confirmation
from workspace.forms import ActionRecordForm, CheckInForm
from workspace.models import CheckIn, PairAction, WeeklyPlan
from workspace.plans import monday_of, next_school_day, save_plan

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


# A school year of work so far ---------------------------------------------------------
#
# Built through the site's own functions, each run at the moment it would have
# happened (time-machine moves the clock; nothing is written as a raw row):
# assigning, reading and quiz attempts (certificates follow from them), the
# pairs' checklists, weekly plans and check-ins through their functions and
# forms, and the reminders through the reminder run each morning it would have
# gone. The story starts eight weeks before today and is the same every time.

HISTORY_WEEKS = 8
STRONGER_TOGETHER_DUE_IN_DAYS = 28


@dataclass(frozen=True)
class Learner:
    """Where one learner is in the first course: modules complete, and its due date
    in days from today."""

    modules_done: int
    due_in_days: int = STRONGER_TOGETHER_DUE_IN_DAYS
    reading: bool = False  # reading the next module now
    fails_first: int | None = None  # the module whose quiz they failed once first


LEARNERS = {
    "ana.torres": Learner(9),  # complete, certificate
    "hannah.price": Learner(9),  # complete, certificate
    "gabe.ortiz": Learner(4, reading=True, fails_first=1),
    "ben.carter": Learner(3),
    "chloe.kim": Learner(5),
    "ivan.petrov": Learner(1, due_in_days=-10),  # the overdue para
    "jade.wilson": Learner(6, due_in_days=2, reading=True),  # due this week
    "david.osei": Learner(3, due_in_days=35),
    "emma.novak": Learner(6, due_in_days=35),
    "farah.haddad": Learner(2, due_in_days=35),
    "kofi.mensah": Learner(4, due_in_days=35),
    "lena.fischer": Learner(5, due_in_days=35),
    "mia.santos": Learner(2, due_in_days=35),
    "noah.green": Learner(1, due_in_days=35),
}
# The school administrators' course: Marcus has started it.
LEADERS = {"maple.admin": 2, "riverside.admin": 0}
LEADERS_DUE_IN_DAYS = 42
DOING_WELL = ("ana.torres", "hannah.price")  # checks in twice a week, plans every week
GONE_QUIET = ("david.osei", "noah.green")  # nothing since their third week
# Pairs whose latest actions wait on one partner: (teacher, para) -> who has not confirmed.
WAITING_ON = {
    ("ben.carter", "gabe.ortiz"): PairRole.PARA,
    ("chloe.kim", "ivan.petrov"): PairRole.TEACHER,
}
QUIET_AFTER_WEEK = 2
# Pairs who put their latest module's actions on the checklist for tomorrow.
TRYING_TOMORROW = (("ana.torres", "gabe.ortiz"), ("emma.novak", "lena.fischer"))

PLAN_WEEKS = [
    {
        "students": "J.M., K.T.",
        "priority_goals": "Transitions between centers with fewer prompts.",
        "strategies": "First/then card before each change; a two-minute warning.",
        "data_collection": "Tally of prompts at each transition.",
        "communication": "Two-minute huddle on Tuesday and Thursday after lunch.",
    },
    {
        "students": "J.M., R.D.",
        "priority_goals": "Asking for a break with the break card.",
        "strategies": "Model the card, then wait five seconds before prompting.",
        "data_collection": "Count of independent break requests a day.",
        "communication": "Shared notes page; check it at the end of each day.",
    },
    {
        "students": "K.T., L.S.",
        "priority_goals": "Staying with the small group for ten minutes.",
        "strategies": "Seat near the teacher; a visual timer on the table.",
        "data_collection": "Minutes in the group, timed by the para.",
        "communication": "Friday planning meeting, 30 minutes.",
    },
]
DATA_NOTE = "Tried it at three transitions; J.M. needed one prompt instead of three."


def demo_has_activity() -> bool:
    usernames = [person.username for person in PEOPLE]
    return (
        Assignment.objects.filter(user__username__in=usernames).exists()
        or ModuleProgress.objects.filter(user__username__in=usernames).exists()
    )


class History:
    """Runs each step of the story on the day and at the hour it happened."""

    def __init__(self, today: datetime.date):
        self.today = today
        self.now = timezone.now()
        self.start = monday_of(today) - datetime.timedelta(weeks=HISTORY_WEEKS)

    def moment(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        """That time on that day in the site's time zone; never later than now."""
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
        return min(at, self.now - datetime.timedelta(minutes=1))

    def at(self, day: datetime.date, hour: int, minute: int = 0):
        return time_machine.travel(self.moment(day, hour, minute), tick=False)

    def school_day(self, offset_days: int) -> datetime.date:
        """The school day ``offset_days`` after the story's first Monday (or the next one)."""
        return next_school_day(self.start + datetime.timedelta(days=offset_days - 1))

    def days(self, offset: int) -> datetime.date:
        return self.today + datetime.timedelta(days=offset)


def answer_sheet(questions: list[Question], *, right: int) -> dict[str, list[str]]:
    """The right answers to the first ``right`` questions and a wrong choice for the rest."""
    sheet = {}
    for position, question in enumerate(questions):
        wrong = [choice.id for choice in question.choices if not choice.correct]
        if position < right or not wrong:
            sheet[question.id] = sorted(question.correct_ids)
        else:
            sheet[question.id] = wrong[:1]
    return sheet


def answers(module: ModulePage, *, right: bool) -> dict[str, list[str]]:
    """The right answers to every question, or a wrong choice for each."""
    questions = questions_from_quiz(module.quiz)
    return answer_sheet(questions, right=len(questions) if right else 0)


def precheck_answers(module: ModulePage) -> dict[str, list[str]]:
    """A newcomer's pre-check: the first idea known, the others not yet, so the
    by-module report has learning to show."""
    return answer_sheet(questions_of(items_from_precheck(module.precheck)), right=1)


def completion_days(history: History, count: int) -> list[datetime.date]:
    """Days the learner finished each of ``count`` modules, spread over the weeks so far."""
    span = (history.today - history.start).days - 3
    return [
        min(history.school_day(4 + (position * span) // max(count, 1)), history.today)
        for position in range(count)
    ]


def learn(history: History, person, modules: list[ModulePage], learner: Learner) -> list:
    """Read and pass the first ``modules_done`` modules (failing one quiz first, if the
    story says so); start reading the next. Returns the days each was completed."""
    days = completion_days(history, learner.modules_done)
    for position, (module, day) in enumerate(zip(modules, days, strict=False)):
        first_day = day - datetime.timedelta(days=1) if learner.fails_first == position else day
        if module.precheck:
            with history.at(first_day, 15, 0):
                recording.record_precheck(person, module, precheck_answers(module))
        if learner.fails_first == position:
            with history.at(day - datetime.timedelta(days=1), 15, 10):
                recording.record_read(person, module)
                recording.submit_quiz(
                    person, module, answers(module, right=False), recording.new_form_token()
                )
        with history.at(day, 15, 30):
            recording.record_read(person, module)
            recording.submit_quiz(
                person, module, answers(module, right=True), recording.new_form_token()
            )
    if learner.reading and learner.modules_done < len(modules):
        with history.at(history.days(-1), 16):
            ModuleProgress.objects.get_or_create(
                user=person,
                module=modules[learner.modules_done],
                defaults={"started_at": timezone.now()},
            )
    return days


def checklist(history: History, pair: Pair, modules: list[ModulePage], shared_days: list) -> None:
    """Each module both partners finished goes onto the pair's checklist the day the
    second one did, planned for the next school day; both confirm it that day, and
    record what happened where the action asks. The latest module's actions wait on
    one partner in the pairs ``WAITING_ON`` names, and are planned for tomorrow in
    those ``TRYING_TOMORROW`` names."""
    partners = (pair.teacher.username, pair.para.username)
    waiting_role = WAITING_ON.get(partners)
    for position, (module, day) in enumerate(zip(modules, shared_days, strict=False)):
        latest = position == len(shared_days) - 1
        planned_for = next_school_day(day)
        if latest and partners in TRYING_TOMORROW:
            planned_for = next_school_day(history.today)
        with history.at(day, 16):
            add_module_actions(pair, module, planned_for, pair.teacher)
        # Read back: the rows bulk-created there come without their ids on SQLite.
        added = list(pair.actions.filter(module=module).order_by("pk"))
        if planned_for >= history.today:
            continue
        for action in added:
            for role in (PairRole.PARA, PairRole.TEACHER):
                if latest and role == waiting_role:
                    continue
                with history.at(planned_for, 15 if role == PairRole.PARA else 16):
                    set_confirmation(pair.actions.all(), action.pk, role, done=True)
            if action.records_data:
                with history.at(planned_for, 16, 30):
                    form = ActionRecordForm(
                        {"note": DATA_NOTE, "outcome": PairAction.Outcome.HELPED}, instance=action
                    )
                    if form.is_valid():
                        form.save(commit=False).save(update_fields=["note", "outcome"])


def plans_and_check_ins(history: History, pair: Pair) -> None:
    """A plan each Monday and a check-in each Wednesday; a planning meeting every
    other Friday (each Friday for the pair doing well, with a second check-in on
    Tuesdays). The pair that went quiet stops after its third week."""
    doing_well = (pair.teacher.username, pair.para.username) == DOING_WELL
    quiet = (pair.teacher.username, pair.para.username) == GONE_QUIET
    for week in range(HISTORY_WEEKS + 1):
        if quiet and week > QUIET_AFTER_WEEK:
            break
        monday = history.start + datetime.timedelta(weeks=week)
        if monday < pair.started_on:
            continue
        with history.at(monday, 7, 45):
            save_plan(
                pair, monday, PLAN_WEEKS[week % len(PLAN_WEEKS)], based_on=0, user=pair.teacher
            )
        meetings = [(2, CheckIn.Kind.CHECK_IN, 15, pair.para)]
        if doing_well:
            meetings.append((1, CheckIn.Kind.CHECK_IN, 10, pair.teacher))
        if doing_well or week % 2 == 0:
            meetings.append((4, CheckIn.Kind.PLANNING, 40 if doing_well else 30, pair.teacher))
        for weekday, kind, minutes, author in meetings:
            day = monday + datetime.timedelta(days=weekday)
            if day >= history.today:
                continue
            with history.at(day, 15, 45):
                form = CheckInForm(
                    {"kind": kind, "happened_on": day.isoformat(), "minutes": minutes,
                     "note": "Went over the plan for J.M. and agreed the next step."},
                    pair=pair,
                )  # fmt: skip
                if form.is_valid():
                    check_in = form.save(commit=False)
                    check_in.pair, check_in.author = pair, author
                    check_in.save()


def reminder_mornings(history: History) -> list[datetime.date]:
    """Each school morning of the story, when cron runs ``send_reminders``."""
    mornings, day = [], history.start
    while day <= history.today:
        mornings.append(day)
        day = next_school_day(day + datetime.timedelta(days=1))
    return mornings


@transaction.atomic
def create_demo_activity(today: datetime.date | None = None) -> Counter[str] | None:
    """The school year so far for the demo's people and pairs, written once.

    Returns how many of each kind of record the story wrote, or None when the demo
    already has a history (it is never written twice) or no curriculum is
    published yet.
    """
    if demo_has_activity():
        return None
    courses = CoursePage.objects.live().sources().order_by("path")
    course = courses.exclude(audience="administrators").first()
    if course is None:
        return None
    leaders_course = courses.filter(audience="administrators").first()
    history = History(today or timezone.localdate())
    before = record_counts()
    people = get_user_model().objects.in_bulk([p.username for p in PEOPLE], field_name="username")
    district_admin = people["district.admin"]
    modules = list(ModulePage.objects.live().child_of(course).order_by("path").specific())

    # Week one, Monday morning: the district assigns the course, each due on its day.
    by_due: dict[int, list] = defaultdict(list)
    for username, learner in LEARNERS.items():
        by_due[learner.due_in_days].append(people[username])
    with history.at(history.start, 9):
        for due_in, group in sorted(by_due.items()):
            assign(course, group, history.days(due_in), "", district_admin)
        if leaders_course is not None:
            leaders = [people[username] for username in LEADERS]
            assign(leaders_course, leaders, history.days(LEADERS_DUE_IN_DAYS), "", district_admin)

    finished = {
        username: learn(history, people[username], modules, learner)
        for username, learner in LEARNERS.items()
    }
    if leaders_course is not None:
        leader_modules = list(
            ModulePage.objects.live().child_of(leaders_course).order_by("path").specific()
        )
        for username, done in LEADERS.items():
            learn(history, people[username], leader_modules, Learner(done))

    for pair in (
        Pair.objects.filter(teacher__in=people.values(), para__in=people.values())
        .select_related("teacher", "para")
        .order_by("pk")
    ):
        teacher_days, para_days = finished[pair.teacher.username], finished[pair.para.username]
        shared = [max(both) for both in zip(teacher_days, para_days, strict=False)]
        if (pair.teacher.username, pair.para.username) == GONE_QUIET:
            shared = [
                day
                for day in shared
                if day < history.start + datetime.timedelta(weeks=QUIET_AFTER_WEEK + 1)
            ]
        checklist(history, pair, modules, shared)
        plans_and_check_ins(history, pair)

    for morning in reminder_mornings(history):
        with history.at(morning, 6, 30):
            send_reminders(morning)
    return record_counts() - before


COUNTED = (
    Assignment,
    ModuleProgress,
    PreCheck,
    QuizAttempt,
    Certificate,
    PairAction,
    WeeklyPlan,
    CheckIn,
    ReminderLog,
    AdminDigest,
)


def record_counts() -> Counter[str]:
    return Counter({model._meta.label: model.objects.count() for model in COUNTED})
