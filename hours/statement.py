"""A person's PD-hours statement as a PDF: for each rule that applies, the period,
the hours required and credited by source, every ledger row in the period, and
lines for the administrator's signature and date, so it can be signed and filed."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from courses.certificates import Issuer, body_font, recipient_name
from hours.compliance import PersonCompliance
from hours.ledger import LedgerEntry


def statement_pdf(
    compliance: PersonCompliance,
    entries: Sequence[LedgerEntry],
    issuer: Issuer,
    today: datetime.date,
) -> bytes:
    """One person's statement, portrait Letter, as PDF bytes."""
    person = compliance.person
    pdf = FPDF(orientation="P", unit="mm", format="Letter")
    pdf.set_title(_("PD hours statement: %(name)s") % {"name": recipient_name(person)})
    pdf.set_author(issuer.district or "Tandem")
    pdf.add_page()
    family, clean = body_font(pdf)
    width = pdf.w - 2 * pdf.l_margin

    def text(value: str, size: int = 11, style: str = "", gap: float = 1) -> None:
        pdf.set_font(family, style, size)
        pdf.multi_cell(width, size * 0.5, clean(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(gap)

    def row(cells: Sequence[tuple[str, float]], style: str = "") -> None:
        pdf.set_font(family, style, 9)
        for value, share in cells:
            pdf.cell(width * share, 6, clean(value)[:70], border="B")
        pdf.ln(6)

    text(_("Professional development hours statement"), 18, "B", 3)
    if issuer.district:
        text(", ".join(part for part in (issuer.district, issuer.sponsor) if part))
    text(_("Name: %(name)s") % {"name": recipient_name(person)})
    if compliance.hired_on:
        text(_("Hired on: %(date)s") % {"date": date_format(compliance.hired_on)})
    text(_("As of: %(date)s") % {"date": date_format(today)}, gap=4)

    if not compliance.standings:
        text(_("No PD-hours rule the district follows applies to this person's role."))
    for standing in compliance.standings:
        text(standing.rule.name, 13, "B")
        text(standing.rule.citation, 9)
        if standing.period is None:
            text(_("This rule needs a hire or registration date on the person's record."), gap=4)
            continue
        first, last = standing.period
        text(
            _(
                "Period: %(first)s to %(last)s. Required: %(required)s hours. Credited: "
                "%(credited)s hours. Status: %(status)s."
            )  # fmt: skip
            % {
                "first": date_format(first),
                "last": date_format(last),
                "required": standing.required_hours,
                "credited": standing.credited_hours,
                "status": standing.label,
            }
        )
        row([(_("Source"), 0.5), (_("Earned"), 0.25), (_("Credited"), 0.25)], "B")
        for label, earned, credited_hours in standing.by_source:
            row([(label, 0.5), (str(earned), 0.25), (str(credited_hours), 0.25)])
        pdf.ln(2)
        row(
            [(_("Date"), 0.16), (_("Source"), 0.22), (_("Activity"), 0.47), (_("Hours"), 0.15)], "B"
        )
        for entry in entries:
            if first <= entry.on <= last and standing.rule.counts(entry.source):
                title = f"{entry.title} ({entry.detail})" if entry.detail else entry.title
                row([(entry.on.isoformat(), 0.16), (entry.source_label, 0.22), (title, 0.47),
                     (str(entry.hours), 0.15)])  # fmt: skip
        pdf.ln(5)

    pdf.ln(8)
    text(_("I certify that this statement is accurate."), gap=10)
    text(_("Administrator's signature: ______________________________    Date: ______________"))
    return bytes(pdf.output())
