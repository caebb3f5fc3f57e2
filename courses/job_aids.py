"""Job aids: one-page sheets a pair prints or keeps on a phone, each a web page with a
print stylesheet and a PDF.

They are written here, not in the page tree, because they are fixed tools that go
with the curriculum rather than content an editor rewrites; the modules that use
them are named by slug (``used_in``), so a module page lists its aids without a
field to fill in. They hold no personal data: anyone signed in may open them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from fpdf import FPDF
from fpdf.enums import XPos
from fpdf.fonts import FontFace

from courses.certificates import body_font


@dataclass(frozen=True)
class Field:
    """One box of the planning template: what to write, with a hint."""

    label: str
    hint: str


@dataclass(frozen=True)
class Task:
    """One row of the role card: who does what for one kind of work."""

    task: str
    teacher: str
    para: str


@dataclass(frozen=True)
class Term:
    term: str
    meaning: str
    example: str


@dataclass(frozen=True)
class JobAid:
    slug: str
    title: str
    summary: str
    # Module page slugs (in any language tree) that link to this aid.
    used_in: tuple[str, ...]
    template: str


PLANNING_FIELDS = (
    Field(
        _("Students we support"), _("Names or initials only. Keep the sheet out of students' view.")
    ),
    Field(_("This week's priority goals"), _("The academic, behavior or IEP goals we focus on.")),
    Field(
        _("Strategies and accommodations"),
        _("What each of us will do, and which accommodations each student gets."),
    ),
    Field(_("How we collect data"), _("What we record, with which tool, and when.")),
    Field(
        _("How and when we talk"),
        _(
            "For example: a five-minute check-in before school, a shared document, "
            "a weekly meeting. Say how to reach each other in a hurry."
        ),
    ),
)

ROLE_TASKS = (
    Task(
        _("Teaching"),
        _("Plans the lessons, adapts the materials and shows how a strategy is done."),
        _("Teaches as planned and tells the teacher how students responded."),
    ),
    Task(
        _("Behavior support"),
        _(
            "Coordinates the team's functional behavior assessment (FBA), writes the "
            "behavior plan and coaches the para in it."
        ),
        _(
            "Collects the observation data the FBA relies on, then uses the plan's "
            "strategies the same way every time."
        ),
    ),
    Task(
        _("Data"),
        _("Decides what to measure and provides the forms or tools."),
        _("Records what happened, accurately and on the day, with those tools."),
    ),
    Task(
        _("Families"),
        _("Leads communication with families and reports progress."),
        _("Passes observations to the teacher, who decides what families hear."),
    ),
    Task(
        _("Accommodations and modifications"),
        _(
            "Plans how the supports in each student's IEP are delivered in class and "
            "shows the para how to give them."
        ),
        _("Makes sure each accommodation happens as planned, and asks before changing anything."),
    ),
)

ROLE_TERMS = (
    Term(
        _("Accommodation"),
        _(
            "Changes how a student learns or shows what they learned, not what they learn. "
            "The expectation stays the same."
        ),
        _("Extra time, a test read aloud, a seat near the board, answers given orally."),
    ),
    Term(
        _("Modification"),
        _(
            "Changes what the student is expected to learn or show. Only the teacher, "
            "with the IEP team, decides on one."
        ),
        _("Fewer or simpler problems, a different reading level, a different goal."),
    ),
)

DOS = (
    _("Ask when you are not sure what was meant."),
    _("Tell each other which strategies seem to be working."),
    _("Stay patient and upbeat with students, even on a hard day."),
    _("Take initiative within the part of the work that is yours."),
    _("Keep what you know about students to yourselves and the team."),
)
DONTS = (
    _("Skip or put off the data you agreed to collect."),
    _("Contradict your partner in front of students; talk it over later, in private."),
    _("Share student information with anyone who has no need to know it."),
    _("Change a lesson, a plan or an assignment without the teacher."),
)

JOB_AIDS = (
    JobAid(
        slug="planning-template",
        title=_("Collaboration planning template"),
        summary=_(
            "Five boxes to fill in together each week: who, goals, strategies, "
            "data and how you keep in touch."
        ),
        used_in=(
            "planning-together",
            "protected-planning-time",
            "aligning-on-iep-goals",
            "directing-and-coaching-your-para",
            "supervising-and-scheduling-paras",
        ),
        template="courses/job_aids/planning_template.html",
    ),
    JobAid(
        slug="role-card",
        title=_("Role card: who does what"),
        summary=_(
            "The teacher's and the para's part in five kinds of work, and the "
            "difference between an accommodation and a modification."
        ),
        used_in=(
            "clarifying-roles",
            "elevating-the-para-role",
            "directing-and-coaching-your-para",
            "supervising-and-scheduling-paras",
        ),
        template="courses/job_aids/role_card.html",
    ),
    JobAid(
        slug="dos-and-donts",
        title=_("Do's and don'ts pocket card"),
        summary=_("Habits that keep a pair working well, on one small card."),
        used_in=("boundaries-and-confidentiality", "communication-systems"),
        template="courses/job_aids/dos_and_donts.html",
    ),
)
BY_SLUG = {aid.slug: aid for aid in JOB_AIDS}


def for_module(slug: str) -> list[JobAid]:
    """The aids a module page links to."""
    return [aid for aid in JOB_AIDS if slug in aid.used_in]


# PDF ---------------------------------------------------------------------------------

TEAL = (29, 92, 99)
INK = (31, 42, 55)
MUTED = (82, 96, 109)


class _Sheet:
    """A portrait Letter page with the certificate's fonts and colours."""

    def __init__(self, aid: JobAid) -> None:
        pdf = FPDF(orientation="P", unit="mm", format="Letter")
        pdf.set_title(str(aid.title))
        pdf.set_author("Tandem")
        pdf.set_margins(18, 16, 18)
        pdf.set_auto_page_break(True, margin=16)
        pdf.add_page()
        self.family, self.clean = body_font(pdf)
        self.pdf = pdf
        self.width = pdf.w - pdf.l_margin - pdf.r_margin
        self.text(aid.title, 18, "B", color=TEAL, gap=2)
        self.text(aid.summary, 11, color=MUTED, gap=5)

    def text(self, text: str, size: float, style: str = "", *, color=INK, gap=2.0) -> None:
        pdf = self.pdf
        pdf.set_text_color(*color)
        pdf.set_font(self.family, style, size)
        pdf.multi_cell(self.width, size * 0.5, self.clean(text), new_x=XPos.LMARGIN)
        pdf.ln(gap)

    def table(self, heading: tuple[str, ...] | None, rows, widths, min_height=0.0) -> None:
        pdf = self.pdf
        pdf.set_text_color(*INK)
        pdf.set_draw_color(*MUTED)
        pdf.set_font(self.family, "", 10)
        with pdf.table(
            col_widths=widths,
            line_height=5,
            padding=2,
            first_row_as_headings=heading is not None,
            headings_style=FontFace(emphasis="BOLD", color=TEAL),
        ) as table:
            if heading is not None:
                row = table.row()
                for cell in heading:
                    row.cell(self.clean(cell))
            for cells in rows:
                row = table.row(min_height=min_height) if min_height else table.row()
                for cell in cells:
                    row.cell(self.clean(cell))
        pdf.ln(4)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def job_aid_pdf(aid: JobAid) -> bytes:
    """The sheet as a PDF, in the active language (the request's, for a download)."""
    sheet = _Sheet(aid)
    if aid.slug == "planning-template":
        sheet.text(
            gettext_now(
                "Week of: ____________   Teacher: ________________   Para: ________________"
            ),
            11,
            gap=4,
        )
        rows = [(f"{field.label}\n{field.hint}", "") for field in PLANNING_FIELDS]
        sheet.table(None, rows, (1, 2), min_height=32)
    elif aid.slug == "role-card":
        rows = [(task.task, task.teacher, task.para) for task in ROLE_TASKS]
        sheet.table(
            (gettext_now("Work"), gettext_now("Special educator"), gettext_now("Para")),
            rows,
            (1, 2, 2),
        )
        for term in ROLE_TERMS:
            sheet.text(term.term, 12, "B", gap=1)
            sheet.text(term.meaning, 10.5, gap=1)
            sheet.text(
                gettext_now("For example: %(example)s") % {"example": term.example},
                10.5,
                color=MUTED,
                gap=3,
            )
    else:
        width = max(len(DOS), len(DONTS))
        rows = [
            (DOS[i] if i < len(DOS) else "", DONTS[i] if i < len(DONTS) else "")
            for i in range(width)
        ]
        sheet.table((gettext_now("Do"), gettext_now("Don’t")), rows, (1, 1))
    return sheet.output()
