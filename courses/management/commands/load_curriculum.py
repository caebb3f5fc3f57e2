from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from content.models import HomePage
from courses.curriculum.errors import InvalidCurriculum, display_path
from courses.curriculum.lint import check_curriculum
from courses.curriculum.reader import CURRICULUM_DIR, read_curriculum
from courses.curriculum.writer import CREATED, KEPT, UNCHANGED, UPDATED, import_curriculum


class Command(BaseCommand):
    help = (
        "Import the curriculum's Markdown files as published course and module pages. "
        "Every file is checked first; if one is wrong, nothing is written. --check also "
        "runs the curriculum lint (courses/curriculum/lint.py) and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path",
            type=Path,
            default=CURRICULUM_DIR,
            help="The folder of course folders (default: courses/curriculum/en).",
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
        except InvalidCurriculum as invalid:
            if check:
                raise CommandError(f"The curriculum has problems:\n{invalid}") from None
            raise CommandError(f"The curriculum was not imported:\n{invalid}") from None
        modules = sum(len(course.modules) for course in courses)
        found = f"{len(courses)} courses and {modules} modules in {display_path(path)}"
        if check:
            self.stdout.write(self.style.SUCCESS(f"{found} are valid."))
            return
        try:
            summary = import_curriculum(courses, overwrite=overwrite)
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
