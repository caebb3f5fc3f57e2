"""The curriculum lint: what a PD lead would hold every module to, beyond the file format.

``courses.curriculum.reader`` checks that a file is well formed; this checks that what it
says is a sound module: enough questions, scenario items among them, right answers not
all in one place, choices that really shuffle, balanced true-or-false keys, feedback
everywhere, a three-question pre-check on three of the quiz's ideas, try-tomorrow
actions that ask for a note, PD hours that follow the minutes, and research that is in
the bibliography (``courses/curriculum/sources.toml``). The rules are listed in
``courses/curriculum/README.md`` ("The curriculum lint"); every problem names its file and
line. ``load_curriculum`` runs it before importing, and ``load_curriculum --check`` runs it
alone.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from courses.blocks import PRECHECK_ITEMS
from courses.curriculum.blocks import QUIZ_QUESTION_KEY, Block
from courses.curriculum.errors import CurriculumError, InvalidCurriculum
from courses.curriculum.reader import (
    CURRICULUM_DIR,
    Course,
    Module,
    pd_hours_for,
    read_curriculum,
)

SOURCES_FILE = "sources.toml"

MIN_QUESTIONS = 5
MIN_SCENARIO_ITEMS = 2
MAX_SHARE_IN_ONE_POSITION = Fraction(1, 2)  # of a module's right answers
MAX_TRUE_FALSE_SHARE = Fraction(3, 5)  # of a course's true-or-false keys, one way
ACTIONS = (2, 3)
MIN_SHUFFLED_CHOICES = 2  # a question with fewer unpinned choices shows one order only

CHOICE_KINDS = ("single_choice", "multiple_select")
SOURCE_KEYS = ("id", "authors", "year", "title", "published_in", "checked")
SOURCE_LOCATORS = ("doi", "eric", "url")
SOURCE_OPTIONAL = ("kind", "note")


def check_curriculum(root: Path = CURRICULUM_DIR, sources: Path | None = None) -> list[Course]:
    """Read every course under ``root`` and lint it.

    Raises :class:`InvalidCurriculum` with every problem found (format problems first:
    the lint runs only on a curriculum that reads).
    """
    courses = read_curriculum(root)
    errors = lint_curriculum(courses, sources or sources_file(root))
    if errors:
        raise InvalidCurriculum(errors)
    return courses


def sources_file(root: Path) -> Path:
    """The bibliography beside the language folders: ``courses/curriculum/sources.toml``."""
    return root.parent / SOURCES_FILE


def lint_curriculum(courses: Sequence[Course], sources_path: Path) -> list[CurriculumError]:
    errors: list[CurriculumError] = []
    try:
        bibliography = read_sources(sources_path)
    except CurriculumError as error:
        errors.append(error)
        bibliography = None
    for course in courses:
        for module in course.modules:
            errors.extend(lint_module(module, bibliography, sources_path))
        errors.extend(_true_false_balance(course))
    return errors


# The bibliography ------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    id: str
    authors: str
    year: int
    title: str
    published_in: str
    line: int


def read_sources(path: Path) -> dict[tuple[int, str], Source]:
    """Every entry of the bibliography, keyed by (year, title) as research blocks cite it."""
    if not path.is_file():
        raise CurriculumError(path, None, "the bibliography file is missing.")
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"\(at line (\d+), column \d+\)", str(error))
        raise CurriculumError(
            path, int(found[1]) if found else 1, f"invalid TOML: {error}."
        ) from None
    entries = data.get("source")
    if not isinstance(entries, list) or not entries:
        raise CurriculumError(path, 1, "the bibliography lists its sources as [[source]] tables.")
    starts = [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "[[source]]"]
    sources: dict[tuple[int, str], Source] = {}
    for index, entry in enumerate(entries):
        line = starts[index] if index < len(starts) else 1
        for key in SOURCE_KEYS:
            if key not in entry or entry[key] in ("", None):
                raise CurriculumError(path, line, f"this source is missing {key!r}.")
        unknown = set(entry) - set(SOURCE_KEYS) - set(SOURCE_LOCATORS) - set(SOURCE_OPTIONAL)
        if unknown:
            raise CurriculumError(path, line, f"unknown key {sorted(unknown)[0]!r}.")
        if not any(entry.get(key) for key in SOURCE_LOCATORS):
            raise CurriculumError(
                path, line, "a source needs a DOI, an ERIC number or a URL (doi, eric or url)."
            )
        if not isinstance(entry["year"], int):
            raise CurriculumError(path, line, "the year is a whole number.")
        source = Source(
            entry["id"],
            entry["authors"],
            entry["year"],
            entry["title"],
            entry["published_in"],
            line,
        )
        key = (source.year, _normal(source.title))
        if key in sources:
            raise CurriculumError(path, line, f"this source is listed twice ({entry['id']!r}).")
        sources[key] = source
    return sources


def _normal(title: str) -> str:
    return " ".join(title.casefold().split())


# One module ----------------------------------------------------------------------


def lint_module(
    module: Module, bibliography: dict | None, sources_path: Path
) -> Iterator[CurriculumError]:
    path = module.path
    quiz = module.quiz
    first_question = quiz[0].line if quiz else 1

    def error(line: int, message: str) -> CurriculumError:
        return CurriculumError(path, line, message)

    if len(quiz) < MIN_QUESTIONS:
        yield error(
            quiz[-1].line if quiz else 1,
            f"a module needs at least {MIN_QUESTIONS} questions (it has {len(quiz)}).",
        )
    scenario_items = [block for block in quiz if block.value.get("scenario")]
    if len(scenario_items) < MIN_SCENARIO_ITEMS:
        yield error(
            first_question,
            f"a module needs at least {MIN_SCENARIO_ITEMS} scenario items, questions opened "
            f"'::: question single scenario' (it has {len(scenario_items)}).",
        )
    yield from _answer_positions(module)
    for block in quiz:
        yield from _feedback(path, block)
        yield from _pinned(path, block)
    yield from _precheck(module)
    yield from _actions(module)
    if "pd_hours" in module.front_lines:
        expected = pd_hours_for(module.minutes)
        if module.pd_hours != expected:
            yield error(
                module.front_lines["pd_hours"],
                f"pd_hours is minutes / 60 to the nearest quarter hour: {module.minutes} "
                f"minutes give {expected}, not {module.pd_hours} (or leave pd_hours out).",
            )
    if module.model_answer is None:
        yield error(
            first_question,
            "a module needs a '::: model-answer' block (what a good answer to its scenario "
            "sounds like) before its questions.",
        )
    research = [block for block in module.body if block.kind == "research_note"]
    if not research:
        yield error(first_question, "a module cites at least one source in a '::: research' block.")
    if bibliography is not None:
        for block in research:
            key = (block.value["year"], _normal(block.value["title"]))
            if key not in bibliography:
                yield error(
                    block.line,
                    f"this source ({block.value['authors']}, {block.value['year']}) is not in "
                    f"{sources_path.name}: add it there, with how it was checked.",
                )


def _answer_positions(module: Module) -> Iterator[CurriculumError]:
    """No position (first choice, second, …) holds more than half the right answers."""
    positions: Counter[int] = Counter()
    first_line: dict[int, int] = {}
    for block in module.quiz:
        if block.kind not in CHOICE_KINDS:
            continue
        for index, choice in enumerate(block.value["choices"]):
            if choice["correct"]:
                positions[index] += 1
                first_line.setdefault(index, block.line_of(("choices", index)))
    total = sum(positions.values())
    for index, count in sorted(positions.items()):
        if total and Fraction(count, total) > MAX_SHARE_IN_ONE_POSITION:
            yield CurriculumError(
                module.path,
                first_line[index],
                f"choice {index + 1} is right in {count} of this module's {total} right "
                "answers; spread them so no position holds more than half.",
            )


def _pinned(path: Path, block: Block) -> Iterator[CurriculumError]:
    """Pinning is for "None of the above": a question keeps at least two choices free
    to shuffle, or every attempt shows it in the file's order."""
    if block.kind not in CHOICE_KINDS:
        return
    choices = block.value["choices"]
    free = sum(1 for choice in choices if not choice.get("pinned"))
    if free < MIN_SHUFFLED_CHOICES:
        first = next(i for i, choice in enumerate(choices) if choice.get("pinned"))
        yield CurriculumError(
            path,
            block.line_of(("choices", first)),
            f"only {free} of this question's choices can move: pin at most "
            f"{len(choices) - MIN_SHUFFLED_CHOICES}, so the choices are shuffled.",
        )


