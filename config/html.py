"""Helpers for markup built in Python where a template would cost too much: the
pair's actions and check-ins (``workspace.markup``) and PD-hours standings
(``hours.templatetags.hours_tags``), each repeated many times on a page.

They do what the template engine does for ``{% blocktranslate %}`` and for a
list of rendered pieces, so what they build is what a template would.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


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
