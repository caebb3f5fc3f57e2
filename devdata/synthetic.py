"""A synthetic district for measuring Tandem at scale (``manage.py generate_district``).

Scale 1 is about 50 schools, 2,000 pairs and 100,000 progress and attempt rows;
scale N has N times as many of everything. Each school draws from its own seeded
random stream, so the first schools come out identical at every scale and a
benchmark can compare the same person's pages at scale 1 and scale 5.

Rows are built in memory and written with ``bulk_create`` in batches, in one
transaction. Every account shares one precomputed password hash: hashing a
password per person would take longer than building the rest of the district.
"""

from __future__ import annotations

import datetime
import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils import timezone

from accounts import roles
from courses.grading import grade, questions_from_quiz
from courses.models import (
    Assignment,
    Certificate,
    CoursePage,
    FirstTryMisses,
    MissedQuestion,
    ModulePage,
    ModuleProgress,
    ModuleTally,
    QuizAttempt,
)
from pairs.models import Pair, School
from workspace.models import CheckIn, PairAction, WeeklyPlan

SYNTHETIC_PASSWORD = "tandem-bench-2026"
EMAIL_DOMAIN = "district.example.org"

SCHOOLS_AT_SCALE_1 = 50
# School sizes cycle from small to large around 40 pairs, so scale 1 holds about 2,000 pairs.
PAIRS_PER_SCHOOL = (24, 32, 40, 48, 56)
PAIRS_PER_SCHOOL_JITTER = 3
# Most teachers work with one para and some with two; a few paras work with two
# teachers, and a few (floaters, new hires) with none yet.
TEACHERS_PER_PAIR = 0.8
PAIRED_PARAS_PER_PAIR = 0.95
UNPAIRED_PARAS_PER_PAIR = 0.1
ENDED_PAIR_SHARE = 0.04
# The school year so far: the generated activity spreads over these weeks up to today.
WEEKS_SO_FAR = 16

# How much of the course a learner has completed: weights for 0/8, 1/8, … 8/8 of its modules.
COMPLETED_EIGHTHS_WEIGHTS = (4, 4, 5, 7, 9, 11, 13, 15, 32)
NEXT_MODULE_STARTED = 0.75
NEXT_MODULE_READ = 0.6
# Quizzes need 80%, four of five questions: first attempts fail often, some retake to practise.
# The district errs towards heavy quiz use (about three attempts a module) so that scale 1
# holds the 100,000 progress and attempt rows the performance targets were set for.
FAILED_ATTEMPTS_WEIGHTS = (20, 25, 25, 15, 10, 5)
PRACTICE_RETAKE = 0.5
COURSE_ASSIGNED = 0.92
MODULE_ASSIGNED = 0.15
ACTION_TAKEN_UP = 0.85
PLAN_WRITTEN = 0.55
CHECK_INS_A_WEEK = (0, 1, 1, 2)

# fmt: off
FIRST_NAMES = (
    "Ana", "Ben", "Chloe", "David", "Emma", "Farah", "Gabe", "Hannah", "Ivan", "Jade", "Kofi",
    "Lena", "Mia", "Noah", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tara", "Uma", "Victor",
    "Wen", "Xavier", "Yara", "Zoe", "Amir", "Bianca", "Carlos", "Dana",
)
LAST_NAMES = (
    "Torres", "Carter", "Kim", "Osei", "Novak", "Haddad", "Ortiz", "Price", "Petrov", "Wilson",
    "Mensah", "Fischer", "Santos", "Green", "Ali", "Nair", "Brooks", "Alvarez", "Cohen", "Diaz",
    "Evans", "Fox", "Garcia", "Hughes", "Ito", "Jensen", "Khan", "Lopez",
)
PLACES = (
    "Maple Grove", "Riverside", "Oak Hill", "Cedar Park", "Lakeview", "Pine Ridge", "Brookside",
    "Willow Creek", "Hillcrest", "Sunnydale", "Fairview", "Meadowbrook", "Northgate", "Eastwood",
    "Southfield", "Westlake", "Harbor View", "Kingsley", "Elm Street", "Birchwood", "Stonebridge",
    "Clearwater", "Highland", "Valley", "Summit",
)
# fmt: on
SCHOOL_KINDS = ("Elementary", "Middle School", "High School", "Academy")
CUSTOM_ACTIONS = (
    "Swap seats for the reading group so the para can see every student's page.",
    "Agree on one quiet signal for transitions and use it all week.",
    "Meet for five minutes after lunch to look at the behavior data together.",
)
NOTES = (
    "It went better than expected: **two students** used the cue without a prompt.",
    "Hard to fit in on Tuesday; we moved it to Wednesday and it worked.",
    "Not sure yet. We will try it again next week and compare the data.",
)
PLAN_TEXT = {
    "priority_goals": "- Reading fluency: 5 more words a minute\n- Calm transitions",
    "strategies": "Visual schedule at the door; first-then board for the math block.",
    "data_collection": "Para records frequency on the teacher's sheet, every lesson.",
    "communication": "Five minutes after the bell on Monday and Thursday; notes in the log.",
}


