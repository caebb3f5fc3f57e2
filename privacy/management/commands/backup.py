"""``manage.py backup FILE``: a consistent copy of the configured database."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from privacy.backup import backup


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the configured database to FILE (SQLite through "
        "its online backup API, PostgreSQL through pg_dump). Safe while the site runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", type=Path, metavar="FILE")

    def handle(self, *args, destination: Path, **options):
        written = backup(settings.DATABASES["default"], destination)
        self.stdout.write(f"Backed up to {written}.")
