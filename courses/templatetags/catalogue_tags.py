import re
from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import ngettext

from courses.catalogue import CourseListing, CourseTotals, course_listings, course_totals

register = template.Library()


@register.simple_tag
def listings(courses) -> list[CourseListing]:
    """``{% listings courses as entries %}``: each course with its module totals."""
    return course_listings(courses)


@register.filter
def totals(modules) -> CourseTotals:
    """``{% with totals=modules|totals %}``: reuses the already-fetched modules."""
    return course_totals(modules)


@register.filter
def hours(value: Decimal) -> str:
    """PD hours without trailing zeros, in the reader's number format: 2.50 is "2.5"
    in English and "2,5" in Spanish, 1.00 is "1"."""
    return number_format(value.normalize())


@register.filter
def duration(minutes: int) -> str:
    """Minutes as a reader says them: "45 minutes", "2 hours 10 minutes"."""
    whole_hours, rest = divmod(minutes, 60)
    parts = []
    if whole_hours:
        parts.append(ngettext("%d hour", "%d hours", whole_hours) % whole_hours)
    if rest or not whole_hours:
        parts.append(ngettext("%d minute", "%d minutes", rest) % rest)
    return " ".join(parts)


@register.filter
def first_paragraph(html: str) -> str:
    """The opening paragraph of rich text, for a listing."""
    found = re.search(r"<p\b.*?</p>", html or "", flags=re.DOTALL)
    return found[0] if found else ""
