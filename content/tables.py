"""Wagtail's table and its columns, written in Python, for the admin's reports
(``reporting``, the record of access in ``privacy``).

Wagtail renders every cell of a listing through a template: on a report's page of
50 rows that is hundreds of template renders, a quarter of the page's time. The
columns here write the same markup as Wagtail's cell templates (``tests/
test_report_columns.py`` compares them) straight from the cell's context, and
leave anything they do not write, such as a title cell's buttons, to the template.
``Table`` writes the rows around them, as Wagtail's ``table.html`` does, without
its template loop putting each cell through a component tag (about 25 µs a cell,
300 cells a page).
"""

from __future__ import annotations

import datetime

from django.forms.utils import flatatt
from django.template.base import render_value_in_context
from django.template.context import Context
from django.template.defaultfilters import capfirst, date
from django.utils.formats import localize
from django.utils.html import (
    avoid_wrapping,
    conditional_escape,
    escape,
    format_html,
    format_html_join,
)
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import TIME_STRINGS, timesince
from django.utils.timezone import template_localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.admin.templatetags.wagtailadmin_tags import human_readable_date
from wagtail.admin.ui import tables

from config.html import joined, kept_text

# The context ``{{ value }}`` is rendered in: autoescaped, localised as settings say.
PLAIN = Context()


# The kinds of value a report's cells repeat down a column (a due day, a count),
# whose localised text depends on nothing but the value and the language. Not a
# day with a time, which is shown in the reader's time zone, nor a decimal or a
# float, where equal values are written differently ("1.0", "1.00").
REPEATED_KINDS = frozenset({int, datetime.date})


@kept_text(maxsize=4096, typed=True)
def localized(value, language: str | None) -> str:
    """``value`` localised and escaped, written once for each language: a day
    takes about 35 µs to localise and a number 8, most of a cell's time."""
    return conditional_escape(localize(value))


def shown(value) -> str:
    """``value`` as ``{% if value is not None %}{{ value }}{% endif %}`` shows it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return conditional_escape(value)
    if type(value) in REPEATED_KINDS:
        return localized(value, get_language())
    return render_value_in_context(value, PLAIN)


def safe_join(*parts: str) -> SafeString:
    """Markup already escaped, one piece after another: what ``format_html`` gives,
    without parsing a format string for every cell."""
    return mark_safe("".join(parts))  # noqa: S308 - each part is markup or escaped


def cell(context, content, classname: str | None = None):
    """``<td>`` with ``column.classname`` (and ``classname``) around ``content``."""
    classes = " ".join(name for name in (context["column"].classname, classname) if name)
    opening = f'<td class="{escape(classes)}">' if classes else "<td>"
    return safe_join(opening, conditional_escape(content), "</td>")


class PythonCell:
    def render_cell_html(self, instance, parent_context):
        return self.render_cell(self.get_cell_context_data(instance, parent_context))

    def render_cell(self, context):
        return cell(context, shown(context["value"]))


class Column(PythonCell, tables.Column):
    pass


class NumberColumn(PythonCell, tables.NumberColumn):
    pass


class StatusTagColumn(PythonCell, tables.StatusTagColumn):
    """Wagtail's ``{% status %}`` tag: a ``w-status`` span, primary or not."""

    def render_cell(self, context):
        classes = "w-status w-status--primary" if context["primary"] else "w-status"
        label = shown(context["value"]) if context["value"] else ""
        return cell(context, safe_join(f'<span class="{classes}">', label, "</span>"))


@kept_text(maxsize=512)
def _period_text(unit: str, count: int, language: str | None) -> str:
    return TIME_STRINGS[unit] % {"num": count}


class _KeptPeriod:
    """One of ``timesince``'s units ("%(num)d days"), its text kept for each count
    and language: translating it is most of what ``timesince`` takes."""

    def __init__(self, unit: str):
        self.unit = unit

    def __mod__(self, values: dict) -> str:
        return _period_text(self.unit, values["num"], get_language())


KEPT_TIME_STRINGS = {unit: _KeptPeriod(unit) for unit in TIME_STRINGS}


