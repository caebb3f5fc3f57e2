"""Who may take what: the course audiences meant for a person, and whether they may
record progress in a module."""

from __future__ import annotations

from accounts.roles import LearnerRole
from courses.models import Assignment, CoursePage, ModulePage

# Which course audiences each learner role takes; administrators take them all.
ROLE_AUDIENCES = {
    LearnerRole.PARA: ("paras", "pairs"),
    LearnerRole.TEACHER: ("teachers", "pairs"),
}


def audiences_for(user) -> tuple[str, ...] | None:
    """The course audiences meant for this person, or None for every audience."""
    if user.is_school_admin or user.is_district_admin:
        return None
    return ROLE_AUDIENCES.get(user.role, ())


def is_meant_for(user, course: CoursePage) -> bool:
    audiences = audiences_for(user)
    return audiences is None or course.audience in audiences


def courses_meant_for(user):
    """Published courses written for this person's role, in catalogue order."""
    courses = CoursePage.objects.live().public().sources().order_by("path")
    audiences = audiences_for(user)
    return courses if audiences is None else courses.filter(audience__in=audiences)


def may_take(user, module: ModulePage, course: CoursePage | None) -> bool:
    """Whether this person may record progress in ``module``: the module and its
    course are published, and the course is written for them or was assigned to them."""
    if not (user.is_authenticated and user.is_active):
        return False
    if not module.live or course is None or not course.live:
        return False
    if is_meant_for(user, course):
        return True
    return Assignment.objects.filter(user=user, page_id__in=[module.pk, course.pk]).exists()
