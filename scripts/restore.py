#!/usr/bin/env python
"""Restore a backup into the configured database (stop the site first):
``DATABASE_URL=… scripts/restore.py backups/tandem-2026-11-22.dump``."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from config.backup import restore  # noqa: E402

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: scripts/restore.py BACKUP_FILE")
    restore(Path(sys.argv[1]), settings.DATABASES["default"])
    print("Restored.")
