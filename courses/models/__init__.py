from courses.models.learning import (
    Assignment,
    Certificate,
    FirstTryMisses,
    MissedQuestion,
    ModuleProgress,
    ModuleTally,
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
    "ModuleTally",
    "PreCheck",
    "QuizAttempt",
    "ReminderLog",
]
