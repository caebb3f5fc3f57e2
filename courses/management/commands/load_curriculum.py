from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from content.models import HomePage
from courses.curriculum.errors import InvalidCurriculum, display_path
from courses.curriculum.lint import check_curriculum, lint_curriculum, sources_file
from courses.curriculum.reader import CURRICULUM_DIR, read_curriculum
from courses.curriculum.translations import read_translations
from courses.curriculum.writer import CREATED, KEPT, UNCHANGED, UPDATED, import_curriculum


class Command(BaseCommand):
    help = (
        "Import the curriculum's Markdown files as published course and module pages, "
        "then the folders beside it in other languages (es/) as their translations. "
        "Every file is checked first, and every translation against its English twin; "
        "if one is wrong, nothing is written. --check also runs the curriculum lint "
        "(courses/curriculum/lint.py) and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path",
            type=Path,
            default=CURRICULUM_DIR,
            help="The folder of English course folders (default: courses/curriculum/en); "
            "the folders beside it named for another language hold the translations.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check the files (format and lint); write nothing. Exits non-zero "
            "with file:line messages if anything is wrong.",
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Replace pages editors have published in Wagtail with the files' version.",
        )

    def handle(self, *args, path: Path, check: bool, overwrite: bool, **options):
        try:
            courses = check_curriculum(path) if check else read_curriculum(path)
            translations = read_translations(path, courses)
            if check:
                translated = [course for t in translations for _, course in t.courses]
                if errors := lint_curriculum(translated, sources_file(path)):
                    raise InvalidCurriculum(errors)
        except InvalidCurriculum as invalid:
            if check:
                raise CommandError(f"The curriculum has problems:\n{invalid}") from None
            raise CommandError(f"The curriculum was not imported:\n{invalid}") from None
        modules = sum(len(course.modules) for course in courses)
        found = f"{len(courses)} courses and {modules} modules in {display_path(path)}"
        for language in translations:
            found += (
                f", with {len(language.courses)} courses and {language.modules} modules "
                f"in {language.language!r}"
            )
        if check:
            self.stdout.write(self.style.SUCCESS(f"{found} are valid."))
            return
        try:
            summary = import_curriculum(courses, translations, overwrite=overwrite)
        except HomePage.DoesNotExist:
            raise CommandError("There is no home page yet: run migrate first.") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {found}. Pages created: {summary.count(CREATED)}, "
                f"updated: {summary.count(UPDATED)}, unchanged: {summary.count(UNCHANGED)}."
            )
        )
        if kept := summary.count(KEPT):
            self.stdout.write(
                self.style.WARNING(
                    f"Kept as editors published them in Wagtail: {kept} (they differ from "
                    "their files; --overwrite replaces them)."
                )
            )
