#!/usr/bin/env python
"""Back up the configured database: ``scripts/backup.py backups/tandem-2026-11-22.dump``."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from config.backup import backup  # noqa: E402

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: scripts/backup.py DESTINATION_FILE")
    written = backup(settings.DATABASES["default"], Path(sys.argv[1]))
    print(f"Backed up to {written}.")
