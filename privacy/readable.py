"""The personal-data page as a person reads it.

The export (``privacy.personal_data``) holds rows keyed by model and field, as
the JSON download keeps them. This module turns the same rows into groups that
say what they mean ("Quiz attempts", "Weekly plans with Ana Torres"): headings
in words, people and pairs by name, quiz answers by the question's and the
choice's text, choices by their label, and no database keys.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.timezone import is_aware, localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import registry as log_actions

from accounts.roles import PairRole
from courses.grading import questions_from_quiz
from courses.models import PreCheck, QuizAttempt
from courses.prechecks import items_from_precheck, questions_of
from pairs.models import Pair
from privacy.personal_data import Section

# Keys that only join rows together; the page names what they point at instead.
MACHINE_KEYS = {
    "pk",
    "pair_id",
    "user_id",
    "assigned_by_id",
    "assignment_id",
    "attempt_id",
    "question_id",
    "comment_id",
}
PAIR_PARTS = ("checklists.PairAction", "checklists.WeeklyPlan", "checklists.CheckIn")


@dataclass
class Group:
    """One heading on the page and its table."""

    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)


def display(value) -> str:
    """One exported value as a person reads it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.datetime):
        return date_format(localtime(value) if is_aware(value) else value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, Decimal | float):
        return f"{value:g}"
    return str(value)


class Reader:
    """Reads one person's sections; looks up the names their keys point at, once."""

    def __init__(self, person, sections: Iterable[Section]):
        self.person = person
        self.sections = {section.label: section for section in sections}

    @cached_property
    def pairs(self) -> dict[int, Pair]:
        ids = {
            row["pair_id"]
            for label in (*PAIR_PARTS, "checklists.AccessRecord")
            for row in self.rows(label)
        }
        ids |= {row["pk"] for row in self.rows("pairs.Pair")}
        return Pair.objects.select_related("teacher", "para", "school").in_bulk(ids)

    @cached_property
    def people(self) -> dict[int, object]:
        ids = set()
        for row in self.rows("courses.Assignment"):
            ids |= {row["user_id"], row["assigned_by_id"]}
        return get_user_model().objects.in_bulk(ids - {None})

    def rows(self, label: str) -> list[dict]:
        section = self.sections.get(label)
        return section.rows if section else []

    def name_of(self, user_id) -> str:
        if user_id == self.person.pk:
            return str(self.person)
        return str(self.people.get(user_id) or _("someone no longer here"))

    def with_whom(self, pair_id) -> str:
        """The partner's name, for "Weekly plans with Ana Torres"."""
        pair = self.pairs.get(pair_id)
        if pair is None:
            return _("a pair no longer here")
        if self.person.pk in (pair.teacher_id, pair.para_id):
            return str(pair.partner_of(self.person))
        return str(pair)

    def groups(self) -> list[Group]:
        groups = []
        for label, section in self.sections.items():
            present = PRESENTERS.get(label, generic)
            groups += [group for group in present(self, section) if group.rows]
        return groups


# Headings and values from the models themselves ----------------------------------------


def model_field(label: str, name: str):
    """The model field a column comes from: ``module__title`` comes from ``module``."""
    try:
        return apps.get_model(label)._meta.get_field(name.split("__")[0])
    except FieldDoesNotExist:
        return None


def heading(label: str, name: str) -> str:
    found = model_field(label, name)
    words = found.verbose_name if found is not None else name.replace("_", " ")
    return capfirst(str(words))


def value_in_words(label: str, name: str, value) -> str:
    found = model_field(label, name)
    if found is not None and found.choices and "__" not in name:
        return display(dict(found.flatchoices).get(value, value))
    return display(value)


def table(label: str, rows: list[dict], title: str, skip: Iterable[str] = ()) -> Group:
    """Rows as they are, less their keys, with headings and values in words."""
    names = [name for name in (rows[0] if rows else {}) if name not in MACHINE_KEYS | set(skip)]
    return Group(
        title=title,
        columns=[heading(label, name) for name in names],
        rows=[[value_in_words(label, name, row[name]) for name in names] for row in rows],
    )


def title_of(label: str) -> str:
    return capfirst(str(apps.get_model(label)._meta.verbose_name_plural))


def generic(reader: Reader, section: Section) -> list[Group]:
    return [table(section.label, section.rows, title_of(section.label))]


# What needs more than a table ----------------------------------------------------------


def account(reader: Reader, section: Section) -> list[Group]:
    group = table(section.label, section.rows, _("Account"), skip=["groups"])
    group.columns.append(_("Roles in the admin"))
    for cells, row in zip(group.rows, section.rows, strict=True):
        cells.append(", ".join(row.get("groups", [])) or "—")
    return [group]


def schools(reader: Reader, section: Section) -> list[Group]:
    as_label = {"member": _("Member"), "administrator": _("Administrator")}
    return [
        Group(
            _("Schools"),
            [_("School"), _("As")],
            [[row["name"], str(as_label.get(row["as"], row["as"]))] for row in section.rows],
        )
    ]


def pairs(reader: Reader, section: Section) -> list[Group]:
    return [
        Group(
            _("Pairs"),
            [_("Partner"), _("Their role"), _("School"), _("Started"), _("Ended")],
            [
                [
                    row["partner"],
                    str(PairRole(row["role"]).label),
                    row["school"],
                    display(row["started_on"]),
                    display(row["ended_on"]),
                ]
                for row in section.rows
            ],
        )
    ]


