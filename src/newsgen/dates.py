"""The build clock and the date formats editors write.

One place owns "now": ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention)
when set, else the system clock. Everything else receives ``now`` as an argument.
"""
from __future__ import annotations

import os
import re
from datetime import date, datetime, time, timezone, tzinfo
from typing import Any

DATE_HINT = "use 2025-12-19 or 2025-12-19T10:00:00+05:00"
_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)?)?$")


def build_now(environ: dict[str, str] | None = None) -> datetime:
    """The build's 'now', timezone-aware: SOURCE_DATE_EPOCH if set, else the clock."""
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(tz=timezone.utc)


def parse_datetime(value: Any, zone: tzinfo) -> datetime | None:
    """An aware datetime from front matter, or None when ``value`` is not a real date.

    Accepts ISO 8601 dates and datetimes as text, with or without an offset ('Z' too).
    Naive values are in ``zone`` (the site's timezone); a date alone means midnight there.
    """
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=zone)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not _ISO.match(text):
        return None
    text = text.replace(" ", "T", 1) if len(text) > 10 else text
    text = re.sub(r"\s+(?=[Z+-]\d*)", "", text)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    # zero-pad single-digit month/day (2025-1-5), which fromisoformat refuses
    head, _, rest = text.partition("T")
    year, month, day = head.split("-")
    text = f"{year}-{int(month):02d}-{int(day):02d}" + (f"T{rest}" if rest else "")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
