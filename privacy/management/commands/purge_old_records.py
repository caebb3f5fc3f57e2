"""Daily or weekly, from cron: delete pairs' plans, actions and check-ins past retention."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from privacy.retention import purge_old_records


class Command(BaseCommand):
    help = (
        "Delete weekly plans, checklist actions and check-ins from school years older than "
        "TANDEM_RETENTION_SCHOOL_YEARS (default 3, counting this one)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="Run as if today were this date (YYYY-MM-DD). Defaults to today.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would go; delete nothing."
        )

    def handle(self, *args, today=None, dry_run=False, **options):
        purge = purge_old_records(today or timezone.localdate(), dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {purge.plans} plans, {purge.actions} actions and {purge.check_ins} "
            f"check-ins dated before {purge.cutoff:%Y-%m-%d}."
        )
        if purge.outside_pd:
            self.stdout.write(f"{verb} {purge.outside_pd} outside PD entries and their evidence.")
        for kept in purge.kept:
            self.stdout.write(str(kept))
