"""A person's transcript: completed modules and courses, with PD hours per school year."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TextIO

from django.utils import timezone
from django.utils.translation import gettext as _

from content.models import show_in_reader_language
from content.spreadsheets import BYTE_ORDER_MARK, neutralise_formula
from courses.models import Certificate, CoursePage, ModuleProgress

# School years run from July to June.
SCHOOL_YEAR_STARTS = 7

MODULE, COURSE = "module", "course"


def school_year_of(day: datetime.date) -> int:
    """The calendar year the school year containing ``day`` started in."""
    return day.year if day.month >= SCHOOL_YEAR_STARTS else day.year - 1


@dataclass(frozen=True)
class TranscriptEntry:
    kind: str  # MODULE or COURSE
    title: str
    course_title: str
    completed_on: datetime.date
    hours: Decimal
    certificate: Certificate | None = None


@dataclass
class SchoolYear:
    start: int
    entries: list[TranscriptEntry] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.start}–{self.start + 1}"

    @property
    def hours(self) -> Decimal:
        """PD hours earned this year. A course's hours are its modules' hours, so only
        modules are added up: counting the course too would count them twice."""
        return sum((e.hours for e in self.entries if e.kind == MODULE), Decimal(0))

    @property
    def modules(self) -> list[TranscriptEntry]:
        return [entry for entry in self.entries if entry.kind == MODULE]

    @property
    def courses(self) -> list[TranscriptEntry]:
        return [entry for entry in self.entries if entry.kind == COURSE]


def transcript_entries(user) -> list[TranscriptEntry]:
    """Every completed module and every certificate, in three queries (two more for
    the titles in a language other than English). A certificate keeps the course
    title it was issued with."""
    completed = list(
        ModuleProgress.objects.filter(user=user, completed_at__isnull=False)
        .select_related("module")
        .only(
            "completed_at",
            "module__title",
            "module__path",
            "module__pd_hours",
            "module__translation_key",
        )
    )
    show_in_reader_language([row.module for row in completed])
    steplen = CoursePage.steplen
    courses = CoursePage.objects.filter(
        path__in={row.module.path[:-steplen] for row in completed}
    ).only("path", "title", "translation_key")
    course_titles = {course.path: course.title for course in show_in_reader_language(courses)}
    entries = [
        TranscriptEntry(
            kind=MODULE,
            title=row.module.title,
            course_title=course_titles.get(row.module.path[:-steplen], ""),
            completed_on=timezone.localdate(row.completed_at),
            hours=row.module.pd_hours,
        )
        for row in completed
    ]
    entries += [
        TranscriptEntry(
            kind=COURSE,
            title=certificate.course_title,
            course_title=certificate.course_title,
            completed_on=timezone.localdate(certificate.issued_at),
            hours=certificate.hours,
            certificate=certificate,
        )
        for certificate in Certificate.objects.filter(user=user)
    ]
    entries.sort(key=lambda e: (e.completed_on, e.kind == COURSE, e.title))
    return entries


def by_school_year(entries: Iterable[TranscriptEntry]) -> list[SchoolYear]:
    """Entries grouped by school year, the most recent year first."""
    years: dict[int, SchoolYear] = {}
    for entry in entries:
        start = school_year_of(entry.completed_on)
        years.setdefault(start, SchoolYear(start)).entries.append(entry)
    return [years[start] for start in sorted(years, reverse=True)]


def write_csv(years: Iterable[SchoolYear], out: TextIO) -> None:
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out)

    def write(row: list) -> None:
        writer.writerow([neutralise_formula(cell) for cell in row])

    write([_("School year"), _("Completed on"), _("Kind"), _("Title"), _("Course"), _("PD hours")])
    kinds = {MODULE: _("Module"), COURSE: _("Course")}
    for year in years:
        for entry in year.entries:
            write(
                [
                    year.label,
                    entry.completed_on.isoformat(),
                    kinds[entry.kind],
                    entry.title,
                    entry.course_title,
                    entry.hours,
                ]
            )
        write([year.label, "", _("Total"), "", "", year.hours])
