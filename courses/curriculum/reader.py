"""Read the shipped curriculum: Markdown files with TOML front matter.

Every file is parsed into small dataclasses and checked, both against the
format in ``courses/curriculum/README.md`` ("File format") and against the real page
fields and StreamField blocks, so a value the editor would refuse is refused
here too. Nothing here writes: ``courses.curriculum.writer`` does that, and only once
every file has passed.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError

from courses.blocks import PRECHECK_ITEMS
from courses.curriculum.blocks import (
    BLOCK_END,
    CHOICE_LINE,
    FEEDBACK_SEPARATOR,
    QUIZ_QUESTION_KEY,
    Block,
    parse_module_blocks,
    text_block,
)
from courses.curriculum.errors import CurriculumError, InvalidCurriculum, Line, display_path
from courses.curriculum.rich_text import to_rich_text
from courses.models import CoursePage, ModulePage

# One folder of course folders per language.
CURRICULUM_DIR = Path(__file__).resolve().parent / "en"
COURSE_FILE = "course.md"
MODULE_FILE_NAME = re.compile(r"^(?P<number>\d{2})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.md$")

FENCE = "+++"
MAX_LINE_LENGTH = 400

# The documented limits ("File format" in courses/curriculum/README.md).
OBJECTIVES = (2, 4)
MINUTES = (10, 20)
PD_HOURS = (Decimal("0.25"), Decimal("0.5"))
MIN_QUESTIONS = 4
ACTIONS = (2, 3)

COURSE_KEYS = ("title", "slug", "audience")
MODULE_KEYS = ("title", "slug", "summary", "objectives", "minutes", "pd_hours", "pass_mark")
# pd_hours may be left out: it is then worked out from minutes (see pd_hours_for).
OPTIONAL_MODULE_KEYS = ("pd_hours",)


def pd_hours_for(minutes: int) -> Decimal:
    """PD hours for a module of ``minutes``: minutes / 60 to the nearest quarter hour,
    and never less than a quarter."""
    quarters = max(1, round(Decimal(minutes) * 4 / 60))
    return Decimal(quarters) / 4


# What a read produces ----------------------------------------------------------


@dataclass(frozen=True)
class Module:
    path: Path
    number: int
    slug: str
    title: str
    summary: str
    objectives: tuple[str, ...]
    minutes: int
    pd_hours: Decimal
    pass_mark: int
    body: tuple[Block, ...]
    quiz: tuple[Block, ...]
    actions: tuple[Block, ...]
    model_answer: Block | None = None
    # The line of each front-matter key the file states (pd_hours may be absent).
    front_lines: dict[str, int] = field(default_factory=dict)
    # "What do you already know?": optional questions before the body.
    precheck: tuple[Block, ...] = ()


@dataclass(frozen=True)
class Course:
    path: Path
    slug: str
    title: str
    audience: str
    intro: str  # rich-text HTML
    modules: tuple[Module, ...]


# Reading folders ----------------------------------------------------------------


def read_curriculum(root: Path = CURRICULUM_DIR) -> list[Course]:
    """Every course under ``root``, in folder order, each checked in full.

    Raises :class:`InvalidCurriculum` naming the first problem in every bad file.
    """
    if not root.is_dir():
        raise InvalidCurriculum([CurriculumError(root, None, "there is no such folder.")])
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not folders:
        raise InvalidCurriculum([CurriculumError(root, None, "there are no course folders.")])
    courses, errors = [], []
    for folder in folders:
        try:
            courses.append(read_course(folder))
        except InvalidCurriculum as invalid:
            errors.extend(invalid.errors)
    errors.extend(_duplicate_slugs(courses, lambda course: course.path / COURSE_FILE))
    if errors:
        raise InvalidCurriculum(errors)
    return courses


def read_course(folder: Path) -> Course:
    """One course folder: its ``course.md`` and its ``NN-slug.md`` module files."""
    errors: list[CurriculumError] = []
    course_path = folder / COURSE_FILE
    course = None
    if course_path.is_file():
        course = _attempt(errors, parse_course_file, course_path)
    else:
        errors.append(CurriculumError(course_path, None, "every course folder needs a course.md."))

    modules: list[Module] = []
    for path in sorted(folder.glob("*.md")):
        if path.name != COURSE_FILE and (module := _attempt(errors, parse_module_file, path)):
            modules.append(module)
    if not modules and not errors:
        errors.append(CurriculumError(folder, None, "a course needs at least one module file."))
    errors.extend(_duplicate_numbers(modules))
    errors.extend(_duplicate_slugs(modules, lambda module: module.path))
    if errors or course is None:
        raise InvalidCurriculum(errors)
    return replace(course, modules=tuple(modules))


def _attempt(errors: list[CurriculumError], parse: Callable, *args):
    try:
        return parse(*args)
    except CurriculumError as error:
        errors.append(error)
        return None


def _duplicate_numbers(modules: Sequence[Module]) -> Iterator[CurriculumError]:
    seen: dict[int, Path] = {}
    for module in modules:
        if module.number in seen:
            yield CurriculumError(
                module.path, None, f"{seen[module.number].name} has the same number."
            )
        seen[module.number] = module.path


def _duplicate_slugs(items: Sequence, path_of: Callable) -> Iterator[CurriculumError]:
    seen: dict[str, str] = {}
    for item in items:
        if item.slug in seen:
            yield CurriculumError(
                path_of(item), None, f"slug {item.slug!r} is already used by {seen[item.slug]}."
            )
        seen[item.slug] = display_path(path_of(item))


# Reading files ------------------------------------------------------------------


def parse_course_file(path: Path) -> Course:
    """A ``course.md``: front matter, then the intro in Markdown. No blocks, no modules yet."""
    front, body = _split_front_matter(path, _read_lines(path))
    front.only(COURSE_KEYS)
    for number, text in body:
        if text.startswith(BLOCK_END):
            raise CurriculumError(path, number, "course.md holds only Markdown, not blocks.")
    return Course(
        path=path.parent,
        slug=front.model_value(CoursePage, "slug"),
        title=front.model_value(CoursePage, "title"),
        audience=front.model_value(CoursePage, "audience"),
        intro=to_rich_text(path, body, text_block().features, "in a course intro"),
        modules=(),
    )


def parse_module_file(path: Path) -> Module:
    """A module file: front matter, then body Markdown and blocks, then questions and actions."""
    name = MODULE_FILE_NAME.match(path.name)
    if name is None:
        raise CurriculumError(
            path, None, "module files are named NN-slug.md, like 02-clarifying-roles.md."
        )
    lines = _read_lines(path)
    front, body_lines = _split_front_matter(path, lines)
    front.only(MODULE_KEYS, optional=OPTIONAL_MODULE_KEYS)
    slug = front.model_value(ModulePage, "slug")
    if slug != name["slug"]:
        raise CurriculumError(
            path, front.line_of("slug"), f"the slug must match the file name ({name['slug']!r})."
        )
    # Top of the file first, so the first problem reported is the first in the file.
    fields = {
        "title": front.model_value(ModulePage, "title"),
        "summary": front.model_value(ModulePage, "summary"),
        "objectives": _objectives(front),
        "minutes": front.model_value(ModulePage, "minutes", within=MINUTES),
        "pd_hours": (
            front.model_value(ModulePage, "pd_hours", within=PD_HOURS, convert=_decimal)
            if "pd_hours" in front.data
            else None
        ),
        "pass_mark": front.model_value(ModulePage, "pass_mark"),
    }
    if fields["pd_hours"] is None:
        fields["pd_hours"] = pd_hours_for(fields["minutes"])
    parsed = parse_module_blocks(path, body_lines)
    body, quiz, actions = parsed.body, parsed.quiz, parsed.actions
    end = len(lines)
    if not body:
        raise CurriculumError(path, end, "a module needs some body text before its questions.")
    if len(quiz) < MIN_QUESTIONS:
        line = quiz[-1].line if quiz else end
        raise CurriculumError(
            path, line, f"a module needs at least {MIN_QUESTIONS} questions (it has {len(quiz)})."
        )
    if not ACTIONS[0] <= len(actions) <= ACTIONS[1]:
        line = actions[ACTIONS[1]].line if len(actions) > ACTIONS[1] else end
        raise CurriculumError(
            path, line, f"a module has two or three actions (it has {len(actions)})."
        )
    _check_precheck(path, parsed.precheck, len(quiz))
    return Module(
        path=path,
        number=int(name["number"]),
        slug=slug,
        **fields,
        body=tuple(body),
        quiz=tuple(quiz),
        actions=tuple(actions),
        model_answer=parsed.model_answer,
        front_lines={key: front.line_of(key) for key in MODULE_KEYS if key in front.data},
        precheck=tuple(parsed.precheck),
    )


def _check_precheck(path: Path, items: Sequence[Block], questions: int) -> None:
    """At most three pre-check questions, each naming a quiz question the file has."""
    if len(items) > PRECHECK_ITEMS:
        raise CurriculumError(
            path,
            items[PRECHECK_ITEMS].line,
            f"a pre-check has at most {PRECHECK_ITEMS} questions (this one has {len(items)}).",
        )
    for item in items:
        wanted = item.value[QUIZ_QUESTION_KEY]
        if wanted > questions:
            raise CurriculumError(
                path,
                item.line_of((QUIZ_QUESTION_KEY,)),
                f"{QUIZ_QUESTION_KEY} {wanted}: the quiz has {questions} questions.",
            )


def _read_lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise CurriculumError(path, None, f"the file is not UTF-8 text ({error.reason}).") from None
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        _check_line(path, number, line)
    return lines


def _check_line(path: Path, number: int, text: str) -> None:
    if "\t" in text:
        raise CurriculumError(path, number, "tabs aren't allowed: indent with spaces.")
    if len(text) > MAX_LINE_LENGTH:
        raise CurriculumError(
            path, number, f"lines are at most {MAX_LINE_LENGTH} characters (this has {len(text)})."
        )
    if re.search(r"<[A-Za-z!/?]", text):
        raise CurriculumError(path, number, "HTML isn't allowed: write Markdown.")
    if "![" in text:
        raise CurriculumError(path, number, "images aren't allowed here: add them in Wagtail.")
    if FEEDBACK_SEPARATOR in text and not CHOICE_LINE.match(text):
        raise CurriculumError(
            path, number, "' :: ' only separates a quiz choice from its feedback."
        )


# Front matter -------------------------------------------------------------------


def _split_front_matter(path: Path, lines: list[str]) -> tuple[FrontMatter, list[Line]]:
    if not lines or lines[0] != FENCE:
        raise CurriculumError(path, 1, f"a file starts with front matter: a line that is {FENCE}.")
    try:
        close = lines.index(FENCE, 1)
    except ValueError:
        raise CurriculumError(
            path, 1, f"the front matter is never closed by a line that is {FENCE}."
        ) from None
    source = lines[1:close]
    try:
        data = tomllib.loads("\n".join(source))
    except tomllib.TOMLDecodeError as error:
        # tomllib names the line only in its message, counted from the fence.
        found = re.search(r"\(at line (\d+), column \d+\)", str(error))
        line = int(found[1]) + 1 if found else 1
        message = re.sub(r"\s*\(at line.*\)$", "", str(error)) or "invalid TOML"
        raise CurriculumError(path, line, f"invalid TOML in the front matter: {message}.") from None
    body = [(number, lines[number - 1]) for number in range(close + 2, len(lines) + 1)]
    return FrontMatter(path, data, source), body


class FrontMatter:
    """The TOML keys of one file, read with the line each came from."""

    def __init__(self, path: Path, data: dict, source: list[str]):
        self.path, self.data, self.source = path, data, source

    def line_of(self, key: str) -> int:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for offset, text in enumerate(self.source):
            if pattern.match(text):
                return offset + 2
        return 1

    def error(self, key: str, message: str) -> CurriculumError:
        return CurriculumError(self.path, self.line_of(key), message)

    def only(self, keys: Sequence[str], optional: Sequence[str] = ()) -> None:
        for key in self.data:
            if key not in keys:
                raise self.error(key, f"unknown key {key!r} (expected {', '.join(keys)}).")
        for key in keys:
            if key not in self.data and key not in optional:
                # Pointing at the closing fence: that is where the key goes.
                raise CurriculumError(
                    self.path, len(self.source) + 2, f"the front matter is missing {key!r}."
                )

    def model_value(self, model, key: str, within=None, convert: Callable = lambda v: v):
        """The value of ``key``, cleaned by the model field it fills, as an editor's would be."""
        value = self.data[key]
        model_field = model._meta.get_field(key)
        kind, expected = _TOML_TYPES.get(model_field.get_internal_type(), ("a whole number", int))
        if isinstance(value, bool) or not isinstance(value, expected):
            raise self.error(key, f"{key} must be {kind}.")
        try:
            value = model_field.clean(convert(value), None)
        except ValidationError as error:
            raise self.error(key, f"{key}: {' '.join(error.messages)}") from None
        if within and not within[0] <= value <= within[1]:
            raise self.error(key, f"{key} must be from {within[0]} to {within[1]}.")
        return value


# The TOML type each kind of model field takes; integer fields take whole numbers.
_TOML_TYPES = {
    "CharField": ("text", str),
    "TextField": ("text", str),
    "SlugField": ("text", str),
    "DecimalField": ("a number", (int, float)),
}


def _decimal(value: int | float) -> Decimal:
    return Decimal(str(value))


def _objectives(front: FrontMatter) -> tuple[str, ...]:
    objectives = front.data["objectives"]
    if not isinstance(objectives, list) or not all(isinstance(o, str) for o in objectives):
        raise front.error("objectives", "objectives must be a list of text.")
    low, high = OBJECTIVES
    if not low <= len(objectives) <= high:
        raise front.error(
            "objectives", f"a module has {low} to {high} objectives (it has {len(objectives)})."
        )
    definition = ModulePage._meta.get_field("objectives").stream_block.child_blocks["objective"]
    for objective in objectives:
        try:
            definition.clean(objective)
        except ValidationError as error:
            raise front.error("objectives", f"objective: {' '.join(error.messages)}") from None
    return tuple(objectives)
