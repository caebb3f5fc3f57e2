"""Certificates: issued once when a person completes a course, printed as PDF with
a QR code, and confirmed to anyone who types or scans its code at /verify/."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import qrcode
import qrcode.image.svg
from allauth.core.internal import ratelimit
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from wagtail.models import Site

from courses.models import Certificate, CoursePage, ModulePage
from pairs.models import District

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

    The name, title, hours and district are copied so the certificate keeps saying
    what was true when it was earned, whatever happens to the course or the District
    setting later.
    """
    issuer = issuer_for_page(course)
    defaults = {
        "recipient_name": recipient_name(user),
        "course_title": course.title,
        "hours": sum((module.pd_hours for module in modules), Decimal(0)),
        "district_name": issuer.district,
        "pd_sponsor": issuer.sponsor,
    }
    # get_or_create inserts in a savepoint and re-reads on IntegrityError, so a
    # concurrent request that issued it first leaves one certificate, not an error.
    return Certificate.objects.get_or_create(user=user, course=course, defaults=defaults)


def issued_on(certificate: Certificate) -> str:
    # In the active language: the reader's on the page, the downloader's on the PDF.
    return date_format(timezone.localdate(certificate.issued_at), "DATE_FORMAT")


@dataclass(frozen=True)
class Issuer:
    """Who stands behind the hours, from the site's District setting."""

    district: str
    sponsor: str


def _issuer_of_site(site: Site | None) -> Issuer:
    # Read, not District.for_site(): that creates the row, and a GET writes nothing
    # (tests/test_security_forms.py).
    district = District.objects.filter(site=site).first() if site is not None else None
    if district is None:  # not filled in yet: the certificate names no district
        return Issuer(district="", sponsor="")
    return Issuer(district=district.name.strip(), sponsor=district.pd_sponsor.strip())


def issuer_for(request: HttpRequest) -> Issuer:
    """The District setting of the site serving ``request``, as it is today."""
    return _issuer_of_site(Site.find_for_request(request))


def issuer_for_page(page) -> Issuer:
    """The District setting of the site a page belongs to (the default site for a
    page under none), as it is today: what a certificate copies when it is issued."""
    site = page.get_site() or Site.objects.filter(is_default_site=True).first()
    return _issuer_of_site(site)


def issuer_of(certificate: Certificate) -> Issuer:
    """Who awarded ``certificate``: the district as it was named when it was issued."""
    return Issuer(district=certificate.district_name, sponsor=certificate.pd_sponsor)


# Codes are 12 hex digits (48 random bits, ``courses.models.new_verification_code``);
# people type them with spaces, dashes or lower case, which are ignored.
CODE_PATTERN = re.compile(r"[0-9A-F]{12}")


def normalise_code(typed: str) -> str | None:
    """The code as stored, or None when ``typed`` cannot be one."""
    code = re.sub(r"[\s-]", "", typed).upper()
    return code if CODE_PATTERN.fullmatch(code) else None


# Unknown codes a visitor may try from one address before being refused for a while.
# A right code costs nothing, so a school checking a stack of certificates is not held
# up; guessing 48-bit codes at this pace would take millions of years.
VERIFY_MISSES = "10/m/ip,50/h/ip"
_VERIFY_ACTION = "verify_certificate_miss"


def _misses(request: HttpRequest, *, dry_run: bool) -> bool:
    # allauth's limiter (its cache, and the client address read through
    # ALLAUTH_TRUSTED_PROXY_COUNT); its public ``consume`` never limits a GET, so the
    # internal one is called with ``limit_get``:
    # https://codeberg.org/allauth/django-allauth/src/branch/main/allauth/core/internal/ratelimit.py
    # tests/test_verify.py pins the behaviour relied on.
    return bool(
        ratelimit.consume(
            request,
            app="courses",
            action=_VERIFY_ACTION,
            config={_VERIFY_ACTION: VERIFY_MISSES},
            limit_get=True,
            dry_run=dry_run,
        )
    )


class TooManyMisses(Exception):
    """This address has tried too many unknown codes lately."""


def look_up(request: HttpRequest, code: str) -> Certificate | None:
    """The certificate with ``code`` (already normalised), or None. Raises
    ``TooManyMisses`` before looking when the address has guessed too often, so a
    right guess then reads the same as a wrong one."""
    if not _misses(request, dry_run=True):
        raise TooManyMisses
    certificate = Certificate.objects.filter(verification_code=code).first()
    if certificate is None:
        _misses(request, dry_run=False)
    return certificate


def qr_svg(url: str) -> str:
    """An inline SVG QR code for ``url`` (CSS sets its printed size)."""
    image = qrcode.make(
        url,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    svg = image.to_string(encoding="unicode")
    # Drop the XML declaration: the SVG goes inline into HTML.
    return svg[svg.index("<svg") :]


def _qr_matrix(url: str) -> list[list[bool]]:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(url)
    qr.make(fit=True)
    return qr.get_matrix()


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


def body_font(pdf: FPDF) -> tuple[str, Callable[[str], str]]:
    """The font family Tandem's PDFs write in, and how text must be cleaned for it:
    the Unicode font where the system has it (any name prints), else the core
    Helvetica with Latin-1 text. Certificates, job aids and hours statements share it."""
    if UNICODE_FONT.exists() and UNICODE_FONT_BOLD.exists():
        pdf.add_font("Body", "", UNICODE_FONT)
        pdf.add_font("Body", "B", UNICODE_FONT_BOLD)
        return "Body", str
    return "Helvetica", _latin1


def certificate_pdf(certificate: Certificate, verify_url: str, issuer: Issuer) -> bytes:
    """A one-page, landscape Letter PDF of the certificate, with a QR code that
    opens ``verify_url``."""
    pdf = FPDF(orientation="L", unit="mm", format="Letter")
    pdf.set_title(f"{certificate.course_title}: {certificate.recipient_name}")
    pdf.set_author("Tandem")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    family, clean = body_font(pdf)

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
    line(_("Completed on %(date)s") % {"date": issued_on(certificate)}, 14, gap=2)
    if issuer.district:
        line(issuer_line(issuer), 14)

    # The QR code, drawn module by module in the bottom-right corner.
    matrix = _qr_matrix(verify_url)
    side = 30.0
    cell = side / len(matrix)
    left, top = pdf.w - 22 - side, pdf.h - 22 - side
    pdf.set_fill_color(0, 0, 0)
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            if dark:
                pdf.rect(left + col * cell, top + row * cell, cell, cell, style="F")

    pdf.set_y(pdf.h - 42)
    pdf.set_text_color(82, 96, 109)
    line(_("Verification code: %(code)s") % {"code": certificate.verification_code}, 11, gap=1)
    pdf.set_font(family, "", 11)
    pdf.cell(width, 6, clean(verify_url), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def issuer_line(issuer: Issuer) -> str:
    if issuer.sponsor:
        return _("Awarded by %(district)s, %(sponsor)s") % {
            "district": issuer.district,
            "sponsor": issuer.sponsor,
        }
    return _("Awarded by %(district)s") % {"district": issuer.district}
