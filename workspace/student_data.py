"""Keeping student information minimal: what the weekly plan refuses, and why.

The checks are deliberately blunt pattern matches. A plan that trips one by
accident (a year written as "2026") costs the pair a rephrase; a plan that
slips a student's birth date or ID number past them is a privacy incident.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_MONTH = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
    r"(?:uary|ruary|ch|il|e|y|ust|ember|tember|ober)?\.?"
)
# Full dates (with a year), in the shapes people type birth dates in.
DATE_LIKE = re.compile(
    rf"""
    \b\d{{1,2}}\s*[/.\-]\s*\d{{1,2}}\s*[/.\-]\s*\d{{2,4}}\b      # 3/14/2016, 14.03.16
    | \b\d{{4}}\s*[/.\-]\s*\d{{1,2}}\s*[/.\-]\s*\d{{1,2}}\b      # 2016-03-14
    | \b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{2,4}}\b     # March 14, 2016
    | \b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\s*,?\s+\d{{2,4}}\b  # 14 March 2016
    | \b(?:dob|d\.o\.b\.?|born)\b                              # "DOB", "born"
    """,
    re.IGNORECASE | re.VERBOSE,
)
ID_LIKE = re.compile(r"\d{4,}")
# Two capitalised words of two or more letters in a row: "Jamal Ortiz".
FULL_NAME_LIKE = re.compile(r"\b[A-Z][a-z]+(?:['’\-][A-Za-z]+)*\s+[A-Z][a-z]+")
# One student's initials: one to four capital letters, each optionally
# followed by a full stop or hyphen ("J.M.", "AB", "K-L", "J. M.").
INITIALS = re.compile(r"(?:[A-Z][.\-]?\s?){1,4}")
STUDENT_SEPARATORS = re.compile(r"[,;/&]|\band\b")

INITIALS_ONLY = _("Write students as initials only, like J.M. — full names stay out of Tandem.")
NO_BIRTH_DATES = _(
    "This looks like a date of birth. Dates of birth stay out of Tandem: write the day "
    "without the year (for example, Tuesday or 3/14)."
)
NO_ID_NUMBERS = _(
    "This looks like an ID number (four or more digits in a row). Student ID numbers "
    "stay out of Tandem."
)


def personal_data_errors(text: str) -> list[str]:
    """Why ``text`` may hold a date of birth or an ID number; empty if it looks fine."""
    errors = []
    if DATE_LIKE.search(text):
        errors.append(NO_BIRTH_DATES)
    # Digits inside a date already earned the date message; say one thing at a time.
    if ID_LIKE.search(DATE_LIKE.sub(" ", text)):
        errors.append(NO_ID_NUMBERS)
    return errors


def student_list_errors(text: str) -> list[str]:
    """Why ``text`` is not a list of initials; empty if it is one."""
    errors = personal_data_errors(text)
    items = [item.strip() for item in STUDENT_SEPARATORS.split(text) if item.strip()]
    if FULL_NAME_LIKE.search(text) or any(not INITIALS.fullmatch(item) for item in items):
        errors.append(INITIALS_ONLY)
    return errors


def validate_no_personal_data(text: str) -> None:
    if errors := personal_data_errors(text):
        raise ValidationError(errors)


def validate_student_initials(text: str) -> None:
    if errors := student_list_errors(text):
        raise ValidationError(errors)
