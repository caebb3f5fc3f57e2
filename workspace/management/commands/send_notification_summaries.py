"""Run once a day from cron: one email to each person who chose a daily summary of
what waits for them. Running it again the same day sends nothing twice."""

from django.core.management.base import BaseCommand

from workspace.notifications import send_daily_summaries


class Command(BaseCommand):
    help = "Email the daily summary of what waits for each person who chose one."

    def handle(self, *args, **options):
        sent = send_daily_summaries()
        self.stdout.write(f"Sent {sent} daily summar{'y' if sent == 1 else 'ies'}.")
