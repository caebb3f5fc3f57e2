"""Notes written to be slow to render: what one person could post to slow a page.

Each is as long as a check-in note may be (4,000 characters) and a run of what
the Markdown renderer found most expensive: unclosed brackets and parentheses,
links that never close, deep lists and quotes, long emphasis runs. Before
``content.markdown`` was hardened and cached, the worst took about a second
each and 25 of them (a page of check-ins) 6 to 8 seconds. The benchmark
(``bench.measure``) and ``tests/test_markdown_cache.py`` both use them.
"""

NOTE_LENGTH = 4000  # workspace.models.CheckIn.note's max_length

_RUNS = {
    "nested brackets with empty links": "[[](",
    "empty links": "[](",
    "empty links with spaces": "[]( ",
    "links that never close": "[a](",
    "empty links with angle brackets": "[](<",
    "empty links over lines": "[](\n",
    "empty links with parentheses": "[]((",
    "a list of empty links": "- [](",
    "quoted empty links": "> [](",
    "parentheses": "(",
    "parentheses over lines": "(\n",
    "emphasis and brackets": "_[",
    "stars and brackets": "*[",
    "open brackets": "[",
    "open image brackets": "![",
    "brackets after a link": "<http://[",
    "quoted lists": "> - ",
    "nested quotes": "> ",
    "numbered list markers": "1. ",
    "a long list": "- a\n",
    "headings": "# a\n",
    "emphasis": "*a",
    "strong emphasis": "***a",
    "escaped parentheses": "\\(",
    "tags": "<b>",
}


def slow_notes() -> list[str]:
    """25 different notes, each ``NOTE_LENGTH`` characters."""
    return [(run * (NOTE_LENGTH // len(run) + 1))[:NOTE_LENGTH] for run in _RUNS.values()]