@kept_text(maxsize=512)
def _ago_text(period: str, language: str | None) -> str:
    # Wagtail's ``timesince_simple``, capitalised as its template shows it:
    # https://github.com/wagtail/wagtail/blob/v8.0.1/wagtail/admin/templatetags/wagtailadmin_tags.py
    if period == avoid_wrapping(_("0 minutes")):
        return capfirst(_("just now"))
    return capfirst(_("%(time_period)s ago") % {"time_period": period})


def how_long_ago(value: datetime.date) -> str:
    """What ``{{ value|timesince_simple|capfirst }}`` writes ("3 days ago"), in about
    a third of the time (14 µs against 44): the first unit of ``timesince``, its
    text and the sentence around it kept for each language."""
    return _ago_text(timesince(value, time_strings=KEPT_TIME_STRINGS, depth=1), get_language())


class DateColumn(PythonCell, tables.DateColumn):
    """Wagtail's ``{% human_readable_date %}``: how long ago, with the date itself in a
    tooltip, in the format the tag chooses."""

    def render_cell(self, context):
        value = context["value"]
        if not value:
            return cell(context, "")
        chosen = human_readable_date(value)
        # The ``date`` filter reads a date and time in the current time zone; its
        # ``c`` format is ``isoformat()``.
        local = template_localtime(value)
        readable = safe_join(
            '<button type="button" class="w-human-readable-date" data-controller="w-tooltip"',
            f' data-w-tooltip-content-value="{escape(date(local, chosen["tooltip_format"]))}"',
            f' data-w-tooltip-placement-value="{escape(chosen["placement"])}">',
            f'<time class="w-human-readable-date__date" datetime="{escape(local.isoformat())}">',
            escape(how_long_ago(value)),
            "</time></button>",
        )
        return cell(context, readable)


class TitleColumn(PythonCell, tables.TitleColumn):
    """The title, linked when the row has a link. A title with an id, a label or
    buttons is left to Wagtail's template."""

    def render_cell_html(self, instance, parent_context):
        context = self.get_cell_context_data(instance, parent_context)
        if context["title_id"] or context["label_id"] or context.get("buttons"):
            return self.cell_template.render(context)
        return self.render_cell(context)

    def render_cell(self, context):
        # Shown as the template shows it, even ``None``.
        title = render_value_in_context(context["value"], PLAIN)
        if context["link_url"]:
            title = safe_join("<a", flatatt(context["link_attrs"]), ">", title, "</a>")
        return cell(context, safe_join('<div class="title-wrapper">', title, "</div>"), "title")


class PageTitleColumn(TitleColumn):
    """A page's title, linked to the page as served. Its URL is worked out with the
    request, which keeps the site's root paths for every row: ``page.url`` reads
    them from the cache, which may be the database, once a row."""

    def get_link_url(self, instance, parent_context):
        return instance.get_url(request=parent_context.get("request"))


def attributes(attrs: dict) -> SafeString:
    """``attrs`` as Wagtail's ``shared/attrs.html`` writes them: ``True`` as a bare
    name, ``False`` left out, anything else as text."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class Table(tables.Table):
    """Wagtail's table, written as its ``tables/table.html`` writes it (``tests/
    test_report_columns.py`` compares the two for every report). Each cell is
    given the context Wagtail's loop gives it: the table, the request and the row."""

    def render_html(self, parent_context=None):
        request = (parent_context or {}).get("request")
        context = {"table": self, "request": request}
        caption = self.get_caption()
        widths = joined(
            format_html("<col{} />", attributes({"width": column.width}) if column.width else "")
            for column in self.columns.values()
        )
        header_row = (
            format_html(' class="{}"', self.header_row_classname)
            if self.header_row_classname
            else ""
        )
        return format_html(
            "<table{}>{}{}<thead><tr{}>{}</tr></thead><tbody>{}</tbody></table>",
            attributes(self.attrs),
            format_html('<caption class="w-sr-only">{}</caption>', caption) if caption else "",
            widths if self.has_column_widths() else "",
            header_row,
            joined(column.header.render_html(context) for column in self.columns.values()),
            joined(self.row_html(row, context) for row in self.rows),
        )

    def row_html(self, row: tables.Table.Row, context: dict) -> SafeString:
        cell_context = {**context, "row": row}
        return format_html(
            "<tr{}>{}</tr>",
            attributes(row.attrs),
            joined(cell.render_html(cell_context) for cell in row.values()),
        )