class DistrictNotEmpty(Exception):
    """The database already holds schools or pairs: a synthetic district would mix with them."""


# The curriculum, as the generator needs it ------------------------------------


@dataclass(frozen=True)
class AnswerSheet:
    answers: dict[str, list[str]]
    score: float
    passed: bool
    missed: tuple[str, ...]


@dataclass(frozen=True)
class ActionBlock:
    block_id: str
    text: str
    who: str
    records_data: bool


@dataclass(frozen=True)
class Module:
    page_id: int
    revision_id: int | None
    pd_hours: Decimal
    sheets: tuple[AnswerSheet, ...]
    actions: tuple[ActionBlock, ...]

    @property
    def has_quiz(self) -> bool:
        return bool(self.sheets)

    @property
    def passing_sheets(self) -> list[AnswerSheet]:
        return [sheet for sheet in self.sheets if sheet.passed]

    @property
    def failing_sheets(self) -> list[AnswerSheet]:
        return [sheet for sheet in self.sheets if not sheet.passed]


@dataclass(frozen=True)
class Course:
    page_id: int
    title: str
    modules: tuple[Module, ...]

    @property
    def hours(self) -> Decimal:
        return sum((module.pd_hours for module in self.modules), Decimal(0))


@dataclass(frozen=True)
class Curriculum:
    learners: Course
    leaders: Course | None


def answer_sheets(page: ModulePage) -> tuple[AnswerSheet, ...]:
    """One graded answer sheet per number of wrong answers (0, 1, … all), first ones wrong."""
    questions = questions_from_quiz(page.quiz)
    sheets = []
    for wrong in range(len(questions) + 1):
        answers = {}
        for position, question in enumerate(questions):
            if position < wrong:
                others = sorted(question.choice_ids - question.correct_ids)
                if others:
                    answers[question.id] = others[:1]
            else:
                answers[question.id] = sorted(question.correct_ids)
        result = grade(questions, answers)
        missed = tuple(item.question.id for item in result.feedback if not item.correct)
        sheets.append(AnswerSheet(answers, result.score, result.passes(page.pass_mark), missed))
    return tuple(sheets)


def read_course(page: CoursePage) -> Course:
    modules = []
    for module in ModulePage.objects.live().child_of(page).order_by("path"):
        actions = tuple(
            ActionBlock(
                child.id, child.value["text"], child.value["who"], child.value["records_data"]
            )
            for child in module.actions
        )
        modules.append(
            Module(
                module.pk, module.live_revision_id, module.pd_hours, answer_sheets(module), actions
            )
        )
    return Course(page.pk, page.title, tuple(modules))


def read_curriculum() -> Curriculum:
    """The published courses the district works through: the first course for paras and
    teachers, and the first course for administrators if there is one."""
    courses = CoursePage.objects.live().sources().order_by("path")
    learner_page = courses.exclude(audience="administrators").first()
    if learner_page is None:
        raise LookupError("No published course for paras and teachers: load the curriculum first.")
    leader_page = courses.filter(audience="administrators").first()
    return Curriculum(
        learners=read_course(learner_page),
        leaders=read_course(leader_page) if leader_page else None,
    )


