from courses.models.learning import (
    Assignment,
    Certificate,
    MissedQuestion,
    ModuleProgress,
    QuizAttempt,
    ReminderLog,
)
from courses.models.pages import AUDIENCE_CHOICES, CourseIndexPage, CoursePage, ModulePage

__all__ = [
    "AUDIENCE_CHOICES",
    "Assignment",
    "Certificate",
    "CourseIndexPage",
    "CoursePage",
    "MissedQuestion",
    "ModulePage",
    "ModuleProgress",
    "QuizAttempt",
    "ReminderLog",
]
