"""What is wrong with a curriculum, and where: the file and line of each problem."""

from collections.abc import Sequence
from pathlib import Path

from django.conf import settings

Line = tuple[int, str]  # (line number, text)


class CurriculumError(Exception):
    """One thing wrong in one file, and where."""

    def __init__(self, path: Path, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = display_path(self.path)
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"


class InvalidCurriculum(Exception):
    """Every bad file found in one read: the first problem in each."""

    def __init__(self, errors: Sequence[CurriculumError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


def display_path(path: Path) -> str:
    """The path as an author would type it from the project folder."""
    try:
        return str(path.resolve().relative_to(settings.BASE_DIR))
    except ValueError:
        return str(path)
