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

Some inputs would otherwise take a page down: Python-Markdown's link patterns
take seconds over a few thousand unclosed ``[`` or ``(`` (each retried against
the rest of the text), bleach's linkifier retries its URL pattern at every
``(`` of a long run, and deeply nested lists (``"1. " * 1000``) exhaust
Python-Markdown's recursion.

What is left costs up to about a tenth of a second for the longest note, so
one person could still slow every page that shows their notes. Rendered notes
are therefore kept in Django's cache, keyed by the renderer's version and a
hash of the text: a note is rendered once, whoever reads it, and a changed note
(or a new renderer) renders anew. A request that still finds many expensive
notes uncached renders them until it has spent ``REQUEST_RENDER_BUDGET``
seconds, then shows the rest as escaped plain text with a line saying so (after
the note, never inside its sanitised HTML: ``render_note`` says which); the
notes it did render are cached, so the next load shows more of them formatted.
A request's new renders are written to the cache together once its response
has been sent, and each process keeps the notes it used lately in memory too,
so a page read again costs no query for its notes.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable
from contextlib import nullcontext
from functools import partial
from typing import NamedTuple
from urllib.parse import urlsplit

import bleach
import markdown as markdown_lib
from bleach.linkifier import URL_RE, LinkifyFilter
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, router, transaction
from django.utils.html import format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "h3", "h4", "hr",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
# No real link or image nests deeper than this; beyond it ``[`` and ``(`` are plain text.
MAX_BRACKET_DEPTH = 4
# bleach's URL pattern (build_url_re in bleach/linkifier.py) is tried at every
# ``(`` of a run and at every word of a hyphenated chain, each time to the end
# of the run or the chain: seconds over a note of ``(`` or ``.-a``. Here it is
# tried where a run of ``(`` starts, and at a word that starts a scheme
# (``x-https://``) or does not follow a hyphen, unless the hyphen follows a
# space. The links found are the same but for a host written straight after
# such a hyphen (``(-www.example.org)``), which stays text.
LINKIFY_URL_RE = re.compile(
    URL_RE.pattern.replace(r"\(*", r"(?<!\()\(*", 1).replace(
        "(?<![@.])", r"(?<![@.])(?:(?<!\S-)|(?=\w+:))(?=\w)", 1
    ),
    URL_RE.flags,
)

# Bump when the same text should render differently; the libraries' versions
# count too, so an upgrade renders every note anew.
RENDERER_VERSION = f"3:{markdown_lib.__version__}:{bleach.__version__}"
# The key names the text's content, so an entry is never stale: the timeout
# only lets notes nobody reads any more leave the cache.
CACHE_TIMEOUT = 60 * 60 * 24 * 30
# Rendering time one request may spend on notes it finds uncached. A note costs
# well under a millisecond unless written to be slow; one written to be slow
# costs up to about 0.1 s, which one request may overrun the budget by.
REQUEST_RENDER_BUDGET = 0.1
# Under a note shown as plain text once the request's budget is spent.
UNFORMATTED = _("Shown without its formatting for now: load the page again to see it.")


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
            filters=[
                partial(
                    LinkifyFilter,
                    callbacks=[_harden_link],
                    skip_tags={"pre", "code"},
                    url_re=LINKIFY_URL_RE,
                )
            ],
        )

    def new_parser(self) -> None:
        self.markdown = markdown_lib.Markdown(extensions=["sane_lists", "nl2br"])


_renderer = _Renderer()


def defuse_brackets(text: str) -> str:
    """Escape every ``[`` or ``(`` opened while ``MAX_BRACKET_DEPTH`` others of
    its kind are still open.

    Links and images keep working; a run of unclosed brackets becomes literal
    text instead of seconds of backtracking in Python-Markdown's link patterns.
    """
    if text.count("[") <= MAX_BRACKET_DEPTH and text.count("(") <= MAX_BRACKET_DEPTH:
        return text
    out, depth, escaped = [], {"[": 0, "(": 0}, False
    opener = {"]": "[", ")": "("}
    for ch in text:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in depth:
            if depth[ch] >= MAX_BRACKET_DEPTH:
                out.append("\\")
            else:
                depth[ch] += 1
        elif ch in opener and depth[opener[ch]]:
            depth[opener[ch]] -= 1
        out.append(ch)
    return "".join(out)


LIST_ITEM = re.compile(r" {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+\S")
FENCE = re.compile(r" {0,3}(?:```|~~~)")


def separate_lists(text: str) -> str:
    """Put a blank line between a line of text and a list typed straight under it.

    Markdown wants one there, and nobody typing a note on a phone knows it: "Try:"
    followed by "- a timer" showed the dash. Code blocks are left as they are.
    """
    lines, out, in_code, previous = text.splitlines(), [], False, ""
    for line in lines:
        if FENCE.match(line):
            in_code = not in_code
        elif (
            not in_code
            and LIST_ITEM.match(line)
            and previous.strip()
            and not LIST_ITEM.match(previous)
            and not previous.startswith((" ", "\t"))
        ):
            out.append("")
        out.append(line)
        previous = line
    return "\n".join(out)


class _RequestState(threading.local):
    """What this thread's current request has rendered: the seconds it spent, and
    the notes it rendered, written to the shared cache once the response is sent."""

    spent: float | None = None  # None outside a request: no budget, written at once
    rendered: dict[str, str]

    def __init__(self):
        self.rendered = {}


_request = _RequestState()


def _request_started(**kwargs) -> None:
    _request.spent, _request.rendered = 0.0, {}


def _request_finished(**kwargs) -> None:
    rendered = _request.rendered
    _request.spent, _request.rendered = None, {}
    if rendered:
        _store(rendered)


request_started.connect(_request_started, dispatch_uid="content.markdown.request_started")
request_finished.connect(_request_finished, dispatch_uid="content.markdown.request_finished")


class RecentRenders:
    """The notes this process rendered or read from the cache lately, the most
    recently used kept up to ``max_chars`` of HTML: a page read again asks the
    shared cache (a database query in production) nothing."""

    def __init__(self, max_chars: int):
        self.max_chars = max_chars
        self.chars = 0
        self.items: OrderedDict[str, str] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self.lock:
            html = self.items.get(key)
            if html is not None:
                self.items.move_to_end(key)
            return html

    def put(self, key: str, html: str) -> None:
        with self.lock:
            self.chars += len(html) - len(self.items.get(key, ""))
            self.items[key] = html
            self.items.move_to_end(key)
            while self.chars > self.max_chars:
                self.chars -= len(self.items.popitem(last=False)[1])

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.chars = 0


recent = RecentRenders(max_chars=4_000_000)


def _store(rendered: dict[str, str]) -> None:
    backend = caches["default"]
    # In one transaction: the database cache commits each write on its own, and
    # a commit can cost more than rendering the note did (25 ms on SQLite).
    together = (
        transaction.atomic(using=router.db_for_write(backend.cache_model_class))
        if isinstance(backend, DatabaseCache)
        else nullcontext()
    )
    try:
        with together:
            backend.set_many(rendered, CACHE_TIMEOUT)
    except DatabaseError:
        # The notes render again next time; the response has been sent already.
        logger.warning("Rendered notes could not be cached.", exc_info=True)


def cache_key(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return f"markdown:{RENDERER_VERSION}:{digest}"


def _plain(text: str) -> str:
    return linebreaks(text, autoescape=True)


def _render(text: str) -> str:
    """The HTML for ``text``, sanitised: the renderer itself, without the cache."""
    try:
        html = _renderer.markdown.reset().convert(separate_lists(defuse_brackets(text)))
    except RecursionError:
        # Nesting too deep to parse: show what they wrote, as plain escaped text.
        # A parser interrupted this way is left broken, so the next note gets a new one.
        _renderer.new_parser()
        return _plain(text)
    return _renderer.cleaner.clean(html)


def fetch_renders(texts: Iterable[str]) -> None:
    """Bring a page's notes that another process rendered into this one's memory,
    in one read of the shared cache (one query with the database cache) rather
    than one read a note as the template meets them."""
    keys = {cache_key(text) for text in texts if text}
    missing = [key for key in keys if recent.get(key) is None]
    if not missing:
        return
    try:
        found = caches["default"].get_many(missing)
    except DatabaseError:
        # Each note then asks the cache itself, or renders.
        logger.warning("Rendered notes could not be read from the cache.", exc_info=True)
        return
    for key, html in found.items():
        recent.put(key, html)


class RenderedNote(NamedTuple):
    """A note's HTML, and whether it is formatted or, past the request's render
    budget, its escaped plain text for now."""

    html: SafeString
    formatted: bool


def render_note(text: str) -> RenderedNote:
    """Render what a person wrote as safe HTML, within the request's budget.

    The caller shows ``UNFORMATTED`` beside a note that is not formatted, outside
    the element holding the note's own HTML, so that element only ever holds
    what the person wrote, sanitised.
    """
    if not text:
        return RenderedNote(mark_safe(""), formatted=True)
    key = cache_key(text)
    # This request's own renders first: a note shown twice on a page, or one
    # pushed out of ``recent`` by a long page, is still rendered once.
    html = _request.rendered.get(key) or recent.get(key)
    if html is None:
        html = caches["default"].get(key)
    if html is None:
        if _request.spent is not None and _request.spent >= REQUEST_RENDER_BUDGET:
            return RenderedNote(mark_safe(_plain(text)), formatted=False)  # noqa: S308 - escaped
        started = time.perf_counter()
        html = _render(text)
        if _request.spent is None:
            _store({key: html})
        else:
            _request.spent += time.perf_counter() - started
            _request.rendered[key] = html
    recent.put(key, html)
    return RenderedNote(mark_safe(html), formatted=True)  # noqa: S308 - sanitised by _render


def prose_html(text: str) -> SafeString:
    """What a person wrote in its ``.prose`` block (``{% prose %}`` in a template).

    A note shown unformatted for now (the request's render budget is spent) is
    followed by a line saying so, outside the block, which holds only the
    person's own text, sanitised.
    """
    note = render_note(text)
    block = format_html('<div class="prose">{}</div>', note.html)
    if note.formatted:
        return block
    return format_html('{}<p class="muted">{}</p>', block, UNFORMATTED)


def render_markdown(text: str) -> SafeString:
    """Render what a person wrote as safe HTML (escaped plain text past the budget)."""
    return render_note(text).html
