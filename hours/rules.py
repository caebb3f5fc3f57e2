"""State rules for PD hours, as data: one TOML file per rule in ``hours/rules/``.

A file says who the rule is for, over what period hours are counted, how many
are required (and whether they are prorated for someone hired during the
period), which sources of hours count and up to what share of the requirement,
the deadlines inside the period, and how long records must be kept. Files are
parsed into small typed dataclasses and validated before anything uses them; a
file that does not fit is refused with its name and line, like any importer's.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from accounts.roles import LEARNER_ROLES


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by whole months, kept at the month's end where it is shorter."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    for last_day in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month + 1, day=min(day.day, last_day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


RULES_DIR = Path(__file__).resolve().parent / "rules"

# Where credited hours come from (``hours.ledger.Source`` uses the same values).
MODULE, COLLABORATION, OUTSIDE = "module", "collaboration", "outside"
SOURCES = (MODULE, COLLABORATION, OUTSIDE)

# How a rule's period runs:
#   school_year   July to June, the same for everyone;
#   registration  a span of ``years`` from a date recorded per person (New York's
#                 five-year CTLE registration period starts in the birth month);
#   from_hire     a span of ``years`` from the person's hire date.
SCHOOL_YEAR, REGISTRATION, FROM_HIRE = "school_year", "registration", "from_hire"
PERIOD_KINDS = (SCHOOL_YEAR, REGISTRATION, FROM_HIRE)
SCHOOL_YEAR_STARTS = 7

NO_PRORATION, BY_MONTH = "none", "by_month"
PRORATIONS = (NO_PRORATION, BY_MONTH)


class RuleError(ValueError):
    """A rule file that cannot be used, with where the problem is."""

    def __init__(self, path: Path, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        where = f"{path.name}, line {line}" if line else path.name
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Deadline:
    """At least ``hours`` within a time after hire (days or months), counted from
    the hire date. Applies to people hired during the current period."""

    label: str
    hours: Decimal
    days_after_hire: int = 0
    months_after_hire: int = 0

    def due_on(self, hired_on: datetime.date) -> datetime.date:
        return add_months(hired_on, self.months_after_hire) + datetime.timedelta(
            days=self.days_after_hire
        )


@dataclass(frozen=True)
class Rule:
    slug: str  # the file name without .toml: what a district's setting stores
    name: str
    citation: str
    roles: tuple[str, ...]
    period_kind: str
    period_years: int
    hours: Decimal
    proration: str
    # source -> the largest share (0..1) of the required hours it may fill
    source_shares: dict[str, Decimal]
    deadlines: tuple[Deadline, ...]
    retention_years: int
    notes: str = ""

    def __str__(self) -> str:
        return self.name

    def counts(self, source: str) -> bool:
        return self.source_shares.get(source, Decimal(0)) > 0

    def period_containing(
        self, day: datetime.date, starts_on: datetime.date | None
    ) -> tuple[datetime.date, datetime.date] | None:
        """The period (first day, last day) that holds ``day``. ``starts_on`` is the
        person's anchor date for registration and from-hire periods; without it
        there is no period to speak of."""
        if self.period_kind == SCHOOL_YEAR:
            start_year = day.year if day.month >= SCHOOL_YEAR_STARTS else day.year - 1
            first = datetime.date(start_year, SCHOOL_YEAR_STARTS, 1)
        elif starts_on is None:
            return None
        else:
            first = starts_on
        span = 12 * self.period_years
        if self.period_kind == REGISTRATION:
            # Registration periods follow one another: find the one holding ``day``.
            while add_months(first, span) <= day:
                first = add_months(first, span)
        return first, add_months(first, span) - datetime.timedelta(days=1)

    def required_hours(
        self, period: tuple[datetime.date, datetime.date], hired_on: datetime.date | None
    ) -> Decimal:
        """The hours due in ``period``: prorated by month for someone hired after it began,
        counting the hire month as a whole month, to the quarter hour."""
        first, last = period
        if self.proration != BY_MONTH or hired_on is None or hired_on <= first:
            return self.hours
        if hired_on > last:
            return Decimal(0)
        months_in_period = (last.year - first.year) * 12 + last.month - first.month + 1
        months_left = (last.year - hired_on.year) * 12 + last.month - hired_on.month + 1
        share = self.hours * months_left / months_in_period
        return (share * 4).quantize(Decimal(1)) / 4


# Loading and validating ---------------------------------------------------------------


_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)")
_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-]+)\s*\]\]?\s*(#.*)?$")


def line_of(text: str, table: str, key: str | None = None) -> int | None:
    """The line of ``key`` in ``[table]`` ("" for the top level), or of the table's
    header when ``key`` is None. tomllib reports lines for syntax errors only; a
    schema error is placed by reading the text the same way."""
    current = ""
    key_pattern = re.compile(rf"^\s*{re.escape(key)}\s*=") if key else None
    for number, line in enumerate(text.splitlines(), start=1):
        if header := _HEADER.match(line):
            current = header.group(1)
            if key is None and current == table:
                return number
            continue
        if key_pattern and current == table and key_pattern.match(line):
            return number
    return None


class _Reader:
    """Reads one parsed file, raising ``RuleError`` at the line of what is wrong."""

    def __init__(self, path: Path, text: str):
        self.path, self.text = path, text

    def fail(self, table: str, key: str | None, message: str):
        line = line_of(self.text, table, key) or line_of(self.text, table)
        raise RuleError(self.path, line, message)

    def table(self, data: dict, table: str, key: str, *, required: bool = True) -> dict:
        value = data.get(key, None if required else {})
        name = f"{table}.{key}" if table else key
        if value is None:
            self.fail(table, None, f"the [{name}] table is missing.")
        if not isinstance(value, dict):
            self.fail(table, key, f"“{name}” must be a table.")
        return value

    def text_value(self, data: dict, table: str, key: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(table, key, f"“{key}” must be some text.")
        return value.strip()

    def number(self, data: dict, table: str, key: str, *, minimum=0, maximum=None) -> Decimal:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(table, key, f"“{key}” must be a number.")
        number = Decimal(str(value))
        if number < minimum or (maximum is not None and number > maximum):
            bounds = f"from {minimum}" + (f" to {maximum}" if maximum is not None else " up")
            self.fail(table, key, f"“{key}” must be {bounds}, not {value}.")
        return number

    def whole(self, data: dict, table: str, key: str, *, minimum=0) -> int:
        value = data.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(table, key, f"“{key}” must be a whole number from {minimum} up.")
        return value

    def choice(self, data: dict, table: str, key: str, choices: tuple[str, ...]) -> str:
        value = data.get(key)
        if value not in choices:
            self.fail(table, key, f"“{key}” must be one of {', '.join(choices)}, not {value!r}.")
        return value

    def only(self, data: dict, table: str, allowed: set[str]) -> None:
        for key in data:
            if key not in allowed:
                self.fail(
                    table, key, f"unknown key “{key}” (expected {', '.join(sorted(allowed))})."
                )


TOP_KEYS = {"name", "citation", "roles", "notes", "period", "requirement", "sources",
            "deadlines", "retention"}  # fmt: skip


def parse_rule(path: Path, text: str) -> Rule:
    """The rule in ``text`` (read from ``path``), or ``RuleError``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # Python 3.14 gives the line as ``lineno``; before that, only in the message.
        message = str(error)
        position = _POSITION.search(message)
        line = getattr(error, "lineno", None) or (int(position.group(1)) if position else None)
        message = _POSITION.sub("", getattr(error, "msg", message)).strip()
        raise RuleError(path, line, f"not valid TOML: {message}.") from error
    read = _Reader(path, text)
    read.only(data, "", TOP_KEYS)

    roles = data.get("roles")
    known_roles = {str(role) for role in LEARNER_ROLES}
    if not isinstance(roles, list) or not roles or any(r not in known_roles for r in roles):
        read.fail("", "roles", f"“roles” must list some of {', '.join(sorted(known_roles))}.")

    period = read.table(data, "", "period")
    read.only(period, "period", {"kind", "years"})
    requirement = read.table(data, "", "requirement")
    read.only(requirement, "requirement", {"hours", "proration"})
    sources = read.table(data, "", "sources")
    for source in sources:
        if source not in SOURCES:
            read.fail(
                "sources", source, f"unknown source “{source}” (expected {', '.join(SOURCES)})."
            )
    if not sources:
        read.fail("sources", None, "name at least one source that counts.")
    retention = read.table(data, "", "retention")
    read.only(retention, "retention", {"years"})

    deadlines = data.get("deadlines", [])
    if not isinstance(deadlines, list) or not all(isinstance(d, dict) for d in deadlines):
        read.fail("", "deadlines", "“deadlines” must be [[deadlines]] tables.")
    parsed_deadlines = []
    for deadline in deadlines:
        read.only(deadline, "deadlines", {"label", "hours", "days_after_hire", "months_after_hire"})
        parsed = Deadline(
            label=read.text_value(deadline, "deadlines", "label"),
            hours=read.number(deadline, "deadlines", "hours"),
            days_after_hire=read.whole(deadline, "deadlines", "days_after_hire"),
            months_after_hire=read.whole(deadline, "deadlines", "months_after_hire"),
        )
        if not (parsed.days_after_hire or parsed.months_after_hire):
            read.fail(
                "deadlines", "hours", "a deadline needs days_after_hire or months_after_hire."
            )
        parsed_deadlines.append(parsed)

    return Rule(
        slug=path.stem,
        name=read.text_value(data, "", "name"),
        citation=read.text_value(data, "", "citation"),
        roles=tuple(roles),
        period_kind=read.choice(period, "period", "kind", PERIOD_KINDS),
        period_years=read.whole(period, "period", "years", minimum=1),
        hours=read.number(requirement, "requirement", "hours", minimum=Decimal("0.25")),
        proration=read.choice(requirement, "requirement", "proration", PRORATIONS),
        source_shares={
            source: read.number(sources, "sources", source, maximum=1) for source in sources
        },
        deadlines=tuple(parsed_deadlines),
        retention_years=read.whole(retention, "retention", "years", minimum=1),
        notes=read.text_value(data, "", "notes", required=False),
    )


def load_rule(path: Path) -> Rule:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise RuleError(path, None, "the file is not UTF-8 text.") from error
    return parse_rule(path, text)


def load_rules(folder: Path = RULES_DIR) -> dict[str, Rule]:
    """Every rule in ``folder``, by slug. One bad file refuses them all: a district
    must not be judged by a partial set of rules."""
    return {path.stem: load_rule(path) for path in sorted(folder.glob("*.toml"))}


@cache
def shipped_rules() -> dict[str, Rule]:
    return load_rules()


def rule_choices() -> list[tuple[str, str]]:
    return [(slug, rule.name) for slug, rule in shipped_rules().items()]
