"""Keeping student information minimal: the one check every free-text field of the
workspace goes through, and what it refuses, and why.

Students are written by initials. A text is refused when it looks like it holds a
student's full name, date of birth or ID number; the person is told which, and
what they typed is kept for them to rephrase. The checks are deliberately blunt
pattern matches, tuned so that ordinary numbers ("counts to 1000", "room 1204")
and the capitalised words notes are full of ("Social Stories", "Monday Morning
Meeting") pass: a false alarm costs the pair a rephrase, a miss is a privacy
incident. ``tests/test_student_data.py`` holds the table of texts either way.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_MONTH = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
    r"(?:uary|ruary|ch|il|e|y|ust|ember|tember|ober)?\.?"
)
# Full dates (with a year), in the shapes people type birth dates in, and the words
# that announce one. A day without a year ("3/14", "March 14") is fine.
DATE_LIKE = re.compile(
    rf"""
    \b\d{{1,2}}\s*[/.\-]\s*\d{{1,2}}\s*[/.\-]\s*\d{{2,4}}\b      # 3/14/2016, 14.03.16
    | \b\d{{4}}\s*[/.\-]\s*\d{{1,2}}\s*[/.\-]\s*\d{{1,2}}\b      # 2016-03-14
    | \b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{2,4}}\b     # March 14, 2016
    | \b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\s*,?\s+\d{{2,4}}\b  # 14 March 2016
    | \b(?:dob|d\.o\.b\.?|born|birth\s*date|birthdate|date\s+of\s+birth)\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
# An ID number: a long run of digits (district and state IDs have six or more), a
# number labelled as an ID, or a social security number. Shorter numbers (a count,
# a room, a score) are left alone. Digits inside a number written with separators
# ("1,000,000", "3.14159") are not a run.
ID_LIKE = re.compile(
    r"""
    (?<![\d,.])\d{6,}(?![\d,]|\.\d)                               # 4471923
    | \b(?:id|student\s*(?:no\.?|number|\#)|ssid|sasid|lasid)\s*(?:number|no\.?)?
      \s*[:\#]?\s*\d{3,}                                          # ID 4471, student # 120
    | \b\d{3}-\d{2}-\d{4}\b                                       # 123-45-6789
    """,
    re.IGNORECASE | re.VERBOSE,
)
# A name-shaped word: a capital, then lower-case letters ("O'Neil", "Mary-Kate"),
# maybe possessive.
_NAME_WORD = r"(?:[A-Z]['’])?[A-Z][a-z]+(?:-[A-Z]?[a-z]+)*(?:['’]s)?"
NAME_PAIR = re.compile(rf"\b(?=({_NAME_WORD})\s+({_NAME_WORD})\b)")
# Capitalised words that are not names: they start sentences, name days and
# months, or are the classroom's vocabulary. Two name-shaped words in a row, neither
# of them here, look like a first and last name.
NOT_NAMES = frozenset(
    """
    a about after afternoon again all also an and any are as at be because before
    both but by can could did do does each every first for from had has have he her
    here him his how i if in into is it its just last let may me more morning most
    my next no not now of on once one only or our out over she should so some than
    that the their them then there these they this those to today tomorrow two up us
    was we were what when where which while who why will with would yes yesterday you
    your
    monday tuesday wednesday thursday friday saturday sunday
    january february march april june july august september october november december
    mr mrs ms miss dr teacher para student students class room school
    break card cards check circle center centers choice group reading math writing
    science social story stories time morning meeting lunch recess arrival dismissal
    specials art music library gym plan goal goals data behavior behaviour token board
    visual schedule timer zone zones regulation calm corner first-then
    """.split()  # noqa: SIM905 (a word list reads better as words)
)

INITIALS = re.compile(r"(?:[A-Z][.\-]?\s?){1,4}")
STUDENT_SEPARATORS = re.compile(r"[,;/&]|\band\b")

INITIALS_ONLY = _("Write students as initials only, like J.M. — full names stay out of Tandem.")
NO_BIRTH_DATES = _(
    "This looks like a date of birth. Dates of birth stay out of Tandem: write the day "
    "without the year (for example, Tuesday or 3/14)."
)
NO_ID_NUMBERS = _(
    "This looks like a student ID number. ID numbers stay out of Tandem: refer to the "
    "student by initials."
)


def looks_like_full_name(text: str) -> bool:
    return any(
        not {_as_word(first), _as_word(last)} & NOT_NAMES for first, last in NAME_PAIR.findall(text)
    )


def _as_word(name_shaped: str) -> str:
    return re.sub(r"['’]s$", "", name_shaped).lower()


def personal_data_errors(text: str) -> list[str]:
    """Why ``text`` may hold a student's date of birth, ID number or full name;
    empty if it looks fine. One message per kind, dates first."""
    errors = []
    if DATE_LIKE.search(text):
        errors.append(NO_BIRTH_DATES)
    # Digits inside a date already earned the date message; say one thing at a time.
    if ID_LIKE.search(DATE_LIKE.sub(" ", text)):
        errors.append(NO_ID_NUMBERS)
    if looks_like_full_name(text):
        errors.append(INITIALS_ONLY)
    return errors


def student_list_errors(text: str) -> list[str]:
    """Why ``text`` is not a list of initials; empty if it is one."""
    errors = personal_data_errors(text)
    items = [item.strip() for item in STUDENT_SEPARATORS.split(text) if item.strip()]
    if INITIALS_ONLY not in errors and any(not INITIALS.fullmatch(item) for item in items):
        errors.append(INITIALS_ONLY)
    return errors


def validate_no_personal_data(text: str) -> None:
    """The validator of every free-text field of the workspace."""
    if errors := personal_data_errors(text):
        raise ValidationError(errors, code="student_data")


def validate_student_initials(text: str) -> None:
    """For the fields that list students: initials and nothing else."""
    if errors := student_list_errors(text):
        raise ValidationError(errors, code="student_data")
