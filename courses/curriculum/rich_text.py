"""Markdown to the HTML Wagtail rich text stores, refusing what a field's features
don't allow, with the line the author wrote it on."""

import re
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path

import markdown as markdown_lib

from content.markdown import is_safe_url
from courses.curriculum.errors import CurriculumError, Line

# The tags each rich-text feature allows, in the form Wagtail's editor stores.
FEATURE_TAGS = {
    "h2": {"h2"},
    "h3": {"h3"},
    "bold": {"b"},
    "italic": {"i"},
    "link": {"a"},
    "ol": {"ol", "li"},
    "ul": {"ul", "li"},
}
# What an author wrote to get each tag, and how to find that line.
TAG_SOURCES = {
    "h1": ("a # heading", r"^#\s"),
    "h2": ("a ## heading", r"^##\s"),
    "h3": ("a ### heading", r"^###\s"),
    "h4": ("a #### heading", r"^####"),
    "h5": ("a ##### heading", r"^#####"),
    "h6": ("a ###### heading", r"^######"),
    "b": ("bold text", r"\*\*|__"),
    "i": ("italic text", r"(?<![*\w])[*_](?=\S)"),
    "a": ("a link", r"\]\("),
    "ul": ("a bulleted list", r"^\s*[-*+]\s"),
    "ol": ("a numbered list", r"^\s*\d+[.)]\s"),
    "code": ("code", r"`"),
    "pre": ("a code block", r"^ {4}|^```"),
    "blockquote": ("a quotation", r"^\s*>"),
    "hr": ("a horizontal rule", r"^\s*([-*_])(\s*\1){2,}\s*$"),
    "br": ("a line break", r"  $"),
}


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def to_rich_text(path: Path, lines: list[Line], features: Sequence[str], where: str) -> str:
    """Markdown as the HTML Wagtail rich text stores, refusing what ``features`` doesn't allow."""
    source = "\n".join(text for _, text in lines)
    html = markdown_lib.markdown(source, extensions=["sane_lists"])
    html = re.sub(r"<(/?)strong>", r"<\1b>", html)
    html = re.sub(r"<(/?)em>", r"<\1i>", html)
    html = re.sub(r">\s*\n\s*<", "><", html).replace("\n", " ").strip()
    allowed = {"p"}.union(*(FEATURE_TAGS.get(feature, set()) for feature in features))
    collector = _TagCollector()
    collector.feed(html)
    for tag, attrs in collector.tags:
        if tag == "a" and "a" in allowed and not is_safe_url(attrs.get("href", "")):
            line = _find_line(lines, re.escape(attrs.get("href", "")))
            raise CurriculumError(path, line, "links use http, https or mailto.")
        if tag not in allowed:
            description, pattern = TAG_SOURCES.get(tag, (f"<{tag}>", r"$^"))
            raise CurriculumError(
                path, _find_line(lines, pattern), f"{description} can't be used {where}."
            )
    return html


def _find_line(lines: list[Line], pattern: str) -> int:
    for number, text in lines:
        if re.search(pattern, text):
            return number
    return next((number for number, text in lines if text.strip()), lines[0][0] if lines else 1)
