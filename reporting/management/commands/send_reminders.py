"""Daily, from cron: due-soon and overdue reminders, and the administrators' weekly digest."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting.reminders import planned_emails, send_reminders


class Command(BaseCommand):
    help = (
        "Send due-soon (three days ahead) and overdue reminders to learners, and each "
        "administrator's weekly digest (on the first run of the week). Nothing is sent "
        "twice, however often it runs; a send that fails is tried again on the next run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="Run as if today were this date (YYYY-MM-DD). Defaults to today.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the emails this run would send; send and record nothing.",
        )

    def handle(self, *args, today=None, dry_run=False, **options):
        today = today or timezone.localdate()
        if dry_run:
            self.list_planned(today)
            return
        summary = send_reminders(today)
        self.stdout.write(f"Queued {summary.queued} reminder and digest emails.")
        if summary.failed:
            # A non-zero exit so cron's mail says something went wrong.
            raise CommandError(
                f"{summary.failed} emails could not be sent; they will be tried again "
                "on the next run."
            )

    def list_planned(self, today):
        planned = planned_emails(today)
        for email in planned:
            self.stdout.write(f"{email.kind}: {email.to}: {email.about}")
        self.stdout.write(
            f"Dry run as of {today.isoformat()}: {len(planned)} emails would be sent; "
            "nothing was sent or recorded."
        )
