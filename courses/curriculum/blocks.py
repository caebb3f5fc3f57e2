"""The blocks of a module file: body Markdown and ``:::`` blocks, questions and
actions, each parsed into the raw value of a ModulePage StreamField block and
cleaned by the real block, as the editor's form would."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from wagtail import blocks

from courses.curriculum.errors import CurriculumError, Line
from courses.curriculum.rich_text import to_rich_text
from courses.models import ModulePage

BLOCK_END = ":::"
BLOCK_START = re.compile(r"^:::[ ]+(?P<kind>\S+)(?P<args>.*)$")
KEY_LINE = re.compile(r"^(?P<key>[a-z_]+):(?: (?P<value>.*))?$")
CHOICE_LINE = re.compile(r"^\[(?P<mark>[ x])\] (?P<rest>.*)$")
FEEDBACK_SEPARATOR = " :: "
# "[ ] (pinned) None of the above :: …": the choice keeps its place when choices are shuffled.
PINNED = "(pinned) "

# The documented limits ("File format" in courses/curriculum/README.md).
CHOICES = {"single": (3, 4), "multiple": (4, 5), "truefalse": (2, 2)}

QUESTION_BLOCKS = {
    "single": "single_choice",
    "multiple": "multiple_select",
    "truefalse": "true_false",
    "who": "who_does_this",
}
WHO_KEYS = ("answer", "feedback_teacher", "feedback_para", "feedback_both")
# "::: question single scenario": a situation, then a decision (a scenario item).
SCENARIO_FLAG = "scenario"
SCENARIO_KINDS = ("single", "multiple")
# A pre-check question's first line: the quiz question on the same idea.
QUIZ_QUESTION_KEY = "quiz_question"
# "look_for: Offers the card before the student's voice rises": one observable step of
# doing an action well, a line each, after the action's sentence.
LOOK_FOR_KEY = "look_for"


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


# Body, questions and actions -------------------------------------------------------

# The ModulePage StreamFields, in the order a file gives them.
PRECHECK, BODY, QUIZ, ACTIONS_PART = "precheck", "body", "quiz", "actions"
PART_ORDER = (PRECHECK, BODY, QUIZ, ACTIONS_PART)
MODEL_ANSWER = "model_answer"  # a plain-text field, not a StreamField: kept apart


@dataclass(frozen=True)
class ModuleBlocks:
    """Everything after a module file's front matter, each part checked by the real
    blocks it fills."""

    precheck: list[Block]
    body: list[Block]
    quiz: list[Block]
    actions: list[Block]
    model_answer: Block | None


def parse_blocks(path: Path, lines: list[Line]) -> tuple[list[Block], list[Block], list[Block]]:
    """The body, quiz and actions blocks of a module file, from the lines after its front
    matter: each checked by the real block it fills."""
    parsed = parse_module_blocks(path, lines)
    return parsed.body, parsed.quiz, parsed.actions


def parse_module_blocks(path: Path, lines: list[Line]) -> ModuleBlocks:
    """As :func:`parse_blocks`, with the module's pre-check and model answer as well."""
    parts: dict[str, list[Block]] = {PRECHECK: [], BODY: [], QUIZ: [], ACTIONS_PART: []}
    current = PRECHECK
    markdown: list[Line] = []
    answers: list[Block] = []

    def place(part: str, block: Block) -> None:
        nonlocal current
        if part == MODEL_ANSWER:
            if current not in (PRECHECK, BODY):
                raise CurriculumError(
                    path, block.line, "the model-answer block comes before the questions."
                )
            if answers:
                raise CurriculumError(
                    path, block.line, f"a module has one model answer (see line {answers[0].line})."
                )
            _check_with_field(path, block, ModulePage._meta.get_field(MODEL_ANSWER))
            answers.append(block)
            return
        if PART_ORDER.index(part) < PART_ORDER.index(current):
            raise CurriculumError(
                path,
                block.line,
                "the order is the pre-check, then body text and blocks, then questions, "
                "then actions.",
            )
        current = part
        # Each part is named after the StreamField it fills.
        _check_with_block(path, block, _stream_block(part).child_blocks[block.kind])
        parts[part].append(block)

    def flush() -> None:
        if any(text.strip() for _, text in markdown):
            html = to_rich_text(path, markdown, text_block().features, "in module text")
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
    return ModuleBlocks(
        precheck=parts[PRECHECK],
        body=parts[BODY],
        quiz=parts[QUIZ],
        actions=parts[ACTIONS_PART],
        model_answer=answers[0] if answers else None,
    )


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


def text_block() -> blocks.RichTextBlock:
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
        "text": to_rich_text(path, text, _body_child("callout", "text").features, "in a callout"),
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
        "summary": to_rich_text(
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
        "situation": to_rich_text(
            path, situation, _body_child("scenario", "situation").features, "in a scenario"
        ),
        "prompt": prompt,
    }
    where = {("title",): lines[0][0], ("situation",): lines[1][0], ("prompt",): lines[-1][0]}
    return BODY, Block("scenario", value, number, where)


