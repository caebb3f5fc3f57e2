"""Helpers for markup built in Python where a template would cost too much: the
pair's actions and check-ins (``workspace.markup``) and PD-hours standings
(``hours.templatetags.hours_tags``), each repeated many times on a page.

They do what the template engine does for ``{% blocktranslate %}`` and for a
list of rendered pieces, so what they build is what a template would.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.formats import FORMAT_SETTINGS, date_format, localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language


def sentence(message: str, **values) -> SafeString:
    """A translated ``message`` with ``values`` put in, as ``blocktranslate`` puts
    them: the message is markup, each value is text, its numbers written the
    language's way ("2,5" in Spanish) and then escaped."""
    return mark_safe(  # noqa: S308 - each value escaped
        message % {name: conditional_escape(localize(value)) for name, value in values.items()}
    )


def joined(parts: Iterable, separator: str = "") -> SafeString:
    """Pieces of markup one after another; plain text among them is escaped."""
    return mark_safe(separator.join(conditional_escape(part) for part in parts))  # noqa: S308


def day_text(day: datetime.date, format_name: str = "DATE_FORMAT") -> str:
    """``day`` as ``date_format`` writes it in the active language, kept once
    written: the pair page writes some 130 days (its charts' weeks, each
    action's days), mostly the same few, at about 20 µs each on the benchmark
    machine, 2 µs when kept.

    A day only: a moment is written differently in each time zone, so give its
    local date (``timezone.localdate(moment)``).
    """
    if isinstance(day, datetime.datetime):
        raise TypeError("day_text writes a day; give it the moment's local date.")
    return _day_text(get_language(), day, format_name)


# Every function whose texts ``kept_text`` keeps.
_KEPT_TEXTS: list = []


def kept_text(maxsize: int, *, typed: bool = False):
    """``functools.lru_cache`` for text written in a language, the language one of
    the function's arguments: forgotten when a test changes a format or the
    translations, as Django forgets the formats it keeps
    (``django.test.signals.localize_settings_changed``)."""

    def keep(function):
        kept = functools.lru_cache(maxsize=maxsize, typed=typed)(function)
        _KEPT_TEXTS.append(kept)
        return kept

    return keep


@kept_text(maxsize=4096)
def _day_text(language: str | None, day: datetime.date, format_name: str) -> str:
    return date_format(day, format_name)


@receiver(setting_changed)
def _forget_kept_texts(*, setting, **kwargs) -> None:
    if setting in FORMAT_SETTINGS or setting in {"FORMAT_MODULE_PATH", "LOCALE_PATHS"}:
        for kept in _KEPT_TEXTS:
            kept.cache_clear()
