"""Settings for the processes tests/test_faults.py starts (gunicorn, db_worker):
the test settings, with the database task backend and email written to files
in TANDEM_EMAIL_DIR so the test can count what was sent."""

import os

from config.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EMAIL_BACKEND = "tests.fault_support.SlowFileEmailBackend"
EMAIL_FILE_PATH = os.environ.get("TANDEM_EMAIL_DIR", "/tmp/tandem-fault-email")