def _precheck(module: Module) -> Iterator[CurriculumError]:
    """Three pre-check questions ("What do you already know?"), on three different quiz
    questions, each asked in its own words, with feedback on every choice."""
    items = module.precheck
    if len(items) != PRECHECK_ITEMS:
        yield CurriculumError(
            module.path,
            items[0].line if items else (module.body[0].line if module.body else 1),
            f"a module opens with a pre-check of {PRECHECK_ITEMS} questions, "
            f"'::: precheck TYPE' blocks before the body (it has {len(items)}).",
        )
    seen: dict[int, int] = {}
    for block in items:
        yield from _feedback(module.path, block)
        number = block.value[QUIZ_QUESTION_KEY]
        line = block.line_of((QUIZ_QUESTION_KEY,))
        if number in seen:
            yield CurriculumError(
                module.path,
                line,
                f"quiz question {number} already has a pre-check question (line {seen[number]}): "
                "each pre-check question checks a different idea.",
            )
        seen.setdefault(number, line)
        if number <= len(module.quiz) and _normal(block.value["prompt"]) == _normal(
            module.quiz[number - 1].value["prompt"]
        ):
            yield CurriculumError(
                module.path,
                block.line_of(("prompt",)),
                f"this pre-check question copies quiz question {number}: ask about the same "
                "idea in other words, so the quiz shows what was learned, not what was seen.",
            )