def _parse_question(path: Path, number: int, args: list[str], content: list[Line]):
    scenario = len(args) == 2 and args[1] == SCENARIO_FLAG
    if scenario and args[0] not in SCENARIO_KINDS:
        raise CurriculumError(
            path, number, f"only {' and '.join(SCENARIO_KINDS)} questions can be scenario items."
        )
    if scenario:
        args = args[:1]
    kind = _arguments(path, number, args, "question", list(QUESTION_BLOCKS))
    value, where = _question(path, number, kind, _non_blank(content))
    if scenario:
        value["scenario"] = True
    return QUIZ, Block(QUESTION_BLOCKS[kind], value, number, where)


def _parse_precheck(path: Path, number: int, args: list[str], content: list[Line]):
    """ "::: precheck TYPE": a question as in the quiz, opened by a 'quiz_question: N'
    line naming the quiz question (1 for the first) on the same idea."""
    kind = _arguments(path, number, args, "precheck", list(QUESTION_BLOCKS))
    lines = _non_blank(content)
    if not lines or not lines[0][1].startswith(f"{QUIZ_QUESTION_KEY}:"):
        raise CurriculumError(
            path,
            lines[0][0] if lines else number,
            f"a pre-check question opens with a '{QUIZ_QUESTION_KEY}: N' line: the number of "
            "the quiz question on the same idea (1 for the first).",
        )
    quiz_question = _key_value(path, lines[0], QUIZ_QUESTION_KEY)
    if not re.fullmatch(r"[1-9]\d*", quiz_question):
        raise CurriculumError(
            path, lines[0][0], f"'{QUIZ_QUESTION_KEY}:' is a question number, like 3."
        )
    value, where = _question(path, number, kind, lines[1:])
    value[QUIZ_QUESTION_KEY] = int(quiz_question)
    where[(QUIZ_QUESTION_KEY,)] = lines[0][0]
    return PRECHECK, Block(QUESTION_BLOCKS[kind], value, number, where)


def _question(path: Path, number: int, kind: str, lines: list[Line]) -> tuple[dict, dict]:
    """A question's value from its non-blank lines: 'prompt:', the choices (or, for a
    who question, its answer and feedback lines), then 'explanation:'."""
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
    return value, where


def _choices(path: Path, number: int, kind: str, lines: list[Line], where: dict) -> list[dict]:
    choices = []
    for line_number, text in lines:
        found = CHOICE_LINE.match(text)
        if found is None:
            raise CurriculumError(
                path, line_number, "expected a choice like '[x] text :: feedback' here."
            )
        rest = found["rest"]
        pinned = rest.startswith(PINNED)
        if pinned and kind == "truefalse":
            raise CurriculumError(
                path,
                line_number,
                "true and false are never shuffled: leave out '(pinned)'.",
            )
        choice_text, separator, feedback = rest.removeprefix(PINNED).partition(FEEDBACK_SEPARATOR)
        if not separator or not feedback.strip() or not choice_text.strip():
            raise CurriculumError(
                path, line_number, "every choice has text, then ' :: ' and its feedback."
            )
        where[("choices", len(choices))] = line_number
        choice = {
            "text": choice_text.strip(),
            "correct": found["mark"] == "x",
            "feedback": feedback.strip(),
        }
        if pinned:
            choice["pinned"] = True
        choices.append(choice)
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
    sentence = [line for line in lines if not line[1].startswith(f"{LOOK_FOR_KEY}:")]
    steps = lines[len(sentence) :] if lines[: len(sentence)] == sentence else None
    if steps is None:
        first_step = next(n for n, text in lines if text.startswith(f"{LOOK_FOR_KEY}:"))
        raise CurriculumError(
            path,
            first_step,
            f"an action's '{LOOK_FOR_KEY}:' lines come last, after its sentence.",
        )
    if not sentence:
        raise CurriculumError(path, number, "an action needs a sentence saying what to do.")
    value = {
        "text": " ".join(text.strip() for _, text in sentence),
        "who": args[0],
        "records_data": args[1:] == ["data"],
        "look_fors": [_key_value(path, line, LOOK_FOR_KEY) for line in steps],
    }
    where = {("text",): sentence[0][0]}
    if steps:
        where[("look_fors",)] = steps[0][0]
        where.update({("look_fors", index): line[0] for index, line in enumerate(steps)})
    return ACTIONS_PART, Block("try_tomorrow", value, number, where)


def _parse_model_answer(path: Path, number: int, args: list[str], content: list[Line]):
    _no_arguments(path, number, args, "model-answer")
    paragraphs, current = [], []
    for _number, text in content:
        if text.strip():
            current.append(text.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    if not paragraphs:
        raise CurriculumError(path, number, "a model answer needs some text.")
    return MODEL_ANSWER, Block(MODEL_ANSWER, "\n\n".join(paragraphs), number)


BLOCK_PARSERS: dict[str, Callable[[Path, int, list[str], list[Line]], tuple[str, Block]]] = {
    "callout": _parse_callout,
    "roles": _parse_roles,
    "dos-donts": _parse_dos_donts,
    "research": _parse_research,
    "scenario": _parse_scenario,
    "precheck": _parse_precheck,
    "question": _parse_question,
    "action": _parse_action,
    "model-answer": _parse_model_answer,
}


def _check_with_field(path: Path, block: Block, model_field) -> None:
    try:
        model_field.clean(block.value, None)
    except ValidationError as error:
        raise CurriculumError(path, block.line, " ".join(error.messages)) from None


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
