"""Evidence of outside PD (a certificate or a signed sign-in sheet): what may be
uploaded, and where it is kept.

Files are checked by what they contain, not by their name: a PDF must begin as
a PDF does and an image must open as one, so a script renamed ``.pdf`` is
refused. They are stored outside ``MEDIA_ROOT``, and reach a browser only through
``hours.views``, which asks ``pairs.scoping`` who may see the person.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024

# The extension a file's content must match, and the type it is served as.
PDF, PNG, JPEG = "pdf", "png", "jpeg"
CONTENT_TYPES = {PDF: "application/pdf", PNG: "image/png", JPEG: "image/jpeg"}
EXTENSIONS = {".pdf": PDF, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG}
PIL_FORMATS = {"PNG": PNG, "JPEG": JPEG}


def evidence_root() -> Path:
    return Path(getattr(settings, "TANDEM_EVIDENCE_ROOT", Path(settings.BASE_DIR) / "private"))


@deconstructible
class EvidenceStorage(FileSystemStorage):
    """A folder outside the public media, read from the setting on each use (tests
    point it at a temporary folder). A file's URL is a view's, never the media's."""

    @property
    def base_location(self):
        return evidence_root()

    @property
    def location(self):
        return os.path.abspath(evidence_root())

    def url(self, name):
        # Not a media URL: the view that asks who may see the file (the admin's file
        # widget links here).
        from django.urls import reverse

        return reverse("hours:evidence_file", kwargs={"name": name})


evidence_storage = EvidenceStorage()


def kind_of(upload) -> str:
    """What the file is, judged by its content: PDF, PNG or JPEG, or ValidationError."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    try:
        with Image.open(upload) as image:
            image.verify()
            found = PIL_FORMATS.get(image.format or "")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        found = None
    finally:
        upload.seek(0)
    if found is None:
        raise ValidationError(
            _(
                "This file is not a PDF, PNG or JPEG image. Upload the certificate or "
                "sign-in sheet as a PDF or a photo."
            ),  # fmt: skip
            code="evidence_type",
        )
    return found


def validate_evidence(upload) -> None:
    """Refuse anything but a PDF or image of at most ``MAX_EVIDENCE_BYTES`` whose
    content matches its extension."""
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            _("This file is %(size)s; evidence can be at most %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_EVIDENCE_BYTES)},
            code="evidence_size",
        )
    extension = Path(upload.name).suffix.lower()
    claimed = EXTENSIONS.get(extension)
    if claimed is None:
        raise ValidationError(
            _("Evidence must be a .pdf, .png, .jpg or .jpeg file."), code="evidence_extension"
        )
    if kind_of(upload) != claimed:
        raise ValidationError(
            _(
                "This file's name says %(extension)s but its content is not: upload the "
                "file as it was saved."
            )
            % {"extension": extension},  # fmt: skip
            code="evidence_mismatch",
        )


def content_type_of(name: str) -> str:
    return CONTENT_TYPES[EXTENSIONS[Path(name).suffix.lower()]]


def delete_files_on_commit(names) -> None:
    """Remove evidence files once the transaction that removed their rows commits,
    so a rolled-back deletion keeps both."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: [evidence_storage.delete(name) for name in names])
