"""Nothing in the interface is left untranslated: every string marked for
translation in the project's Python files and templates (emails included) has a
Spanish translation, not fuzzy, in locale/es/LC_MESSAGES/django.po.

The strings are extracted the way ``makemessages`` finds them, without GNU
gettext: a template goes through Django's own ``templatize()``, which turns its
``{% translate %}`` and ``{% blocktranslate %}`` tags into the gettext calls that
Babel's Python extractor reads, and Python files go straight to that extractor
with Django's keywords.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
CATALOG = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
# What the README's makemessages command leaves out.
IGNORED = {".venv", "static_root", "test-artifacts", "tests", "media", "node_modules", ".git"}
TEMPLATE_SUFFIXES = {".html", ".txt"}
# Django's translation functions (django.utils.translation), with Babel's spec of
# which arguments are the message, its plural and its context.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext_lazy": ((1, "c"), 2, 3),
}


@dataclass(frozen=True)
class Marked:
    """One string marked for translation, and where."""

    path: Path
    line: int
    message: str | tuple[str, ...]
    context: str | None

    @property
    def msgid(self) -> str:
        return self.message if isinstance(self.message, str) else self.message[0]

    def __str__(self) -> str:
        context = f" [{self.context}]" if self.context else ""
        return f"{self.path.relative_to(ROOT)}:{self.line}{context}: {self.msgid!r}"


def project_files(root: Path = ROOT):
    for path in sorted(root.rglob("*")):
        if IGNORED.intersection(path.relative_to(root).parts) or not path.is_file():
            continue
        if path.suffix == ".py" or (
            path.suffix in TEMPLATE_SUFFIXES and "templates" in path.relative_to(root).parts
        ):
            yield path


def marked_strings(path: Path) -> list[Marked]:
    source = path.read_text(encoding="utf-8")
    if path.suffix in TEMPLATE_SUFFIXES:
        # Each gettext call templatize() writes sits on its template line, inside
        # filler whose indentation is not Python's: dedent every line.
        source = "\n".join(
            line.lstrip() for line in templatize(source, origin=str(path)).splitlines()
        )
    found = extract("python", io.BytesIO(source.encode("utf-8")), keywords=KEYWORDS)
    return [
        Marked(path, line, message, context)
        for line, message, _comments, context in found
        if (message if isinstance(message, str) else message[0])
    ]


def untranslated(paths, catalog_path: Path = CATALOG) -> list[Marked]:
    """Every marked string in ``paths`` with no translation, or a fuzzy one."""
    with catalog_path.open("rb") as po:
        catalog = read_po(po)

    def translated(marked: Marked) -> bool:
        entry = catalog.get(marked.msgid, marked.context)
        if entry is None or entry.fuzzy:
            return False
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        return all(strings)

    return [marked for path in paths for marked in marked_strings(path) if not translated(marked)]


def test_every_string_in_the_interface_has_a_spanish_translation():
    missing = untranslated(project_files())
    assert not missing, (
        f"{len(missing)} strings have no Spanish translation (README, 'Languages'):\n"
        + "\n".join(map(str, missing))
    )


def test_the_check_finds_the_interface_and_email_strings():
    """A check that reads nothing would pass: it must see the strings of a page,
    an email template and a Python file."""
    files = set(project_files())
    assert ROOT / "templates" / "emails" / "overdue.txt" in files
    assert {m.msgid for m in marked_strings(ROOT / "templates" / "account" / "login.html")} >= {
        "Sign In",
        "Sign in with %(name)s",
    }
    overdue = {m.msgid for m in marked_strings(ROOT / "templates" / "emails" / "overdue.txt")}
    assert "Overdue: %(title)s" not in overdue  # the subject has a file of its own
    assert any(msgid.startswith("Hello %(name)s,") for msgid in overdue)
    views = marked_strings(ROOT / "accounts" / "views.py")
    assert "Your changes are saved." in {m.msgid for m in views}


def test_a_template_string_added_without_a_translation_fails_the_check(tmp_path):
    templates = tmp_path / "templates" / "emails"
    templates.mkdir(parents=True)
    page = tmp_path / "templates" / "new_page.html"
    page.write_text(
        "{% load i18n %}\n<h1>{% translate 'Sign in' %}</h1>\n"
        "<p>{% translate 'A sentence nobody has translated yet.' %}</p>\n"
    )
    email = templates / "new_email.txt"
    email.write_text(
        "{% load i18n %}{% blocktranslate count counter=n trimmed %}\n"
        "    One new thing.{% plural %}{{ counter }} new things.\n{% endblocktranslate %}\n"
    )
    missing = untranslated([page, email])
    assert [(m.path.name, m.line, m.msgid) for m in missing] == [
        ("new_page.html", 3, "A sentence nobody has translated yet."),
        ("new_email.txt", 1, "One new thing."),
    ]


def test_a_fuzzy_or_empty_translation_counts_as_missing(tmp_path):
    catalog = tmp_path / "django.po"
    catalog.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        '#, fuzzy\nmsgid "Sign in"\nmsgstr "Iniciar sesión"\n\n'
        'msgid "Sign out"\nmsgstr ""\n\n'
        'msgid "Main"\nmsgstr "Principal"\n',
        encoding="utf-8",
    )
    page = tmp_path / "page.html"
    page.write_text(
        "{% load i18n %}{% translate 'Sign in' %} {% translate 'Sign out' %} {% translate 'Main' %}"
    )
    assert [m.msgid for m in untranslated([page], catalog)] == ["Sign in", "Sign out"]
