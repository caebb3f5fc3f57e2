"""The curriculum in other languages: folders beside the English one, mirroring it.

A Spanish module is the Spanish page of its English twin (``courses/curriculum/en``
and ``courses/curriculum/es`` hold the same folder and file names), and both share
one set of records: progress, quiz attempts, actions and hours belong to the English
page. That holds only if the two have the same questions, choices, right answers
and actions in the same places, because the import gives each Spanish block the id
of the English block in its place, and grading reads those ids. This module reads
every language folder and checks each file mirrors its twin, naming the file and
line of the first difference, before anything is written. The rules are in
``courses/curriculum/README.md`` ("Spanish pages").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from courses.curriculum.blocks import QUIZ_QUESTION_KEY, Block
from courses.curriculum.errors import CurriculumError, InvalidCurriculum, display_path
from courses.curriculum.reader import COURSE_FILE, Course, Module, read_curriculum

# What decides a question's or an action's grading and records, and so must be the
# same in every language; the words around it are the author's.
SAME_IN_EVERY_LANGUAGE = ("answer", "scenario", QUIZ_QUESTION_KEY, "who", "records_data")


@dataclass(frozen=True)
class Translation:
    """One language's courses, each paired with the English course it translates."""

    language: str
    courses: tuple[tuple[Course, Course], ...]  # (source, translation)

    @property
    def modules(self) -> int:
        return sum(len(translated.modules) for _, translated in self.courses)


def language_folders(source_root: Path) -> list[tuple[str, Path]]:
    """The folders beside ``source_root`` named for another content language."""
    languages = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
    return [
        (code, source_root.parent / code)
        for code in languages
        if code != source_root.name and (source_root.parent / code).is_dir()
    ]


def read_translations(source_root: Path, sources: Sequence[Course]) -> list[Translation]:
    """Every other language's courses, read and checked against their English twins.

    Raises :class:`InvalidCurriculum` with every problem in every language.
    """
    translations, errors = [], []
    for language, folder in language_folders(source_root):
        if not any(path.is_dir() for path in folder.iterdir()):
            continue  # a language folder with no course yet
        try:
            courses = read_curriculum(folder)
        except InvalidCurriculum as invalid:
            errors.extend(invalid.errors)
            continue
        pairs, problems = twin_courses(sources, courses, source_root)
        errors.extend(problems)
        translations.append(Translation(language, tuple(pairs)))
    if errors:
        raise InvalidCurriculum(errors)
    return translations


def twin_courses(
    sources: Sequence[Course], translated: Sequence[Course], source_root: Path
) -> tuple[list[tuple[Course, Course]], list[CurriculumError]]:
    """Each translated course with its English twin (the folder of the same name),
    and every way a translation does not mirror it."""
    by_folder = {course.path.name: course for course in sources}
    pairs, errors = [], []
    for course in translated:
        source = by_folder.get(course.path.name)
        if source is None:
            errors.append(
                CurriculumError(
                    course.path / COURSE_FILE,
                    None,
                    f"there is no English course {display_path(source_root / course.path.name)} "
                    "to translate.",
                )
            )
            continue
        course_errors = list(mirror_course(source, course))
        errors.extend(course_errors)
        if not course_errors:
            pairs.append((source, course))
    return pairs, errors


def mirror_course(source: Course, translated: Course) -> Iterator[CurriculumError]:
    course_file = translated.path / COURSE_FILE
    if translated.slug != source.slug:
        yield CurriculumError(
            course_file, None, f"the slug is the English course's: {source.slug!r}."
        )
    if translated.audience != source.audience:
        yield CurriculumError(
            course_file, None, f"the audience is the English course's: {source.audience!r}."
        )
    by_file = {module.path.name: module for module in source.modules}
    for module in translated.modules:
        twin = by_file.get(module.path.name)
        if twin is None:
            yield CurriculumError(
                module.path,
                None,
                f"there is no English module {display_path(source.path / module.path.name)} "
                "to translate.",
            )
        else:
            yield from mirror_module(twin, module)


def mirror_module(source: Module, translated: Module) -> Iterator[CurriculumError]:
    """The first difference in each part of a module that records depend on."""
    path = translated.path
    for key in ("slug", "minutes", "pass_mark", "pd_hours"):
        if getattr(translated, key) != getattr(source, key):
            yield CurriculumError(
                path,
                translated.front_lines.get(key),
                f"{key} is the English module's: {getattr(source, key)}.",
            )
    parts = (
        ("pre-check question", source.precheck, translated.precheck),
        ("question", source.quiz, translated.quiz),
        ("action", source.actions, translated.actions),
    )
    for label, theirs, ours in parts:
        problem = _first_difference(label, theirs, ours)
        if problem is not None:
            line, message = problem
            yield CurriculumError(path, line if line is not None else 1, message)


def _first_difference(
    label: str, source: Sequence[Block], translated: Sequence[Block]
) -> tuple[int | None, str] | None:
    if len(translated) != len(source):
        line = translated[-1].line if translated else None
        return line, (
            f"the English module has {len(source)} {label}s and this one {len(translated)}: "
            "every one is translated, in the same order."
        )
    for number, (theirs, ours) in enumerate(zip(source, translated, strict=True), start=1):
        problem = _block_difference(theirs, ours)
        if problem is not None:
            where, message = problem
            return ours.line_of(where), f"{label} {number}: {message}"
    return None


def _block_difference(source: Block, translated: Block) -> tuple[tuple, str] | None:
    if translated.kind != source.kind:
        return (), f"it is a {source.kind} block in English, not {translated.kind}."
    theirs, ours = source.value, translated.value
    for key in SAME_IN_EVERY_LANGUAGE:
        if ours.get(key) != theirs.get(key):
            return (key,), f"its {key} is {theirs.get(key)!r} in English, not {ours.get(key)!r}."
    source_choices, choices = theirs.get("choices", []), ours.get("choices", [])
    if len(choices) != len(source_choices):
        return (), f"it has {len(source_choices)} choices in English, not {len(choices)}."
    for number, (their_choice, our_choice) in enumerate(
        zip(source_choices, choices, strict=True), start=1
    ):
        for key, meaning in (("correct", "right"), ("pinned", "pinned")):
            if bool(our_choice.get(key)) != bool(their_choice.get(key)):
                state = "is" if their_choice.get(key) else "is not"
                return ("choices", number - 1), f"choice {number} {state} {meaning} in English."
    look_fors = len(theirs.get("look_fors", []))
    if len(ours.get("look_fors", [])) != look_fors:
        return ("look_fors",), f"it has {look_fors} look-fors in English."
    return None
