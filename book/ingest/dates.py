"""Dates as news pages write them: 'Nov 6 2020', '3 May 2025', 'Published: 28 April 2025', 'NOVEMBER 12'."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_LABEL = r"(?:(?:published|posted|updated|last updated|date|dated)(?:\s+on)?\s*:?\s*)?"
_TIME = r"(?:\s*(?:,|at|[-–—|·])?\s*\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4}|\s*(?:UTC|GMT)[+-]?\d*)?)?"

MONTH_DAY = re.compile(_MONTH + r"\s+" + _DAY + r"(?:\s*,\s*|\s+)" + _YEAR, re.I)
DAY_MONTH = re.compile(_DAY + r"\s+" + _MONTH + r",?\s+" + _YEAR, re.I)
ISO = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})")
YEARLESS = (re.compile(r"^" + _MONTH + r"\s+" + _DAY + r"$", re.I), re.compile(r"^" + _DAY + r"\s+" + _MONTH + r"$", re.I))
_SHAPES = (MONTH_DAY, DAY_MONTH, ISO)


@dataclass(frozen=True)
class PartialDate:
    """A date as written; `year` is None when the source leaves it out."""

    month: int
    day: int
    year: int | None = None

    def complete(self, year: int | None = None) -> dt.date | None:
        """The calendar date, using `year` if the source gave none; None if impossible."""
        try:
            return dt.date(self.year or year, self.month, self.day) if (self.year or year) else None
        except ValueError:
            return None


def _month(value: str) -> int:
    return int(value) if value.isdigit() else MONTHS[value.lower().rstrip(".")]


def date_line(line: str) -> PartialDate | None:
    """The date if the whole line is one date (with an optional label, weekday and time)."""
    text = " ".join(line.split()).strip(" .")
    for shape in _SHAPES:
        pattern = re.compile(r"^" + _LABEL + _WEEKDAY + shape.pattern + _TIME + r"$", re.I)
        match = pattern.match(text)
        if match:
            found = PartialDate(_month(match["month"]), int(match["day"]), int(match["year"]))
            return found if found.complete() else None
    return None


def yearless(text: str) -> PartialDate | None:
    """'NOVEMBER 12' or '12 November' (no year) as a partial date."""
    text = " ".join(text.split()).strip(" ,.")
    match = YEARLESS[0].match(text) or YEARLESS[1].match(text)
    if not match:
        return None
    found = PartialDate(_month(match["month"]), int(match["day"]))
    return found if found.complete(2000) else None  # 2000 is a leap year: 29 February is possible


# A timestamp as pages declare it: extended ('2014-06-29T20:08:00-04:00', '2014-06-29 20:08:00-0400') or basic
# ('20180619T055000+0900') ISO 8601, with the offset from UTC it was written in, if any.
_STAMP = re.compile(
    r"^\s*(?:(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})|(?P<byear>\d{4})(?P<bmonth>\d{2})(?P<bday>\d{2})(?=T|\s|$))"
    r"(?:[T\s]\d{2}:?\d{2}(?::?\d{2}(?:[.,]\d+)?)?\s*(?P<zone>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?", re.I)


def parse_iso(value: str | None) -> dt.date | None:
    """An ISO date ('2021-03-04', '20210304', or the date part of a timestamp) as written, or None."""
    match = _STAMP.match(value or "")
    if not match:
        return None
    year, month, day = (match["year"], match["month"], match["day"]) if match["year"] else (
        match["byear"], match["bmonth"], match["bday"])
    return PartialDate(int(month), int(day), int(year)).complete()


def offset_kind(value: str | None) -> str | None:
    """'local' for a non-zero offset from UTC ('…-04:00'), 'utc' for 'Z' or '+00:00', None if there is none."""
    match = _STAMP.match(value or "")
    zone = match["zone"] if match else None
    if not zone:
        return None
    return "utc" if zone.upper() in ("Z", "UTC", "GMT") or not zone.strip("+-0:") else "local"


def infer_year(dates: list[PartialDate]) -> int | None:
    """The year for dates written without one: only when every full date around agrees on one year."""
    years = {found.year for found in dates if found.year}
    return years.pop() if len(years) == 1 else None
