"""Pieces for the fault tests that other processes import."""

import os
import time

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.filebased import EmailBackend


class SlowFileEmailBackend(EmailBackend):
    """Writes each message to a file after a pause, like a slow mail server, so a
    worker killed mid-batch is usually killed mid-send rather than between sends."""

    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("TANDEM_EMAIL_DELAY", "0.3")))
        return super().send_messages(email_messages)


class BrokenEmailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("The mail server is down.")
