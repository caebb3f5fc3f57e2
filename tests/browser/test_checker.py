"""The checks themselves can fail: a page with a known fault must be reported.

Without these, an axe run that silently found nothing (not injected, the wrong
frame, a changed result format) would pass every page.
"""

import pytest

from tests.browser.helpers import scrolls_sideways, serious_accessibility_violations

SOUND = """<!doctype html><html lang="en"><head><title>Sound</title></head><body><main>
<h1>A sound page</h1>
<form><label for="initials">Student initials</label><input id="initials" name="initials">
<button type="submit">Save</button></form>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="A dot">
</main></body></html>"""


@pytest.fixture
def blank_page(browser):
    context = browser.new_context(viewport={"width": 375, "height": 812})
    yield context.new_page()
    context.close()


def test_a_sound_page_passes(blank_page):
    blank_page.set_content(SOUND)
    assert serious_accessibility_violations(blank_page) == []
    assert not scrolls_sideways(blank_page)


@pytest.mark.parametrize(
    ("fault", "before", "after", "rule"),
    [
        (
            "an input without a label",
            '<label for="initials">Student initials</label>',
            "",
            "label",
        ),
        ("an image without alt text", 'alt="A dot"', "", "image-alt"),
        ("a button without a name", "Save</button>", "</button>", "button-name"),
        ("faint text", "<h1>", '<h1 style="color:#eee">', "color-contrast"),
    ],
)
def test_a_page_with_a_fault_fails(blank_page, fault, before, after, rule):
    broken = SOUND.replace(before, after)
    assert broken != SOUND, f"The fixture no longer contains {before!r}."
    blank_page.set_content(broken)
    found = serious_accessibility_violations(blank_page)
    assert any(line.startswith(f"{rule} ") for line in found), (fault, found)


def test_a_page_wider_than_a_phone_scrolls_sideways(blank_page):
    blank_page.set_content(SOUND.replace("</main>", '<div style="width:600px">Wide</div></main>'))
    assert scrolls_sideways(blank_page)
