from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pairs.importing import Change, ImportScope, apply_import, check_file


class Command(BaseCommand):
    help = (
        "Import people and pairs from a CSV file (columns: email, first_name, last_name, "
        "role, school, partner_email). Only checks the file unless --commit is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The CSV file, UTF-8, header on line 1.")
        parser.add_argument(
            "--commit", action="store_true", help="Write the import (default: a dry run)."
        )

    def handle(self, *args, file: Path, commit: bool, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error

        # Run from the server's shell: the whole district is in reach.
        plan = check_file(data, ImportScope.whole_district())
        if not plan.is_valid:
            for problem in plan.problems:
                self.stderr.write(f"{file}:{problem.line}: {problem.message}")
            raise CommandError(f"Nothing was imported: {len(plan.problems)} problem(s) in {file}.")

        summary = (
            f"{plan.count(Change.CREATE)} people to add, {plan.count(Change.UPDATE)} to update, "
            f"{plan.count(Change.UNCHANGED)} unchanged; {len(plan.new_pairs)} new pairs."
        )
        if not commit:
            self.stdout.write(f"{file}: {summary}")
            self.stdout.write("Dry run: nothing was written. Run again with --commit to import.")
            return
        result = apply_import(plan, source=file.name)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {file}: {result.created} people added, {result.updated} updated, "
                f"{result.pairs_created} pairs created."
            )
        )
