"""The one Markdown renderer for everything people write (notes, plans, check-ins).

Markdown is turned into HTML, then bleach keeps only an allow-list of tags and
attributes. bleach's own protocol check lets ``javascript:`` followed by digits
through, so every URL attribute is also parsed with :mod:`urllib.parse` and
dropped unless its scheme is on the list.

Links are made inside the cleaner (``LinkifyFilter``) rather than by a second
``Linker`` pass: re-parsing cleaned HTML escaped the text of ``<code>`` and
``<pre>`` twice, so a note about ``a < b`` showed ``a &lt; b``.

Building a Markdown parser takes longer than rendering a short note, and
neither the parser nor bleach's cleaner may be shared between threads, so each
thread keeps one of each and reuses them.

Two inputs would otherwise take a page down: Python-Markdown's link patterns
take seconds over a few thousand unclosed ``[`` (each retried against the rest
of the text), and deeply nested lists (``"1. " * 1000``) exhaust its recursion.
"""

from __future__ import annotations

import threading
import unicodedata
from functools import partial
from urllib.parse import urlsplit

import bleach
import markdown as markdown_lib
from bleach.linkifier import LinkifyFilter
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "h3", "h4", "hr",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
# No real link or image nests deeper than this; beyond it ``[`` is plain text.
MAX_BRACKET_DEPTH = 4


def is_safe_url(url: str) -> bool:
    """Whether a link target is relative or uses an allowed scheme.

    Browsers ignore ASCII control characters and white space inside a scheme
    (``java\\tscript:``), so those are removed before the URL is parsed.
    """
    cleaned = "".join(
        ch for ch in url if not unicodedata.category(ch).startswith("C") and not ch.isspace()
    )
    scheme = urlsplit(cleaned).scheme.lower()
    if scheme:
        return scheme in ALLOWED_SCHEMES
    # No scheme: a relative link, unless it smuggles one past the parser.
    return ":" not in cleaned.split("/", 1)[0]


def _filter_attribute(tag: str, name: str, value: str) -> bool:
    if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return False
    if name == "href":
        return is_safe_url(value)
    return True


def _harden_link(attrs: dict, new: bool = False) -> dict | None:
    href = attrs.get((None, "href"), "")
    # An anchor whose unsafe href was stripped becomes plain text.
    if not href or not is_safe_url(href):
        return None
    attrs[(None, "rel")] = "nofollow noopener"
    return attrs


class _Renderer(threading.local):
    """This thread's Markdown parser and cleaner, made on first use."""

    def __init__(self):
        self.new_parser()
        self.cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=_filter_attribute,
            protocols=ALLOWED_SCHEMES,
            strip=True,
            strip_comments=True,
            filters=[partial(LinkifyFilter, callbacks=[_harden_link], skip_tags={"pre", "code"})],
        )

    def new_parser(self) -> None:
        self.markdown = markdown_lib.Markdown(extensions=["sane_lists", "nl2br"])


_renderer = _Renderer()


def defuse_brackets(text: str) -> str:
    """Escape every ``[`` opened while ``MAX_BRACKET_DEPTH`` others are still open.

    Links and images keep working; a run of unclosed brackets becomes literal
    text instead of minutes of backtracking in Python-Markdown's link patterns.
    """
    if text.count("[") <= MAX_BRACKET_DEPTH:
        return text
    out, depth = [], 0
    for ch in text:
        if ch == "[":
            if depth >= MAX_BRACKET_DEPTH:
                out.append("\\[")
                continue
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
        out.append(ch)
    return "".join(out)


def render_markdown(text: str) -> SafeString:
    """Render what a person wrote as safe HTML."""
    text = text or ""
    try:
        html = _renderer.markdown.reset().convert(defuse_brackets(text))
    except RecursionError:
        # Nesting too deep to parse: show what they wrote, as plain escaped text.
        # A parser interrupted this way is left broken, so the next note gets a new one.
        _renderer.new_parser()
        return mark_safe(linebreaks(text, autoescape=True))  # noqa: S308 - escaped
    return mark_safe(_renderer.cleaner.clean(html))  # noqa: S308 - sanitised above
