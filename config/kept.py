"""Answers kept in a process's memory: for rows that nearly every request reads
and that change about never (the sites, the locales, the days without school).

The process that changes such a row forgets what it kept (a signal calls
``forget``); every other process sees the change within ``CACHE_SECONDS``.
So only what may be a minute old elsewhere is kept this way: what pages show
and link to, never what decides who may see or do something.
"""

from __future__ import annotations

import time
from collections.abc import Callable

# How long another process may go on using a row changed here.
CACHE_SECONDS = 60


class KeptAMinute:
    """Answers kept in this process by key, all forgotten together after
    ``CACHE_SECONDS`` or when ``forget`` is called (by a signal, say)."""

    def __init__(self):
        self.found: dict = {}
        self.expires = 0.0

    def get(self, key, look_up: Callable[[], object]):
        if self.expires <= time.monotonic():
            self.found, self.expires = {}, time.monotonic() + CACHE_SECONDS
        if key not in self.found:
            self.found[key] = look_up()
        return self.found[key]

    def forget(self, **kwargs) -> None:
        # The next answer is kept a whole minute again, from when it is looked up.
        self.found, self.expires = {}, 0.0
