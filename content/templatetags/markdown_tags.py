from django import template

from content.markdown import prose_html, render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    """``{{ note.text|markdown }}``: render a person's Markdown, sanitised."""
    return render_markdown(text)


@register.simple_tag
def prose(text: str):
    """``{% prose note.text %}``: a person's Markdown in its ``.prose`` block."""
    return prose_html(text)