# Writing in batches -----------------------------------------------------------


class BulkWriter:
    """Collects unsaved rows per model and writes each model's rows in batches."""

    def __init__(self, batch_size: int = 2000):
        self.batch_size = batch_size
        self.pending: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.counts: Counter[str] = Counter()

    def add(self, row: models.Model) -> None:
        rows = self.pending[type(row)]
        rows.append(row)
        if len(rows) >= self.batch_size:
            self._write(type(row))

    def create_now(self, rows: Sequence[models.Model]) -> list[models.Model]:
        """Write ``rows`` at once and return them with their primary keys."""
        if not rows:
            return []
        model = type(rows[0])
        self.counts[model._meta.label] += len(rows)
        return model.objects.bulk_create(rows, batch_size=self.batch_size)

    def flush(self) -> None:
        for model in list(self.pending):
            self._write(model)

    def _write(self, model: type[models.Model]) -> None:
        rows = self.pending.pop(model, [])
        if not rows:
            return
        # Rows pointing at rows still pending (a missed question at its attempt)
        # take their keys from them, so those are written first.
        for field in model._meta.concrete_fields:
            if field.many_to_one and field.related_model in self.pending:
                self._write(field.related_model)
        model.objects.bulk_create(rows, batch_size=self.batch_size)
        self.counts[model._meta.label] += len(rows)


# The district -----------------------------------------------------------------


def school_count(scale: float) -> int:
    return max(1, round(SCHOOLS_AT_SCALE_1 * scale))


def district_is_empty() -> bool:
    return not (School.objects.exists() or Pair.objects.exists())


