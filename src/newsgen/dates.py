"""The build clock and the date formats editors write.

One place owns "now": ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention)
when set, else the system clock. Everything else receives ``now`` as an argument.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

from .errors import UsageError

DATE_HINT = "use 2025-12-19 or 2025-12-19T10:00:00+05:00"
# Dates outside these years are typing mistakes in a newsroom; near the ends of Python's
# calendar (years 1 and 9999) converting a date to UTC or to the site's zone would fail.
FIRST_YEAR, LAST_YEAR = 1000, 9000
RANGE_HINT = "check the year: e.g. 2025-12-19"
# ISO 8601 as editors write it, plus YAML's looser timestamp form ('2015-12-08 9:00:00 -5'),
# which real front matter uses: single-digit hours and one-digit offsets.
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?"
                  r"[ \t]*(Z|z|[+-]\d{1,2}(?::?\d{2})?)?)?$")


@dataclass(frozen=True, slots=True)
class Window:
    """When a build's output stays right: from the build's "now" (``start``) until the
    passing of time alone changes the site (``end``: an article comes due, one leaves the
    news sitemap's window; infinity when nothing will). Every later build that reuses
    what an earlier one made (the no-op, the delta, watch mode's plan, the preview) asks
    :meth:`holds`; outside the window, or with a clock gone back, it looks again.
    The default window holds nothing."""

    start: float = float("inf")
    end: float = 0.0

    def holds(self, now: datetime | None) -> bool:
        return now is not None and self.start <= now.timestamp() < self.end

    def __and__(self, other: Window) -> Window:
        """The time both windows hold."""
        return Window(max(self.start, other.start), min(self.end, other.end))


def build_now(environ: dict[str, str] | None = None) -> datetime:
    """The build's 'now', timezone-aware: SOURCE_DATE_EPOCH if set, else the clock."""
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        # the year of the last second allowed, whatever the zone: a huge value would overflow later
        if len(epoch) > 12 or int(epoch) > _LAST_EPOCH:
            raise UsageError(f"the environment variable SOURCE_DATE_EPOCH is {_shorten(epoch)}, which is after "
                             f"the year {LAST_YEAR}; set it to a time in seconds since 1970 (e.g. "
                             "SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)) or unset it")
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(tz=timezone.utc)


_LAST_EPOCH = int(datetime(LAST_YEAR, 12, 31, 23, 59, 59, tzinfo=timezone.utc).timestamp())


def _shorten(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} digits)"


def _offset(text: str | None) -> tzinfo | None:
    """'+05:00', '-5', '+0530', 'Z' as a fixed offset; None when absent."""
    if not text:
        return None
    if text in ("Z", "z"):
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "0")
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))


def parse_datetime(value: Any, zone: tzinfo) -> datetime | None:
    """An aware datetime from front matter, or None when ``value`` is not a real date
    (or lies outside the years ``FIRST_YEAR`` to ``LAST_YEAR``: see :func:`read_datetime`)."""
    return read_datetime(value, zone)[0]


def read_datetime(value: Any, zone: tzinfo) -> tuple[datetime | None, str]:
    """(an aware datetime, '') from front matter, or (None, what is wrong in an editor's words).

    Accepts ISO 8601 dates and datetimes as text, with or without an offset ('Z' too).
    Naive values are in ``zone`` (the site's timezone); a date alone means midnight there.
    """
    parsed = _parse(value, zone)
    if parsed is None:
        return None, "not a date"
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        return None, f"outside the years {FIRST_YEAR} to {LAST_YEAR}"
    return parsed, ""


def iso_moment(moment: datetime, zone: tzinfo | None = None, date_only: bool = False) -> str:
    """A moment for machines (<time datetime>, OpenGraph, JSON-LD), in ``zone`` when given: the
    day alone ('2015-03-02') for a day given without a time, else to the second (HTML's datetime
    takes at most three digits after it, and no page shows fractions)."""
    local = moment.astimezone(zone) if zone is not None else moment
    return local.date().isoformat() if date_only else local.isoformat(timespec="seconds")


def is_date_only(value: Any) -> bool:
    """True when front matter gives a day without a time of day ('2015-03-02', as archives
    migrated from Jekyll, Eleventy and Hugo often do): it is read as midnight in the site's
    zone, which feeds need, but pages show the day alone instead of an invented '00:00'."""
    if isinstance(value, datetime):
        return False
    if isinstance(value, date):
        return True
    if not isinstance(value, str):
        return False
    match = _ISO.match(value.strip())
    return match is not None and match.group(4) is None


def _parse(value: Any, zone: tzinfo) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=zone)
    if not isinstance(value, str):
        return None
    match = _ISO.match(value.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    try:
        parsed = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                          int(float(fraction) * 1_000_000) if fraction else 0, tzinfo=_offset(offset))
    except ValueError:  # 2025-13-45, 2025-02-30, 25:00
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
