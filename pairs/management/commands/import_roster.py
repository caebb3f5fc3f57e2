from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pairs.importing import Change
from pairs.roster import apply_roster, plan_roster, read_bundle


class Command(BaseCommand):
    help = (
        "Import staff, and their schools, from a OneRoster 1.1 or 1.2 CSV bundle (a zip). "
        "Students and guardians are counted and skipped. --dry-run only says what would change."
    )

    def add_arguments(self, parser):
        parser.add_argument("bundle", type=Path, help="The OneRoster CSV bundle, a .zip file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would change; write nothing."
        )

    def handle(self, *args, bundle: Path, dry_run: bool, **options):
        try:
            data = bundle.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {bundle}: {error.strerror}.") from error

        # Run from the server's shell: the whole district is in reach.
        plan = plan_roster(read_bundle(data))
        if not plan.is_valid:
            for problem in plan.problems:
                self.stderr.write(f"{bundle}: {problem}")
            raise CommandError(
                f"Nothing was imported: {len(plan.problems)} problem(s) in {bundle}."
            )
        for problem in plan.refused:
            self.stdout.write(f"Refused: {problem}")
        for person in plan.people:
            if person.change == Change.UPDATE:
                changed = ", ".join(person.changes)
                self.stdout.write(f"Change: {person.member.name} ({changed})")
        for user in plan.deactivate:
            self.stdout.write(f"Deactivate: {user} (no longer in the roster)")
        self.stdout.write(
            f"{bundle} (OneRoster {plan.roster.version}): "
            f"{plan.schools_count(Change.CREATE)} schools to add, "
            f"{plan.count(Change.CREATE)} people to add, {plan.count(Change.UPDATE)} to change, "
            f"{plan.count(Change.UNCHANGED)} unchanged, {len(plan.deactivate)} to deactivate, "
            f"{len(plan.refused)} refused; {plan.skipped} students and guardians skipped."
        )
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
            return
        result = apply_roster(plan, source=bundle.name)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {bundle}: {result.schools_created} schools added, "
                f"{result.created} people added, {result.updated} changed, "
                f"{result.deactivated} deactivated."
            )
        )
