from django import template
from django.utils.html import format_html

from content.markdown import UNFORMATTED, render_markdown, render_note

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    """``{{ note.text|markdown }}``: render a person's Markdown, sanitised."""
    return render_markdown(text)


@register.simple_tag
def prose(text: str):
    """``{% prose note.text %}``: a person's Markdown in its ``.prose`` block.

    A note shown unformatted for now (the request's render budget is spent) is
    followed by a line saying so, outside the block, which holds only the
    person's own text, sanitised.
    """
    note = render_note(text)
    block = format_html('<div class="prose">{}</div>', note.html)
    if note.formatted:
        return block
    return format_html('{}<p class="muted">{}</p>', block, UNFORMATTED)
