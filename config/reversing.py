"""Links to the site's own pages, each view reversed once rather than once a link.

Django's ``reverse`` takes 19 to 26 µs on the benchmark machine. A report's
page links each of its 50 rows to the same view with another id, and the pair
page links each action three or four ways: reverses that differ only by ids.
``url_of`` reverses a view once with stand-in ids, keeps the path with the ids'
places left open, and fills them in for each link: 10 to 14 µs, most of it
reading what the link depends on (below), which ``reverse`` reads too.

What ``reverse`` depends on is part of what is kept: the URLconf (a request may
set its own), the script prefix and the language (``i18n_patterns``). A test
that changes ``ROOT_URLCONF`` clears what was kept, as Django clears its own
resolvers (``django.test.signals.root_urlconf_changed``).
"""

from __future__ import annotations

import functools
import re

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# Numbers no id will be near for a long while, and that nothing else in a path
# could be mistaken for: each names the place of one argument.
STAND_INS = tuple(7_391_046_280 + place for place in range(1, 10))
_STAND_IN = re.compile("|".join(str(number) for number in STAND_INS))


@functools.lru_cache(maxsize=512)
def _pieces(viewname: str, count: int, urlconf, prefix: str, language: str | None) -> tuple:
    """The path of ``viewname`` for ``count`` ids: text, and the place of each id."""
    path = reverse(viewname, urlconf=urlconf, args=STAND_INS[:count])
    pieces: list[str | int] = []
    start = 0
    for found in _STAND_IN.finditer(path):
        pieces += [path[start : found.start()], STAND_INS.index(int(found.group()))]
        start = found.end()
    pieces.append(path[start:])
    places = sorted(piece for piece in pieces if isinstance(piece, int))
    if places != list(range(count)):
        # A converter that writes an id otherwise than as its digits: not kept.
        raise ValueError(f"{viewname!r} does not write its {count} ids as their digits")
    return tuple(pieces)


def url_of(viewname: str, *ids: int) -> str:
    """``reverse(viewname, args=ids)``, for a view whose arguments are all ids."""
    if not all(type(number) is int and number >= 0 for number in ids):
        raise TypeError(f"url_of takes ids, not {ids!r}")
    pieces = _pieces(viewname, len(ids), get_urlconf(), get_script_prefix(), get_language())
    return "".join(piece if type(piece) is str else str(ids[piece]) for piece in pieces)


@receiver(setting_changed)
def _forget_on_urlconf_change(*, setting: str, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _pieces.cache_clear()