def assignments(reader: Reader, section: Section) -> list[Group]:
    columns = [_("Course or module"), _("Due"), _("Note")]
    theirs = Group(_("Work assigned to them"), [*columns, _("Assigned by"), _("Assigned on")])
    given = Group(_("Work they assigned to others"), [*columns, _("Assigned to"), _("Assigned on")])
    for row in section.rows:
        own = row["user_id"] == reader.person.pk
        (theirs if own else given).rows.append(
            [
                row["page__title"],
                display(row["due_on"]),
                display(row["note"]),
                reader.name_of(row["assigned_by_id"] if own else row["user_id"]),
                display(row["created_at"]),
            ]
        )
    return [theirs, given]


def answered(model, title, questions_in: Callable, *, graded: bool):
    """A presenter for answer sheets (quiz attempts, pre-checks): each one's answers by
    the question's text and the chosen answers' text, read from the module's questions
    (a question it no longer has is said so). ``graded``: the sheet counts toward
    passing, so it says whether it passed."""

    def present(reader: Reader, section: Section) -> list[Group]:
        modules = {
            sheet.pk: sheet.module
            for sheet in model.objects.filter(pk__in=[row["pk"] for row in section.rows])
            .select_related("module")
            .only("module__quiz", "module__precheck", "module__title")
        }
        questions = {
            module.pk: {question.id: question for question in questions_in(module)}
            for module in modules.values()
        }
        columns = [_("Module"), _("When"), _("Score")]
        columns += [_("Passed"), _("Answers")] if graded else [_("Answers")]
        group = Group(title, columns)
        for row in section.rows:
            module = modules.get(row["pk"])
            asked = questions.get(module.pk, {}) if module else {}
            cells = [row["module__title"], display(row["created_at"]), f"{row['score']:.0%}"]
            if graded:
                cells.append(display(row["passed"]))
            cells.append(answers_in_words(row["answers"], asked))
            group.rows.append(cells)
        return [group]

    return present


quiz_attempts = answered(
    QuizAttempt,
    gettext_lazy("Quiz attempts"),
    lambda module: questions_from_quiz(module.quiz),
    graded=True,
)
prechecks = answered(
    PreCheck,
    gettext_lazy("Pre-checks (what they knew before a module)"),
    lambda module: questions_of(items_from_precheck(module.precheck)),
    graded=False,
)


def answers_in_words(answers: dict, quiz: dict) -> str:
    lines = []
    for question_id, choice_ids in answers.items():
        question = quiz.get(question_id)
        if question is None:
            lines.append(_("A question the module no longer has."))
            continue
        texts = {choice.id: choice.text for choice in question.choices}
        chosen = ", ".join(
            texts.get(choice_id, _("a choice since removed")) for choice_id in choice_ids
        )
        lines.append(f"{question.prompt} {_('Answered:')} {chosen or _('nothing')}")
    return "\n".join(lines) or "—"


def missed_questions(reader: Reader, section: Section) -> list[Group]:
    attempts = QuizAttempt.objects.filter(
        pk__in={row["attempt_id"] for row in section.rows}
    ).select_related("module")
    prompts = {
        question.id: question.prompt
        for attempt in attempts
        for question in questions_from_quiz(attempt.module.quiz)
    }
    return [
        Group(
            _("Questions missed"),
            [_("Module"), _("Question"), _("On a first attempt")],
            [
                [
                    row["module__title"],
                    prompts.get(row["question_id"], _("A question the module no longer has.")),
                    display(row["first_attempt"]),
                ]
                for row in section.rows
            ],
        )
    ]


def by_pair(title: str) -> Callable[[Reader, Section], list[Group]]:
    """A pair's shared records, one group per partner: "Weekly plans with Ana Torres"."""

    def present(reader: Reader, section: Section) -> list[Group]:
        per_pair = defaultdict(list)
        for row in section.rows:
            per_pair[row["pair_id"]].append(row)
        return [
            table(section.label, rows, title % {"partner": reader.with_whom(pair_id)})
            for pair_id, rows in per_pair.items()
        ]

    return present


def access_records(reader: Reader, section: Section) -> list[Group]:
    group = table(section.label, section.rows, _("Times they opened a pair's records"))
    group.columns.insert(0, _("Pair"))
    for cells, row in zip(group.rows, section.rows, strict=True):
        cells.insert(0, str(reader.pairs.get(row["pair_id"]) or _("a pair no longer here")))
    return [group]


def action_label(action: str) -> str:
    if log_actions.action_exists(action):
        return str(log_actions.get_action_label(action))
    return action


def history(reader: Reader, section: Section) -> list[Group]:
    return [
        Group(
            title_of(section.label),
            [_("What happened"), _("To"), _("When")],
            [
                [action_label(row["action"]), row["label"], display(row["timestamp"])]
                for row in section.rows
            ],
        )
    ]


PRESENTERS: dict[str, Callable[[Reader, Section], list[Group]]] = {
    "accounts.User": account,
    "pairs.School": schools,
    "pairs.Pair": pairs,
    "courses.Assignment": assignments,
    "courses.QuizAttempt": quiz_attempts,
    "courses.PreCheck": prechecks,
    "courses.MissedQuestion": missed_questions,
    "checklists.PairAction": by_pair(gettext_lazy("Checklist actions with %(partner)s")),
    "checklists.WeeklyPlan": by_pair(gettext_lazy("Weekly plans with %(partner)s")),
    "checklists.CheckIn": by_pair(gettext_lazy("Check-ins with %(partner)s")),
    "checklists.AccessRecord": access_records,
    "wagtailcore.ModelLogEntry": history,
    "wagtailcore.PageLogEntry": history,
}


def readable_groups(person, sections: Iterable[Section]) -> list[Group]:
    """The page's groups, the account first (the export keeps it last, for erasure)."""
    sections = sorted(sections, key=lambda section: section.label != "accounts.User")
    return Reader(person, sections).groups()
