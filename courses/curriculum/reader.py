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
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown as markdown_lib
from django.conf import settings
from django.core.exceptions import ValidationError
from wagtail import blocks

from content.markdown import is_safe_url
from courses.models import CoursePage, ModulePage

# One folder of course folders per language.
CURRICULUM_DIR = Path(__file__).resolve().parent / "en"
COURSE_FILE = "course.md"
MODULE_FILE_NAME = re.compile(r"^(?P<number>\d{2})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.md$")

FENCE = "+++"
BLOCK_END = ":::"
BLOCK_START = re.compile(r"^:::[ ]+(?P<kind>\S+)(?P<args>.*)$")
KEY_LINE = re.compile(r"^(?P<key>[a-z_]+):(?: (?P<value>.*))?$")
CHOICE_LINE = re.compile(r"^\[(?P<mark>[ x])\] (?P<rest>.*)$")
FEEDBACK_SEPARATOR = " :: "
MAX_LINE_LENGTH = 400

# The documented limits ("File format" in courses/curriculum/README.md).
OBJECTIVES = (2, 4)
MINUTES = (10, 20)
PD_HOURS = (Decimal("0.25"), Decimal("0.5"))
MIN_QUESTIONS = 4
ACTIONS = (2, 3)
CHOICES = {"single": (3, 4), "multiple": (4, 5), "truefalse": (2, 2)}

COURSE_KEYS = ("title", "slug", "audience")
MODULE_KEYS = ("title", "slug", "summary", "objectives", "minutes", "pd_hours", "pass_mark")

QUESTION_BLOCKS = {
    "single": "single_choice",
    "multiple": "multiple_select",
    "truefalse": "true_false",
    "who": "who_does_this",
}
WHO_KEYS = ("answer", "feedback_teacher", "feedback_para", "feedback_both")


# Errors ----------------------------------------------------------------------


