"""From cron, every few minutes: put back tasks whose worker died while running them.

django-tasks-db marks a task RUNNING when a worker claims it and only a live
worker moves it on; a worker killed mid-task (OOM, deploy, SIGKILL) leaves it
RUNNING forever. Tandem's email tasks check their sent-marker (``ReminderLog``,
``AdminDigest``) in the same transaction as the send, so running one again
sends nothing that already went out.
"""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def requeue_stale_tasks(older_than: datetime.timedelta) -> int:
    """Set RUNNING tasks started more than ``older_than`` ago back to READY."""
    with transaction.atomic():
        stale = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING, started_at__lt=timezone.now() - older_than
        )
        return DBTaskResult.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).update(
            status=TaskResultStatus.READY, started_at=None
        )


class Command(BaseCommand):
    help = (
        "Requeue tasks left RUNNING by a worker that died (started more than --minutes ago; "
        "longer than any task takes)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=float, default=15)

    def handle(self, *args, minutes, **options):
        count = requeue_stale_tasks(datetime.timedelta(minutes=minutes))
        self.stdout.write(f"Requeued {count} stale tasks.")