def mondays(first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    monday = first - datetime.timedelta(days=first.weekday())
    while monday <= last:
        yield monday
        monday += datetime.timedelta(weeks=1)


@dataclass
class Person:
    user: object
    reads: dict[int, datetime.date]


class DistrictBuilder:
    def __init__(self, curriculum: Curriculum, seed: int, batch_size: int = 2000):
        self.curriculum = curriculum
        self.seed = seed
        self.writer = BulkWriter(batch_size)
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.year_start = self.today - datetime.timedelta(weeks=WEEKS_SO_FAR)
        self.zone = timezone.get_current_timezone()
        self.password = make_password(SYNTHETIC_PASSWORD)
        self.groups = {group.name: group.pk for group in Group.objects.all()}
        self.User = get_user_model()

    def build(self, scale: float) -> Counter[str]:
        district_admin = self.build_district_staff()
        for index in range(school_count(scale)):
            self.build_school(index, district_admin)
        self.writer.flush()
        # The progress and the misses went in by the batch, past the tallies kept
        # as they are recorded.
        ModuleTally.objects.recount()
        FirstTryMisses.objects.recount()
        self.writer.counts[FirstTryMisses._meta.label] = FirstTryMisses.objects.count()
        self.writer.counts[ModuleTally._meta.label] = ModuleTally.objects.count()
        return self.writer.counts

    # People --------------------------------------------------------------------

    def new_user(self, rng: random.Random, handle: str, role: str = "") -> models.Model:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        username = f"{first}.{last}.{handle}".lower()
        return self.User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@{EMAIL_DOMAIN}",
            role=role,
            password=self.password,
            date_joined=self.at(self.year_start - datetime.timedelta(days=14), rng),
        )

    def join_groups(self, users: Sequence[models.Model], group_name: str) -> None:
        Membership = self.User.groups.through
        for user in users:
            self.writer.add(Membership(user_id=user.pk, group_id=self.groups[group_name]))

    def build_district_staff(self) -> models.Model:
        rng = random.Random(f"{self.seed}:district")
        admins = self.writer.create_now([self.new_user(rng, f"district{n}") for n in (1, 2)])
        editors = self.writer.create_now([self.new_user(rng, f"editor{n}") for n in (1, 2)])
        self.join_groups(admins, roles.DISTRICT_ADMINISTRATORS)
        self.join_groups(editors, roles.EDITORS)
        return admins[0]

    # Schools -------------------------------------------------------------------

    def build_school(self, index: int, district_admin) -> None:
        rng = random.Random(f"{self.seed}:school:{index}")
        place = PLACES[index % len(PLACES)]
        kind = SCHOOL_KINDS[(index // len(PLACES)) % len(SCHOOL_KINDS)]
        suffix = f" {index // (len(PLACES) * len(SCHOOL_KINDS)) + 1}" if index >= 100 else ""
        (school,) = self.writer.create_now([School(name=f"{place} {kind}{suffix}")])

        (admin,) = self.writer.create_now([self.new_user(rng, f"s{index}.admin")])
        self.join_groups([admin], roles.SCHOOL_ADMINISTRATORS)
        self.writer.add(School.administrators.through(school_id=school.pk, user_id=admin.pk))

        pair_count = PAIRS_PER_SCHOOL[index % len(PAIRS_PER_SCHOOL)] + rng.randint(
            -PAIRS_PER_SCHOOL_JITTER, PAIRS_PER_SCHOOL_JITTER
        )
        teachers = [
            self.new_user(rng, f"s{index}.t{n}", roles.LearnerRole.TEACHER)
            for n in range(math.ceil(pair_count * TEACHERS_PER_PAIR))
        ]
        paired_paras = math.ceil(pair_count * PAIRED_PARAS_PER_PAIR)
        paras = [
            self.new_user(rng, f"s{index}.p{n}", roles.LearnerRole.PARA)
            for n in range(paired_paras + math.ceil(pair_count * UNPAIRED_PARAS_PER_PAIR))
        ]
        learners = self.writer.create_now(teachers + paras)
        teachers, paras = learners[: len(teachers)], learners[len(teachers) :]
        for user in learners:
            self.writer.add(School.members.through(school_id=school.pk, user_id=user.pk))

        people = {user.pk: self.learn(rng, user, self.curriculum.learners) for user in learners}
        self.assign(rng, learners, admin)
        if self.curriculum.leaders:
            self.learn(rng, admin, self.curriculum.leaders)
            self.assign_course(
                rng, admin, self.curriculum.leaders, district_admin, rng.randint(60, 120)
            )

        pairs = self.pairs(rng, school, teachers, paras[:paired_paras], pair_count)
        for pair in self.writer.create_now(pairs):
            self.pair_activity(rng, pair, people[pair.teacher_id], people[pair.para_id])

    def pairs(self, rng, school, teachers, paras, count: int) -> list[Pair]:
        """Teacher i % T with para i % P: a couple meets once since there are fewer
        teachers and paras than pairs but more than half as many."""
        pairs, seen = [], set()
        for i in range(count):
            teacher, para = teachers[i % len(teachers)], paras[i % len(paras)]
            if (teacher.pk, para.pk) in seen:
                continue
            seen.add((teacher.pk, para.pk))
            ended_on = None
            if rng.random() < ENDED_PAIR_SHARE:
                ended_on = self.year_start + datetime.timedelta(
                    days=rng.randint(14, 7 * WEEKS_SO_FAR - 7)
                )
            pairs.append(
                Pair(
                    school=school,
                    teacher=teacher,
                    para=para,
                    started_on=self.year_start,
                    ended_on=ended_on,
                )
            )
        return pairs

    # Learning ------------------------------------------------------------------

    def at(self, day: datetime.date, rng: random.Random) -> datetime.datetime:
        """A moment in the school day of ``day``, never later than now."""
        moment = datetime.datetime.combine(
            day, datetime.time(rng.randint(7, 16), rng.randint(0, 59)), tzinfo=self.zone
        )
        return min(moment, self.now)

    def learn(self, rng: random.Random, user, course: Course) -> Person:
        """Progress and quiz attempts for one person, module after module in course order."""
        modules = course.modules
        eighths = rng.choices(range(9), COMPLETED_EIGHTHS_WEIGHTS)[0]
        completed = round(eighths * len(modules) / 8)
        day = self.year_start + datetime.timedelta(days=rng.randint(0, 14))
        step = max(1.0, (self.today - day).days / (completed + 1.5))
        person = Person(user, {})
        last_completed_at = None
        for position, module in enumerate(modules[: completed + 1]):
            complete = position < completed
            if not complete and rng.random() > NEXT_MODULE_STARTED:
                break
            started_at = self.at(day, rng)
            read = complete or rng.random() < NEXT_MODULE_READ
            read_at = min(started_at + datetime.timedelta(minutes=rng.randint(10, 40)), self.now)
            passed_at = attempts_to_pass = None
            if module.has_quiz and read:
                passed_at, attempts_to_pass = self.attempts(rng, user, module, read_at, complete)
            completed_at = (passed_at or read_at) if complete else None
            self.writer.add(
                ModuleProgress(
                    user_id=user.pk,
                    module_id=module.page_id,
                    started_at=started_at,
                    read_at=read_at if read else None,
                    passed_at=passed_at,
                    attempts_to_pass=attempts_to_pass,
                    completed_at=completed_at,
                )
            )
            if read:
                person.reads[position] = read_at.date()
            last_completed_at = completed_at or last_completed_at
            day = min(self.today, day + datetime.timedelta(days=step * rng.uniform(0.6, 1.4)))
        if completed == len(modules) and modules:
            self.writer.add(
                Certificate(
                    user_id=user.pk,
                    course_id=course.page_id,
                    recipient_name=f"{user.first_name} {user.last_name}",
                    course_title=course.title,
                    hours=course.hours,
                    issued_at=last_completed_at,
                    verification_code=f"{rng.getrandbits(48):012X}",
                )
            )
        return person

    def attempts(self, rng, user, module: Module, after, complete: bool):
        """Failed attempts, then (for a completed module) a pass and maybe a practice
        retake, each with its missed questions. Returns when the module was passed
        and after how many attempts, or (None, None)."""
        failures = rng.choices(range(len(FAILED_ATTEMPTS_WEIGHTS)), FAILED_ATTEMPTS_WEIGHTS)[0]
        sheets = (
            [rng.choice(module.failing_sheets) for _ in range(failures)]
            if module.failing_sheets
            else []
        )
        if complete:
            sheets.append(rng.choice(module.passing_sheets))
            if rng.random() < PRACTICE_RETAKE:
                sheets.append(rng.choice(module.sheets))
        moment, passed_at, attempts_to_pass = after, None, None
        for number, sheet in enumerate(sheets, start=1):
            moment = min(moment + datetime.timedelta(minutes=rng.randint(2, 30)), self.now)
            attempt = QuizAttempt(
                user_id=user.pk,
                module_id=module.page_id,
                revision_id=module.revision_id,
                answers=sheet.answers,
                score=sheet.score,
                passed=sheet.passed,
                form_token=f"{rng.getrandbits(64):016x}",
                created_at=moment,
            )
            self.writer.add(attempt)
            for question_id in sheet.missed:
                self.writer.add(
                    MissedQuestion(
                        attempt=attempt,
                        user_id=user.pk,
                        module_id=module.page_id,
                        question_id=question_id,
                        first_attempt=number == 1,
                    )
                )
            if sheet.passed and passed_at is None:
                passed_at, attempts_to_pass = moment, number
        return (passed_at, attempts_to_pass) if complete else (None, None)

    def assign(self, rng, learners, admin) -> None:
        course = self.curriculum.learners
        due_in = rng.randint(70, 140)
        for user in learners:
            if rng.random() < COURSE_ASSIGNED:
                self.assign_course(rng, user, course, admin, due_in)
            if rng.random() < MODULE_ASSIGNED and course.modules:
                module = course.modules[len(course.modules) * 2 // 3]
                self.writer.add(
                    Assignment(
                        user_id=user.pk,
                        page_id=module.page_id,
                        due_on=self.year_start + datetime.timedelta(days=rng.randint(30, 60)),
                        assigned_by=admin,
                        created_at=self.at(self.year_start, rng),
                    )
                )

    def assign_course(self, rng, user, course: Course, by, due_in: int) -> None:
        self.writer.add(
            Assignment(
                user_id=user.pk,
                page_id=course.page_id,
                due_on=self.year_start + datetime.timedelta(days=due_in),
                assigned_by=by,
                created_at=self.at(self.year_start, rng),
            )
        )

    # The pair's workspace --------------------------------------------------------

    def pair_activity(self, rng, pair: Pair, teacher: Person, para: Person) -> None:
        last_day = pair.ended_on or self.today
        modules = self.curriculum.learners.modules
        for position in sorted(teacher.reads.keys() & para.reads.keys()):
            read_on = max(teacher.reads[position], para.reads[position])
            for block in modules[position].actions:
                if rng.random() < ACTION_TAKEN_UP:
                    planned = read_on + datetime.timedelta(days=rng.randint(1, 4))
                    if planned <= last_day + datetime.timedelta(days=7):
                        self.action(rng, pair, modules[position].page_id, block, read_on, planned)
        for _ in range(rng.randint(0, 2)):
            planned = self.year_start + datetime.timedelta(
                days=rng.randint(0, (last_day - self.year_start).days)
            )
            custom = ActionBlock(
                "", rng.choice(CUSTOM_ACTIONS), roles.ActionWho.TOGETHER, rng.random() < 0.5
            )
            self.action(rng, pair, None, custom, planned - datetime.timedelta(days=1), planned)

        members = (pair.teacher, pair.para)
        for monday in mondays(pair.started_on, last_day):
            if rng.random() < PLAN_WRITTEN:
                self.writer.add(
                    WeeklyPlan(
                        pair=pair,
                        week_of=monday,
                        students=", ".join(
                            f"{rng.choice('ABCDEJKLMRST')}.{rng.choice('BCDGHMNPRS')}."
                            for _ in range(rng.randint(1, 4))
                        ),
                        version=rng.randint(1, 3),
                        updated_by=rng.choice(members),
                        updated_at=self.at(
                            monday - datetime.timedelta(days=rng.randint(0, 3)), rng
                        ),
                        **PLAN_TEXT,
                    )
                )
            for _ in range(rng.choice(CHECK_INS_A_WEEK)):
                day = monday + datetime.timedelta(days=rng.randint(0, 4))
                if day <= last_day:
                    self.writer.add(
                        CheckIn(
                            pair=pair,
                            author=rng.choice(members),
                            kind=CheckIn.Kind.PLANNING
                            if rng.random() < 0.2
                            else CheckIn.Kind.CHECK_IN,
                            happened_on=day,
                            minutes=rng.choice((10, 15, 15, 20, 30, 45)),
                            note=rng.choice(NOTES),
                            created_at=self.at(day, rng),
                        )
                    )

    def action(self, rng, pair, module_id, block: ActionBlock, added_on, planned) -> None:
        done = {}
        for role, share in ((roles.PairRole.PARA, 0.85), (roles.PairRole.TEACHER, 0.8)):
            together_or_theirs = (roles.ActionWho.TOGETHER, role)
            if planned < self.today and block.who in together_or_theirs and rng.random() < share:
                done[role] = self.at(planned, rng)
        reported = block.records_data and bool(done)
        self.writer.add(
            PairAction(
                pair=pair,
                module_id=module_id,
                block_id=block.block_id,
                text=block.text,
                who=block.who,
                records_data=block.records_data,
                planned_for=planned,
                para_done_at=done.get(roles.PairRole.PARA),
                teacher_done_at=done.get(roles.PairRole.TEACHER),
                note=rng.choice(NOTES) if reported else "",
                outcome=rng.choice(PairAction.Outcome.values) if reported else "",
                added_by=rng.choice((pair.teacher, pair.para)),
                created_at=self.at(added_on, rng),
            )
        )


def generate_district(scale: float, seed: int = 2026, batch_size: int = 2000) -> Counter[str]:
    """Build a district of ``scale`` × 50 schools into an empty database; returns
    the rows written per model. Raises ``DistrictNotEmpty`` when schools or pairs exist."""
    if scale <= 0:
        raise ValueError("The scale must be above zero.")
    with transaction.atomic():
        if not district_is_empty():
            raise DistrictNotEmpty(
                f"The database already holds {School.objects.count()} schools and "
                f"{Pair.objects.count()} pairs."
            )
        builder = DistrictBuilder(read_curriculum(), seed=seed, batch_size=batch_size)
        return builder.build(scale)
