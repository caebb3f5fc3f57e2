"""The one renderer for what people write: hostile Markdown and HTML come out inert.

The output is parsed (not grepped) the way a browser would read it, then every
element, attribute and URL is checked against what is allowed.
"""

import time
import unicodedata
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from bleach.linkifier import URL_RE
from django.core.cache import cache

from content import markdown
from content.markdown import LINKIFY_URL_RE, defuse_brackets, render_markdown

FORBIDDEN_ELEMENTS = {
    "script", "style", "svg", "math", "iframe", "frame", "object", "embed", "img", "form",
    "input", "button", "textarea", "link", "meta", "base", "video", "audio", "source",
    "details", "template", "noscript",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster"}
SAFE_SCHEMES = {"http", "https", "mailto"}


class Elements(HTMLParser):
    """Every start tag with its attributes, entities decoded as a browser decodes them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def elements(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser.found


def browser_scheme(url: str) -> str | None:
    """The scheme a browser would see: it drops control characters and white space
    (``java\\tscript:``) before reading the scheme."""
    cleaned = "".join(
        ch for ch in url if not unicodedata.category(ch).startswith("C") and not ch.isspace()
    )
    scheme = urlsplit(cleaned).scheme.lower()
    if scheme:
        return scheme
    # "javascript&colon;..." without a real colon is a relative path; a colon
    # before the first slash that urlsplit did not read as a scheme is suspect.
    return "?" if ":" in cleaned.split("/", 1)[0] else None


def assert_inert(html: str) -> None:
    for tag, attrs in elements(html):
        assert tag not in FORBIDDEN_ELEMENTS, f"<{tag}> in {html!r}"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"{name} on <{tag}> in {html!r}"
            assert name != "style", f"style on <{tag}> in {html!r}"
            if name in URL_ATTRIBUTES:
                scheme = browser_scheme(value)
                assert scheme is None or scheme in SAFE_SCHEMES, f"{name}={value!r} in {html!r}"


HOSTILE = [
    # Raw HTML
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    "<style>body{display:none}</style>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<svg><a xlink:href=javascript:alert(1)><text>x</text></a></svg>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    "<details open ontoggle=alert(1)>x</details>",
    '<p onclick=alert(1) style="color:red">hi</p>',
    '<a href="https://ok.example" onmouseover="alert(1)">ok</a>',
    "<form action=javascript:alert(1)><button>go</button></form>",
    "<body onload=alert(1)>",
    "<div><p>unclosed <b>bold <i>both</p>",
    "<a href='x' <script>alert(1)</script>",
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    # URLs in raw anchors, with case, entities, white space and control characters
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="java&#x0A;script:alert(1)">x</a>',
    '<a href="java&#x0D;script:alert(1)">x</a>',
    '<a href="java&Tab;script:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;avascript&colon;alert(1)">x</a>',
    '<a href="javascript&#0058;alert(1)">x</a>',
    '<a href="javascript&#x3a alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="\x01javascript:alert(1)">x</a>',
    '<a href="\x00javascript:alert(1)">x</a>',
    '<a href="javascript:1">x</a>',
    "<a href=javascript:1>x</a>",
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="VBScript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="DATA:text/html,<script>alert(1)</script>">x</a>',
    '<a href="file:///etc/passwd">x</a>',
    # Markdown links, images, autolinks and reference links
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](javascript:1)",
    "[x](java&#x09;script:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](<javascript:alert(1)>)",
    "[x](java\nscript:alert(1))",
    "[x](\tjavascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    '[x](javascript:alert(1) "title")',
    '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")',
    "![i](javascript:alert(1))",
    "![i](https://evil.example/pixel.png)",
    "<javascript:alert(1)>",
    "<JavaScript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "[x][r]\n\n[r]: javascript:alert(1)",
    '[x][r]\n\n[r]: <javascript:alert(1)> "t"',
    "![i][r]\n\n[r]: data:image/svg+xml;base64,PHN2Zz4=",
    "[<img src=x onerror=alert(1)>](https://ok.example)",
    "[x](https://ok.example)<script>alert(1)</script>",
    # Code spans and blocks stay text
    "`<script>alert(1)</script>`",
    "    <script>alert(1)</script>",
    "```\n<svg onload=alert(1)>\n```",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_renders_inert(text):
    assert_inert(render_markdown(text))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_stays_inert_inside_markdown_structure(text):
    # The same payloads inside a list, a quote and a paragraph with a real link.
    wrapped = f"- item\n- {text}\n\n> {text}\n\nSee [the guide](https://ok.example) and {text}"
    assert_inert(render_markdown(wrapped))


def test_the_checker_itself_catches_what_it_must():
    """A test that cannot fail is a bug: the checker must reject each of these."""
    for html in (
        "<script>x</script>",
        '<p onclick="x">x</p>',
        '<a href="java&#x09;script:x">x</a>',
        '<a href="javascript:1">x</a>',
        '<a href="data:text/html,x">x</a>',
        "<svg></svg>",
    ):
        with pytest.raises(AssertionError):
            assert_inert(html)


@pytest.mark.parametrize(
    "text, href",
    [
        ("[guide](https://ok.example/a?b=1&c=2)", "https://ok.example/a?b=1&c=2"),
        ("[write](mailto:coach@example.org)", "mailto:coach@example.org"),
        ("[module](/courses/roles/)", "/courses/roles/"),
        ("see www.example.org today", "http://www.example.org"),
        ("<https://ok.example>", "https://ok.example"),
    ],
)
def test_safe_links_survive_with_nofollow_noopener(text, href):
    links = [attrs for tag, attrs in elements(render_markdown(text)) if tag == "a"]
    assert [link["href"] for link in links] == [href]
    assert links[0]["rel"] == "nofollow noopener"


@pytest.mark.parametrize(
    "text", ["[x](javascript:alert(1))", '<a href="vbscript:x">x</a>', "<a name=top>x</a>"]
)
def test_a_link_that_lost_its_target_is_plain_text(text):
    html = render_markdown(text)
    assert "a" not in [tag for tag, _ in elements(html)]
    assert "x" in html


@pytest.mark.parametrize(
    "text, shown",
    [
        ("`a < b && c`", "<code>a &lt; b &amp;&amp; c</code>"),
        ("    if x < y:\n        pass", "<pre><code>if x &lt; y:"),
        ("Tom & Jerry <3", "Tom &amp; Jerry &lt;3"),
    ],
)
def test_text_is_escaped_once_not_twice(text, shown):
    assert shown in render_markdown(text)


def test_markdown_formatting_people_use_is_kept():
    html = render_markdown("**Goal:** read *daily*\n\n1. first\n2. second\n\n> agreed")
    assert [tag for tag, _ in elements(html)] == [
        "p", "strong", "em", "ol", "li", "li", "blockquote", "p",
    ]  # fmt: skip


def test_empty_and_missing_notes_render_as_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def forget_renders() -> None:
    """Empty the caches in front of the renderer, so the next note is rendered."""
    cache.clear()
    markdown.recent.clear()


def test_a_note_renders_the_same_after_one_too_deep_to_parse():
    note = "Meet on **Tuesday**. See [the plan](https://example.org/plan)."
    before = render_markdown(note)
    render_markdown("1. " * 5000 + "x")  # too deep: shown as plain text
    render_markdown("[one][ref]\n\n[ref]: https://example.org/ref")  # leaves a reference
    forget_renders()  # rendered again, by the parser those two went through
    assert render_markdown(note) == before
    assert "<a" not in render_markdown("[one][ref]")  # references do not carry over


def test_threads_render_side_by_side_without_mixing_notes():
    from concurrent.futures import ThreadPoolExecutor

    notes = [f"Note {number}: **bold {number}**\n\n- item {number}" for number in range(200)]
    expected = [render_markdown(note) for note in notes]
    forget_renders()  # rendered again, each thread with its own parser
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(render_markdown, notes)) == expected


# Runs that took seconds ------------------------------------------------------------------


def render_seconds(text: str, tries: int) -> float:
    best = float("inf")
    for _ in range(tries):
        forget_renders()
        started = time.perf_counter()
        render_markdown(text)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize("run", ["(", "[](", "[[](", "[a](", ".-a", "-a"])
def test_runs_that_took_quadratic_time_now_take_linear_time(run):
    """Eight times the text takes 4 to 11 times as long, where quadratic time would
    take 64 (before, four times the text took 15 to 23 times as long: a
    4,000-character note of ``[[](`` took a second, of ``.-a`` two). A ratio
    rather than a time, so a busy machine slows both sides alike; the fastest of
    five tries of each, so a pause of the machine decides neither; and eight times
    rather than four, so the line sits far from both (at four times, a machine
    running the suite beside other work once took ``(`` past 10)."""
    short, long = ((run * 8000)[:length] for length in (1000, 8000))
    ratio = render_seconds(long, 5) / render_seconds(short, 5)
    assert ratio < 30, f"{ratio:.1f} times as long"


def test_deep_parentheses_stay_as_written_and_links_keep_theirs():
    html = render_markdown(
        "((((((deep))))))) and [wiki](https://en.wikipedia.org/wiki/Set_(mathematics))"
    )
    assert "((((((deep)))))))" in html
    assert '<a href="https://en.wikipedia.org/wiki/Set_(mathematics)"' in html
    assert "\\" not in html


def test_escaped_brackets_are_not_escaped_twice():
    assert defuse_brackets("\\[" * 6 + "\\(" * 6) == "\\[" * 6 + "\\(" * 6
    html = render_markdown("\\[" * 6 + " and " + "\\(" * 6)
    assert "[[[[[[ and ((((((" in html


LINKIFY_SAMPLES = [
    "see www.example.org today",
    "(www.example.org)",
    "((((www.example.org))))",
    "(((( not a link",
    "https://example.org/a-b/c?d=e and http://x.example.com.",
    "x-www.example.org and well-known.example.com",
    "a.-b.example.com, -www.example.org and a -b.example.com",
    "docs-https://example.org/a and x-ftp://files.example.org",
    "well-known-example.org/path and pre-www.example.org",
    "mailto:coach@example.org or coach@example.org",
    "1.2.3.4 and example.co.uk:8080/path",
    "end of a sentence: example.com.",
]


@pytest.mark.parametrize("text", LINKIFY_SAMPLES)
def test_the_faster_url_pattern_finds_the_links_bleachs_finds(text):
    def links(pattern):
        return [match.group(0).lstrip("(") for match in pattern.finditer(text)]

    assert links(LINKIFY_URL_RE) == links(URL_RE)


def test_a_host_straight_after_a_hyphen_that_follows_no_space_stays_text():
    """The one difference from bleach's pattern, which searched a hyphenated chain
    from each of its words to its end."""
    assert "<a" not in render_markdown("(-www.example.org)")
    assert "<a" in render_markdown("see -www.example.org")
    assert "<a" in render_markdown("see x--www.example.org")


def test_the_url_pattern_is_bleachs_with_both_changes():
    """``LINKIFY_URL_RE`` edits bleach's pattern in two places (content/markdown.py);
    if bleach changes its pattern, the edits must be made again."""
    assert LINKIFY_URL_RE.pattern.startswith(r"(?<!\()\(*")
    assert r"\b(?<![@.])(?:(?<!\S-)|(?=\w+:))(?=\w)" in LINKIFY_URL_RE.pattern
    assert LINKIFY_URL_RE.flags == URL_RE.flags