def _feedback(path: Path, block: Block) -> Iterator[CurriculumError]:
    value = block.value
    if block.kind in CHOICE_KINDS:
        for index, choice in enumerate(value["choices"]):
            if not choice.get("feedback", "").strip():
                yield CurriculumError(
                    path, block.line_of(("choices", index)), "every choice needs feedback."
                )
    else:
        keys = [key for key in value if key.startswith("feedback_")]
        for key in keys:
            if not str(value[key]).strip():
                yield CurriculumError(path, block.line_of((key,)), f"{key} needs feedback.")


def _actions(module: Module) -> Iterator[CurriculumError]:
    actions = module.actions
    line = actions[0].line if actions else 1
    low, high = ACTIONS
    if not low <= len(actions) <= high:
        yield CurriculumError(
            module.path, line, f"a module has {low} to {high} actions (it has {len(actions)})."
        )
    if actions and not any(block.value["records_data"] for block in actions):
        yield CurriculumError(
            module.path,
            line,
            "at least one action asks the pair to note what happened: open it "
            "'::: action WHO data'.",
        )
    for block in actions:
        yield from _look_fors(module.path, block)


def _look_fors(path: Path, block: Block) -> Iterator[CurriculumError]:
    """Each look-for of an action names a different step: the teacher ticks them one by
    one, and two the same would count one step twice. (Two to five, when there are any,
    is the block's own rule: the reader refuses other counts.)"""
    seen: dict[str, int] = {}
    for index, step in enumerate(block.value.get("look_fors") or []):
        line = block.line_of(("look_fors", index))
        if _normal(step) in seen:
            yield CurriculumError(
                path,
                line,
                f"this look-for repeats line {seen[_normal(step)]}: each one names a "
                "different step the teacher can see.",
            )
        seen.setdefault(_normal(step), line)


# One course ----------------------------------------------------------------------


def _true_false_balance(course: Course) -> Iterator[CurriculumError]:
    """No more than 60% of a course's true-or-false keys go one way."""
    keyed: dict[bool, list[tuple[Module, Block]]] = {True: [], False: []}
    for module in course.modules:
        for block in module.quiz:
            if block.kind == "true_false":
                keyed[bool(block.value["answer"])].append((module, block))
    total = len(keyed[True]) + len(keyed[False])
    for answer, items in keyed.items():
        if total and Fraction(len(items), total) > MAX_TRUE_FALSE_SHARE:
            module, block = items[-1]
            yield CurriculumError(
                module.path,
                block.line,
                f"{len(items)} of the {total} true-or-false questions in the course "
                f"{course.slug!r} are keyed {'True' if answer else 'False'}; no more than "
                "60% may go one way.",
            )
