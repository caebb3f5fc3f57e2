from django import template

from content.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    """``{{ note.text|markdown }}``: render a person's Markdown, sanitised."""
    return render_markdown(text)
