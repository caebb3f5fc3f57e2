"""Certificates: issued once when a person completes a course, and printed as PDF."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from courses.models import Certificate, CoursePage, ModulePage

# Debian's fonts-dejavu-core: a Unicode font for names like "Nguyễn". Without it the
# PDF falls back to the core Helvetica font, which only knows Latin-1.
UNICODE_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
UNICODE_FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def recipient_name(user) -> str:
    return user.get_full_name() or user.username


def issue_certificate(
    user, course: CoursePage, modules: Sequence[ModulePage]
) -> tuple[Certificate, bool]:
    """The person's certificate for ``course`` and whether it was issued just now.

    The name, title and hours are copied so the certificate keeps saying what
    was true when it was earned, whatever happens to the course later.
    """
    defaults = {
        "recipient_name": recipient_name(user),
        "course_title": course.title,
        "hours": sum((module.pd_hours for module in modules), Decimal(0)),
    }
    # get_or_create inserts in a savepoint and re-reads on IntegrityError, so a
    # concurrent request that issued it first leaves one certificate, not an error.
    return Certificate.objects.get_or_create(user=user, course=course, defaults=defaults)


def issued_on(certificate: Certificate) -> str:
    return date_format(timezone.localdate(certificate.issued_at), "F j, Y")


def _latin1(text: str) -> str:
    """Text the core PDF fonts can draw: accents kept where Latin-1 has them,
    dropped where it does not, and anything else replaced by "?"."""
    out = []
    for char in text:
        if ord(char) < 256:
            out.append(char)
            continue
        base = unicodedata.normalize("NFKD", char)[0]
        out.append(base if ord(base) < 256 else "?")
    return "".join(out)


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    """A one-page, landscape Letter PDF of the certificate."""
    pdf = FPDF(orientation="L", unit="mm", format="Letter")
    pdf.set_title(f"{certificate.course_title}: {certificate.recipient_name}")
    pdf.set_author("Tandem")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    if UNICODE_FONT.exists() and UNICODE_FONT_BOLD.exists():
        pdf.add_font("Body", "", UNICODE_FONT)
        pdf.add_font("Body", "B", UNICODE_FONT_BOLD)
        family, clean = "Body", str
    else:
        family, clean = "Helvetica", _latin1

    width = pdf.w - 2 * pdf.l_margin
    pdf.set_draw_color(29, 92, 99)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, pdf.w - 28, pdf.h - 28)

    def line(text: str, size: int, style: str = "", gap: float = 4) -> None:
        pdf.set_font(family, style, size)
        pdf.multi_cell(width, size * 0.5, clean(text), align="C", new_x=XPos.LMARGIN)
        pdf.ln(gap)

    pdf.set_y(34)
    pdf.set_text_color(29, 92, 99)
    line(_("Certificate of completion"), 30, "B", 10)
    pdf.set_text_color(31, 42, 55)
    line(_("This certifies that"), 14)
    line(certificate.recipient_name, 26, "B", 6)
    line(_("has completed the course"), 14)
    line(certificate.course_title, 20, "B", 8)
    line(_("%(hours)s professional development hours") % {"hours": certificate.hours}, 14, gap=2)
    line(_("Completed on %(date)s") % {"date": issued_on(certificate)}, 14)

    pdf.set_y(pdf.h - 42)
    pdf.set_text_color(82, 96, 109)
    line(_("Verification code: %(code)s") % {"code": certificate.verification_code}, 11, gap=1)
    pdf.set_font(family, "", 11)
    pdf.cell(width, 6, clean(verify_url), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
