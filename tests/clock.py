"""One clock for the whole suite.

Every test runs on a clock that ``tests/conftest.py`` sets to ``START`` before
the test begins, so nothing a test asserts depends on the day it runs. A test
that needs another moment moves the clock itself::

    def test_the_digest_goes_on_monday(clock):
        clock.move_to("2026-12-07 06:00")  # the site's local time

Strings and dates are read in the site's time zone (``settings.TIME_ZONE``),
the zone people live their school day in. The clock ticks from where it is
put, so timestamps still increase and live servers keep working; pass
``tick=False`` to stop it.

Module-level constants (``TODAY``) come from here, never from the wall clock:
a constant computed when a module is imported is computed before any fixture
can set the time.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings

SITE_ZONE = ZoneInfo(settings.TIME_ZONE)

# Wednesday 18 November 2026, mid-morning: a school day in the middle of a term,
# far from the edges (week, month, school year, daylight saving) that tests
# visit on purpose.
START = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=SITE_ZONE)
TODAY = START.date()

Moment = str | datetime.date | datetime.datetime


def local(when: Moment) -> datetime.datetime:
    """``when`` as an aware datetime; naive values are the site's local time.

    A date alone means 08:00 that day, a time a school day has started by.
    """
    if isinstance(when, str):
        when = datetime.datetime.fromisoformat(when)
    if not isinstance(when, datetime.datetime):
        when = datetime.datetime.combine(when, datetime.time(8, 0))
    return when if when.tzinfo else when.replace(tzinfo=SITE_ZONE)


class Clock:
    """The test's clock: time-machine's traveller, read in the site's zone."""

    def __init__(self, machine: time_machine.TimeMachineFixture) -> None:
        self._machine = machine

    def move_to(self, when: Moment, *, tick: bool = True) -> datetime.datetime:
        moment = local(when)
        self._machine.move_to(moment, tick=tick)
        return moment

    def shift(self, delta: datetime.timedelta | float) -> None:
        self._machine.shift(delta)

    def now(self) -> datetime.datetime:
        return datetime.datetime.now(SITE_ZONE)

    def today(self) -> datetime.date:
        return self.now().date()
