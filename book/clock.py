"""The one clock of a build: SOURCE_DATE_EPOCH when set (reproducible builds), else now."""

from __future__ import annotations

import datetime as dt
import os

from book.errors import BookError


class ClockError(BookError):
    category = "invalid environment"


def source_date_epoch() -> dt.datetime | None:
    """SOURCE_DATE_EPOCH as an aware UTC datetime, None when unset; a clear error when malformed."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    if not epoch.isdigit():
        raise ClockError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not '{epoch}'")
    return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)


def build_time(fallback: dt.date) -> dt.datetime:
    """SOURCE_DATE_EPOCH when set, else midnight UTC of `fallback` (an edition's date)."""
    return source_date_epoch() or dt.datetime.combine(fallback, dt.time(0, 0), dt.timezone.utc)


def today() -> dt.date:
    """The release or draft date: SOURCE_DATE_EPOCH's day when set, else today."""
    moment = source_date_epoch()
    return moment.date() if moment else dt.date.today()
