"""Each language's catalogue compiles the way ``make install`` compiles it.

``make install`` runs Babel's ``pybabel compile``, which refuses a catalogue whose
translation does not carry the same placeholders as its English: a newcomer's
first command would fail. Babel reads any ``%`` followed by a conversion letter
as a placeholder, even in plain text ("(% of modules" reads as ``% o``), so a
string like that fails here first, naming the line.
"""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

CATALOGUES = sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"))


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parts[-3])
def test_the_catalogue_compiles_without_errors(path):
    with path.open("rb") as po:
        catalog = read_po(po)
    problems = [
        f"{path.relative_to(settings.BASE_DIR)}:{message.lineno}: {error}"
        for message, errors in catalog.check()
        for error in errors
    ]
    assert not problems, "Babel would refuse to compile:\n" + "\n".join(problems)


def test_a_translation_with_other_placeholders_is_caught(tmp_path):
    broken = tmp_path / "django.po"
    broken.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        "#, python-format\n"
        'msgid "Progress (% of modules)"\n'
        'msgstr "Progreso (% de módulos)"\n',
        encoding="utf-8",
    )
    with broken.open("rb") as po:
        catalog = read_po(po)
    assert [errors for _, errors in catalog.check()]


def test_there_is_a_catalogue_for_every_language_but_english():
    languages = {path.parts[-3] for path in CATALOGUES}
    assert languages == {code for code, _ in settings.LANGUAGES} - {"en"}
