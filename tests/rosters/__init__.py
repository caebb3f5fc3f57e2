"""OneRoster bundles for the roster import's tests, kept as readable folders."""

import io
import zipfile
from pathlib import Path

FOLDER = Path(__file__).parent
VERSIONS = ("1.1", "1.2")


def files_of(version: str) -> dict[str, str]:
    """The bundle's files, by name, as text."""
    return {
        path.name: path.read_text()
        for path in sorted((FOLDER / f"oneroster-{version}").glob("*.csv"))
    }


def bundle(version: str = "1.2", **replaced: str | bytes | None) -> bytes:
    """A zip of one version's files; ``replaced`` swaps a file's contents by its name
    (``users_csv="..."``), or leaves it out with ``None``."""
    files: dict[str, str | bytes | None] = dict(files_of(version))
    files.update({name.replace("_csv", ".csv"): content for name, content in replaced.items()})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            if content is not None:
                archive.writestr(name, content)
    return buffer.getvalue()
