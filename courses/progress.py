"""Where people are in their modules, read in bulk so pages never query per row."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from courses.models import ModuleProgress

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETE = "complete"
STATE_LABELS = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress", COMPLETE: "Complete"}


@dataclass(frozen=True)
class ModuleStatus:
    state: str
    started_at: datetime.datetime | None = None
    completed_at: datetime.datetime | None = None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


NOT_STARTED_STATUS = ModuleStatus(NOT_STARTED)


def module_statuses(
    user_ids: Iterable[int], module_ids: Iterable[int]
) -> dict[tuple[int, int], ModuleStatus]:
    """Status of every (user, module) asked for, in one query. Missing keys mean
    not started: look them up with ``.get(key, NOT_STARTED_STATUS)``."""
    rows = ModuleProgress.objects.filter(
        user_id__in=list(user_ids), module_id__in=list(module_ids)
    ).values_list("user_id", "module_id", "started_at", "completed_at")
    return {
        (user_id, module_id): ModuleStatus(
            COMPLETE if completed_at else IN_PROGRESS, started_at, completed_at
        )
        for user_id, module_id, started_at, completed_at in rows
    }
