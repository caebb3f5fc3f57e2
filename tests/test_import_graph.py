"""The apps import one another in the direction DESIGN.md ("Layout") allows:

    content and accounts ← pairs ← courses ← workspace ← hours ← {reporting, privacy} ← devdata

An app imports only apps to its left: none to its right and none beside it, so
content imports no project app and reporting and privacy do not import each other.
Every import counts, at the top of a module or inside a function; migrations are
left out (they name apps by label, and Django orders them).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from tests.project import project_apps

# Left to right; the apps in one layer sit side by side.
LAYERS = (
    ("content", "accounts"),
    ("pairs",),
    ("courses",),
    ("workspace",),
    ("hours",),
    ("reporting", "privacy"),
    ("devdata",),
)
LAYER_OF = {app: index for index, layer in enumerate(LAYERS) for app in layer}


@dataclass(frozen=True)
class Import:
    path: str  # the file, from the project folder
    line: int
    module: str  # the module imported, absolute

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.module}"


def imports_in(folder: Path, root: Path) -> Iterator[Import]:
    """Every import in the Python files under ``folder`` (migrations aside), with
    relative imports made absolute from ``root``, the folder the package sits in."""
    for path in sorted(folder.rglob("*.py")):
        if "migrations" in path.relative_to(root).parts:
            continue
        package = path.relative_to(root).parent.parts  # what "." means in this file
        shown = path.relative_to(root).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield Import(shown, node.lineno, alias.name)
            elif isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else ()
                module = ".".join((*base, *([node.module] if node.module else [])))
                yield Import(shown, node.lineno, module)


def app_of(module: str) -> str | None:
    """The project app a module belongs to, or None for anything else."""
    top = module.partition(".")[0]
    return top if top in LAYER_OF else None


def wrong_way(app: str, imports: Iterator[Import]) -> list[Import]:
    """The imports of ``app`` that reach an app to its right or beside it."""
    return [
        found
        for found in imports
        if (target := app_of(found.module)) not in (None, app) and LAYER_OF[target] >= LAYER_OF[app]
    ]


def test_every_app_has_its_place_in_the_layout():
    unplaced = [app for app in project_apps() if app not in LAYER_OF]

    assert not unplaced, f"Give these apps their place in DESIGN.md and LAYERS: {unplaced}"


def test_no_app_imports_one_to_its_right():
    root = Path(settings.BASE_DIR).resolve()
    wrong = [
        found for app in project_apps() for found in wrong_way(app, imports_in(root / app, root))
    ]

    assert not wrong, (
        "These imports go against the direction in DESIGN.md (an app imports only apps "
        "to its left):\n" + "\n".join(str(found) for found in wrong)
    )


def test_the_check_sees_imports_in_functions_and_relative_ones(tmp_path):
    app = tmp_path / "pairs"
    (app / "models").mkdir(parents=True)
    (app / "models" / "__init__.py").write_text("from ..scoping import visible\n")
    (app / "scoping.py").write_text(
        "import accounts.roles\n\n\ndef visible():\n    from workspace import models\n"
    )
    (app / "migrations").mkdir()
    (app / "migrations" / "0001_initial.py").write_text("import courses.models\n")

    found = list(imports_in(app, tmp_path))

    assert [str(item) for item in found] == [
        "pairs/models/__init__.py:1 imports pairs.scoping",
        "pairs/scoping.py:1 imports accounts.roles",
        "pairs/scoping.py:5 imports workspace",
    ]
    assert [str(item) for item in wrong_way("pairs", iter(found))] == [
        "pairs/scoping.py:5 imports workspace"
    ]
    # Side by side is not to the left.
    assert wrong_way("content", iter([Import("content/x.py", 1, "accounts")]))
    assert wrong_way("reporting", iter([Import("reporting/x.py", 1, "privacy.views")]))
    assert not wrong_way("devdata", iter([Import("devdata/x.py", 1, "privacy.views")]))