class CurriculumError(Exception):
    """One thing wrong in one file, and where."""

    def __init__(self, path: Path, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = display_path(self.path)
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"


class InvalidCurriculum(Exception):
    """Every bad file found in one read: the first problem in each."""

    def __init__(self, errors: Sequence[CurriculumError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


def display_path(path: Path) -> str:
    """The path as an author would type it from the project folder."""
    try:
        return str(path.resolve().relative_to(settings.BASE_DIR))
    except ValueError:
        return str(path)


# What a read produces ----------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One StreamField block as raw data (``kind`` is its name in the StreamField)."""

    kind: str
    value: Any
    line: int
    # The line each part came from, keyed by its path in the value (``("choices", 1)``),
    # so an error the real block raises can point at the right line.
    lines: Mapping[tuple, int] = field(default_factory=dict)

    def line_of(self, where: tuple) -> int:
        for size in range(len(where), 0, -1):
            if where[:size] in self.lines:
                return self.lines[where[:size]]
        return self.line


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


@dataclass(frozen=True)
class Course:
    path: Path
    slug: str
    title: str
    audience: str
    intro: str  # rich-text HTML
    modules: tuple[Module, ...]


Line = tuple[int, str]  # (line number, text)


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
        intro=_rich_text(path, body, _text_block().features, "in a course intro"),
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
    front.only(MODULE_KEYS)
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
        "pd_hours": front.model_value(ModulePage, "pd_hours", within=PD_HOURS, convert=_decimal),
        "pass_mark": front.model_value(ModulePage, "pass_mark"),
    }
    body, quiz, actions = _parse_blocks(path, body_lines)
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
    return Module(
        path=path,
        number=int(name["number"]),
        slug=slug,
        **fields,
        body=tuple(body),
        quiz=tuple(quiz),
        actions=tuple(actions),
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

    def only(self, keys: Sequence[str]) -> None:
        for key in self.data:
            if key not in keys:
                raise self.error(key, f"unknown key {key!r} (expected {', '.join(keys)}).")
        for key in keys:
            if key not in self.data:
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


# Body, questions and actions -------------------------------------------------------

BODY, QUIZ, ACTIONS_PART = "body", "quiz", "actions"  # the ModulePage StreamFields
PART_ORDER = (BODY, QUIZ, ACTIONS_PART)


def _parse_blocks(path: Path, lines: list[Line]) -> tuple[list[Block], list[Block], list[Block]]:
    parts: dict[str, list[Block]] = {BODY: [], QUIZ: [], ACTIONS_PART: []}
    current = BODY
    markdown: list[Line] = []

    def place(part: str, block: Block) -> None:
        nonlocal current
        if PART_ORDER.index(part) < PART_ORDER.index(current):
            raise CurriculumError(
                path,
                block.line,
                "the order is body text and blocks, then questions, then actions.",
            )
        current = part
        # Each part is named after the StreamField it fills.
        _check_with_block(path, block, _stream_block(part).child_blocks[block.kind])
        parts[part].append(block)

    def flush() -> None:
        if any(text.strip() for _, text in markdown):
            html = _rich_text(path, markdown, _text_block().features, "in module text")
            first = next(number for number, text in markdown if text.strip())
            place(BODY, Block("text", html, first))
        markdown.clear()

    index = 0
    while index < len(lines):
        number, text = lines[index]
        if text == BLOCK_END:
            raise CurriculumError(path, number, "this ::: closes a block, but none is open.")
        opening = BLOCK_START.match(text)
        if opening is None and text.startswith(BLOCK_END):
            raise CurriculumError(path, number, "a block opens with a line like '::: callout tip'.")
        if opening is None:
            markdown.append((number, text))
            index += 1
            continue
        flush()
        kind, args = opening["kind"], opening["args"].split()
        parser = BLOCK_PARSERS.get(kind)
        if parser is None:
            raise CurriculumError(
                path,
                number,
                f"unknown block kind {kind!r} (expected {', '.join(BLOCK_PARSERS)}).",
            )
        close = _block_end(path, lines, index, kind)
        part, block = parser(path, number, args, lines[index + 1 : close])
        place(part, block)
        index = close + 1
    flush()
    return parts[BODY], parts[QUIZ], parts[ACTIONS_PART]


def _block_end(path: Path, lines: list[Line], start: int, kind: str) -> int:
    opened_at = lines[start][0]
    for index in range(start + 1, len(lines)):
        number, text = lines[index]
        if text == BLOCK_END:
            return index
        if text.startswith(BLOCK_END):
            raise CurriculumError(
                path,
                number,
                f"blocks don't nest: close the {kind} block opened at line {opened_at} first.",
            )
    raise CurriculumError(
        path, opened_at, f"this {kind} block is never closed by a line that is :::."
    )


def _text_block() -> blocks.RichTextBlock:
    return _stream_block("body").child_blocks["text"]


def _stream_block(name: str) -> blocks.StreamBlock:
    return ModulePage._meta.get_field(name).stream_block


def _body_child(kind: str, child: str) -> blocks.Block:
    return _stream_block("body").child_blocks[kind].child_blocks[child]


def _choice_values(definition: blocks.ChoiceBlock) -> list[str]:
    return [value for value, _label in definition.field.choices if value]


def _non_blank(lines: list[Line]) -> list[Line]:
    return [(number, text) for number, text in lines if text.strip()]


def _key_value(path: Path, line: Line, key: str) -> str:
    number, text = line
    found = KEY_LINE.match(text)
    if found is None or found["key"] != key:
        raise CurriculumError(path, number, f"expected a '{key}: …' line here.")
    value = (found["value"] or "").strip()
    if not value:
        raise CurriculumError(path, number, f"'{key}:' needs a value.")
    return value


def _arguments(path: Path, number: int, args: list[str], kind: str, choices: Sequence[str]) -> str:
    if len(args) != 1 or args[0] not in choices:
        raise CurriculumError(
            path, number, f"a {kind} block takes one of: {', '.join(choices)} ('::: {kind} …')."
        )
    return args[0]


def _no_arguments(path: Path, number: int, args: list[str], kind: str) -> None:
    if args:
        raise CurriculumError(path, number, f"a {kind} block takes no arguments.")


def _parse_callout(path: Path, number: int, args: list[str], content: list[Line]):
    style = _arguments(
        path, number, args, "callout", _choice_values(_body_child("callout", "style"))
    )
    lines = _non_blank(content)
    title, text = "", content
    if lines and lines[0][1].startswith("title:"):
        title = _key_value(path, lines[0], "title")
        text = [line for line in content if line[0] > lines[0][0]]
    if not _non_blank(text):
        raise CurriculumError(path, number, "a callout needs some text.")
    value = {
        "style": style,
        "title": title,
        "text": _rich_text(path, text, _body_child("callout", "text").features, "in a callout"),
    }
    where = {("title",): lines[0][0], ("text",): _non_blank(text)[0][0]}
    return BODY, Block("callout", value, number, where)


ROLES_HEADER = ["Task", "Special educator", "Paraprofessional"]


def _table_cells(path: Path, line: Line) -> list[str]:
    number, text = line
    text = text.strip()
    if not (text.startswith("|") and text.endswith("|")):
        raise CurriculumError(path, number, "a table row starts and ends with '|'.")
    return [cell.strip() for cell in text[1:-1].split("|")]


def _parse_roles(path: Path, number: int, args: list[str], content: list[Line]):
    _no_arguments(path, number, args, "roles")
    lines = _non_blank(content)
    if len(lines) < 3:
        raise CurriculumError(path, number, "a roles table needs its header, '|---|', and rows.")
    if _table_cells(path, lines[0]) != ROLES_HEADER:
        raise CurriculumError(
            path, lines[0][0], f"the header row is '| {' | '.join(ROLES_HEADER)} |'."
        )
    separator = _table_cells(path, lines[1])
    if len(separator) != 3 or not all(re.fullmatch(r":?-{3,}:?", cell) for cell in separator):
        raise CurriculumError(path, lines[1][0], "the second row is '|---|---|---|'.")
    rows, where = [], {}
    for index, line in enumerate(lines[2:]):
        cells = _table_cells(path, line)
        if len(cells) != 3 or not all(cells):
            raise CurriculumError(path, line[0], "each row has three filled cells.")
        rows.append(dict(zip(("task", "teacher", "para"), cells, strict=True)))
        where[("rows", index)] = line[0]
    return BODY, Block("roles_table", {"caption": "", "rows": rows}, number, where)


def _parse_dos_donts(path: Path, number: int, args: list[str], content: list[Line]):
    _no_arguments(path, number, args, "dos-donts")
    value: dict[str, list[str]] = {"dos": [], "donts": []}
    where = {}
    for line_number, text in _non_blank(content):
        found = KEY_LINE.match(text)
        if found is None or found["key"] not in ("do", "dont") or not found["value"]:
            raise CurriculumError(path, line_number, "each line starts with 'do: ' or 'dont: '.")
        items = value[f"{found['key']}s"]
        where[(f"{found['key']}s", len(items))] = line_number
        items.append(found["value"].strip())
    if not value["dos"] or not value["donts"]:
        raise CurriculumError(path, number, "a dos-donts block needs a 'do:' and a 'dont:' line.")
    return BODY, Block("dos_donts", value, number, where)


RESEARCH_KEYS = ("authors", "year", "title", "journal", "url")


def _parse_research(path: Path, number: int, args: list[str], content: list[Line]):
    _no_arguments(path, number, args, "research")
    fields: dict[str, str] = {}
    where: dict[tuple, int] = {}
    index = 0
    while index < len(content) and content[index][1].strip():
        line_number, text = content[index]
        found = KEY_LINE.match(text)
        if found is None or found["key"] not in RESEARCH_KEYS:
            raise CurriculumError(
                path,
                line_number,
                f"a research block starts with {', '.join(RESEARCH_KEYS)} lines, "
                "then a blank line and a summary.",
            )
        if found["key"] in fields:
            raise CurriculumError(path, line_number, f"{found['key']!r} is given twice.")
        fields[found["key"]] = _key_value(path, content[index], found["key"])
        where[("link" if found["key"] == "url" else found["key"],)] = line_number
        index += 1
    missing = [key for key in RESEARCH_KEYS if key not in fields]
    if missing:
        raise CurriculumError(path, number, f"this research block is missing {missing[0]!r}.")
    if not re.fullmatch(r"\d{4}", fields["year"]):
        raise CurriculumError(path, where[("year",)], "the year has four digits.")
    summary = content[index:]
    if not _non_blank(summary):
        raise CurriculumError(path, number, "a research block ends with a summary.")
    where[("summary",)] = _non_blank(summary)[0][0]
    value = {
        "authors": fields["authors"],
        "year": int(fields["year"]),
        "title": fields["title"],
        "journal": fields["journal"],
        "link": fields["url"],
        "summary": _rich_text(
            path, summary, _body_child("research_note", "summary").features, "in a research summary"
        ),
    }
    return BODY, Block("research_note", value, number, where)


def _parse_scenario(path: Path, number: int, args: list[str], content: list[Line]):
    _no_arguments(path, number, args, "scenario")
    lines = _non_blank(content)
    if len(lines) < 3:
        raise CurriculumError(
            path, number, "a scenario has a 'title:' line, the situation, and a 'prompt:' line."
        )
    title = _key_value(path, lines[0], "title")
    prompt = _key_value(path, lines[-1], "prompt")
    situation = [line for line in content if lines[0][0] < line[0] < lines[-1][0]]
    value = {
        "title": title,
        "situation": _rich_text(
            path, situation, _body_child("scenario", "situation").features, "in a scenario"
        ),
        "prompt": prompt,
    }
    where = {("title",): lines[0][0], ("situation",): lines[1][0], ("prompt",): lines[-1][0]}
    return BODY, Block("scenario", value, number, where)


def _parse_question(path: Path, number: int, args: list[str], content: list[Line]):
    kind = _arguments(path, number, args, "question", list(QUESTION_BLOCKS))
    lines = _non_blank(content)
    if len(lines) < 2:
        raise CurriculumError(path, number, "a question has a 'prompt:' and an 'explanation:'.")
    value = {
        "prompt": _key_value(path, lines[0], "prompt"),
        "explanation": _key_value(path, lines[-1], "explanation"),
    }
    where = {("prompt",): lines[0][0], ("explanation",): lines[-1][0]}
    middle = lines[1:-1]
    if kind == "who":
        value.update(_who_fields(path, number, middle, where))
    else:
        choices = _choices(path, number, kind, middle, where)
        if kind == "truefalse":
            true, false = choices
            value.update(
                answer=true["correct"],
                feedback_true=true["feedback"],
                feedback_false=false["feedback"],
            )
            where[("feedback_true",)], where[("feedback_false",)] = middle[0][0], middle[1][0]
        else:
            value["choices"] = choices
    return QUIZ, Block(QUESTION_BLOCKS[kind], value, number, where)


def _choices(path: Path, number: int, kind: str, lines: list[Line], where: dict) -> list[dict]:
    choices = []
    for line_number, text in lines:
        found = CHOICE_LINE.match(text)
        if found is None:
            raise CurriculumError(
                path, line_number, "expected a choice like '[x] text :: feedback' here."
            )
        choice_text, separator, feedback = found["rest"].partition(FEEDBACK_SEPARATOR)
        if not separator or not feedback.strip() or not choice_text.strip():
            raise CurriculumError(
                path, line_number, "every choice has text, then ' :: ' and its feedback."
            )
        where[("choices", len(choices))] = line_number
        choices.append(
            {
                "text": choice_text.strip(),
                "correct": found["mark"] == "x",
                "feedback": feedback.strip(),
            }
        )
    low, high = CHOICES[kind]
    if not low <= len(choices) <= high:
        count = f"{low}" if low == high else f"{low} to {high}"
        raise CurriculumError(
            path, number, f"a {kind} question has {count} choices (this one has {len(choices)})."
        )
    marked = [line for line, choice in zip(lines, choices, strict=True) if choice["correct"]]
    if kind == "multiple" and len(marked) < 2:
        raise CurriculumError(
            path, number, "a multiple-select question needs at least two [x] choices."
        )
    if kind in ("single", "truefalse") and len(marked) != 1:
        line = marked[1][0] if len(marked) > 1 else number
        label = "single-choice" if kind == "single" else "true-or-false"
        raise CurriculumError(path, line, f"a {label} question needs exactly one [x] choice.")
    if kind == "truefalse" and [choice["text"] for choice in choices] != ["True", "False"]:
        raise CurriculumError(path, lines[0][0], "the choices are 'True' then 'False'.")
    return choices


def _who_fields(path: Path, number: int, lines: list[Line], where: dict) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in lines:
        found = KEY_LINE.match(line[1])
        if found is None or found["key"] not in WHO_KEYS:
            raise CurriculumError(
                path, line[0], f"a who question has these lines: {', '.join(WHO_KEYS)}."
            )
        if found["key"] in fields:
            raise CurriculumError(path, line[0], f"{found['key']!r} is given twice.")
        fields[found["key"]] = _key_value(path, line, found["key"])
        where[(found["key"],)] = line[0]
    missing = [key for key in WHO_KEYS if key not in fields]
    if missing:
        raise CurriculumError(path, number, f"this who question is missing {missing[0]!r}.")
    answers = _choice_values(
        _stream_block("quiz").child_blocks["who_does_this"].child_blocks["answer"]
    )
    if fields["answer"] not in answers:
        raise CurriculumError(
            path, where[("answer",)], f"the answer is one of: {', '.join(answers)}."
        )
    return fields


def _parse_action(path: Path, number: int, args: list[str], content: list[Line]):
    who_choices = _choice_values(
        _stream_block("actions").child_blocks["try_tomorrow"].child_blocks["who"]
    )
    if not args or args[0] not in who_choices or args[1:] not in ([], ["data"]):
        raise CurriculumError(
            path,
            number,
            f"an action opens '::: action WHO [data]', WHO one of {', '.join(who_choices)}.",
        )
    lines = _non_blank(content)
    if not lines:
        raise CurriculumError(path, number, "an action needs a sentence saying what to do.")
    value = {
        "text": " ".join(text.strip() for _, text in lines),
        "who": args[0],
        "records_data": args[1:] == ["data"],
    }
    return ACTIONS_PART, Block("try_tomorrow", value, number, {("text",): lines[0][0]})


BLOCK_PARSERS: dict[str, Callable[[Path, int, list[str], list[Line]], tuple[str, Block]]] = {
    "callout": _parse_callout,
    "roles": _parse_roles,
    "dos-donts": _parse_dos_donts,
    "research": _parse_research,
    "scenario": _parse_scenario,
    "question": _parse_question,
    "action": _parse_action,
}


def _check_with_block(path: Path, block: Block, definition: blocks.Block) -> None:
    """Clean the value with the real block, as the editor's form would."""
    try:
        definition.clean(definition.to_python(block.value))
    except ValidationError as error:
        where, message = _first_error(error)
        label = " ".join(str(part) for part in where if isinstance(part, str))
        raise CurriculumError(
            path, block.line_of(where), f"{label}: {message}" if label else message
        ) from None


def _first_error(error: ValidationError, where: tuple = ()) -> tuple[tuple, str]:
    """The first message in a (possibly nested) block validation error, and where it is."""
    block_errors = getattr(error, "block_errors", None)
    if block_errors:
        key, child = next(iter(block_errors.items()))
        return _first_error(child, (*where, key))
    non_block_errors = getattr(error, "non_block_errors", None)
    if non_block_errors:
        return where, " ".join(non_block_errors.as_data()[0].messages)
    return where, " ".join(error.messages)


# Markdown to Wagtail rich text ------------------------------------------------------

# The tags each rich-text feature allows, in the form Wagtail's editor stores.
FEATURE_TAGS = {
    "h2": {"h2"},
    "h3": {"h3"},
    "bold": {"b"},
    "italic": {"i"},
    "link": {"a"},
    "ol": {"ol", "li"},
    "ul": {"ul", "li"},
}
# What an author wrote to get each tag, and how to find that line.
TAG_SOURCES = {
    "h1": ("a # heading", r"^#\s"),
    "h2": ("a ## heading", r"^##\s"),
    "h3": ("a ### heading", r"^###\s"),
    "h4": ("a #### heading", r"^####"),
    "h5": ("a ##### heading", r"^#####"),
    "h6": ("a ###### heading", r"^######"),
    "b": ("bold text", r"\*\*|__"),
    "i": ("italic text", r"(?<![*\w])[*_](?=\S)"),
    "a": ("a link", r"\]\("),
    "ul": ("a bulleted list", r"^\s*[-*+]\s"),
    "ol": ("a numbered list", r"^\s*\d+[.)]\s"),
    "code": ("code", r"`"),
    "pre": ("a code block", r"^ {4}|^```"),
    "blockquote": ("a quotation", r"^\s*>"),
    "hr": ("a horizontal rule", r"^\s*([-*_])(\s*\1){2,}\s*$"),
    "br": ("a line break", r"  $"),
}


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _rich_text(path: Path, lines: list[Line], features: Sequence[str], where: str) -> str:
    """Markdown as the HTML Wagtail rich text stores, refusing what ``features`` doesn't allow."""
    source = "\n".join(text for _, text in lines)
    html = markdown_lib.markdown(source, extensions=["sane_lists"])
    html = re.sub(r"<(/?)strong>", r"<\1b>", html)
    html = re.sub(r"<(/?)em>", r"<\1i>", html)
    html = re.sub(r">\s*\n\s*<", "><", html).replace("\n", " ").strip()
    allowed = {"p"}.union(*(FEATURE_TAGS.get(feature, set()) for feature in features))
    collector = _TagCollector()
    collector.feed(html)
    for tag, attrs in collector.tags:
        if tag == "a" and "a" in allowed and not is_safe_url(attrs.get("href", "")):
            line = _find_line(lines, re.escape(attrs.get("href", "")))
            raise CurriculumError(path, line, "links use http, https or mailto.")
        if tag not in allowed:
            description, pattern = TAG_SOURCES.get(tag, (f"<{tag}>", r"$^"))
            raise CurriculumError(
                path, _find_line(lines, pattern), f"{description} can't be used {where}."
            )
    return html


def _find_line(lines: list[Line], pattern: str) -> int:
    for number, text in lines:
        if re.search(pattern, text):
            return number
    return next((number for number, text in lines if text.strip()), lines[0][0] if lines else 1)
