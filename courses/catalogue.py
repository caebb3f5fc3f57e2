"""What the course catalogue shows about each course: its size in modules, time and credit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from courses.models import CoursePage, ModulePage
from courses.progress import live_modules_by_course


@dataclass(frozen=True)
class CourseTotals:
    modules: int
    minutes: int
    pd_hours: Decimal


@dataclass(frozen=True)
class CourseListing:
    course: CoursePage
    totals: CourseTotals


def course_totals(modules: Iterable[ModulePage]) -> CourseTotals:
    modules = list(modules)
    return CourseTotals(
        modules=len(modules),
        minutes=sum(module.minutes for module in modules),
        pd_hours=sum((module.pd_hours for module in modules), Decimal(0)),
    )


def course_listings(courses: Iterable[CoursePage]) -> list[CourseListing]:
    """Each course with the totals of its published modules, in one query for them all."""
    courses = list(courses)
    modules = live_modules_by_course(courses)
    return [CourseListing(course, course_totals(modules.get(course.pk, ()))) for course in courses]
