"""What the Markdown renderer itself renders, for tests that count it.

The fixtures ``no_rendered_notes`` and ``renders`` (tests/conftest.py) use these.
"""

from django.core.cache import cache

from content import markdown


def forget_renders() -> None:
    """Empty both caches in front of the renderer: the shared one and the process's."""
    cache.clear()
    markdown.recent.clear()


def count_renders(monkeypatch) -> list[str]:
    """From now on, each text the renderer itself is run on is appended to the list."""
    calls = []
    render = markdown._render

    def counted(text):
        calls.append(text)
        return render(text)

    monkeypatch.setattr(markdown, "_render", counted)
    return calls
