from courses.models.learning import (
    Assignment,
    Certificate,
    FirstTryMisses,
    MissedQuestion,
    ModuleProgress,
    PreCheck,
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
    "FirstTryMisses",
    "MissedQuestion",
    "ModulePage",
    "ModuleProgress",
    "PreCheck",
    "QuizAttempt",
    "ReminderLog",
]
