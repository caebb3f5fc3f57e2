"""``manage.py restore FILE``: load a backup into the configured database."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from privacy.backup import restore


class Command(BaseCommand):
    help = (
        "Load a backup made by `manage.py backup` into the configured database. Stop "
        "the site first; on PostgreSQL it replaces what is there."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, metavar="FILE")

    def handle(self, *args, source: Path, **options):
        if not source.is_file():
            raise CommandError(f"{source}: no such backup file.")
        restore(source, settings.DATABASES["default"])
        self.stdout.write("Restored.")
