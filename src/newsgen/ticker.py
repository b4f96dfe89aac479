"""The currency ticker: ``data/rates.yaml`` into :class:`Rates`, checked and formatted.

The newsroom's old ticker printed ``UZS/USD = 0.00008`` (one significant digit) and
``-0%`` for a small fall. Here a rate keeps at least four significant digits
(``0.00007780``), a change always has a sign and two decimals, and the direction is
carried by a symbol and a word as well as by colour.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any

from .dates import DATE_HINT, RANGE_HINT, read_datetime
from .errors import Problem
from .frontmatter import decode_source, parse_yaml, shown
from .inputs import RATES_FILE

MIN_SIGNIFICANT = 4
MINUS = "\u2212"  # a real minus sign: same width as '+', read as "minus" by screen readers


@dataclass(frozen=True, slots=True)
class Rate:
    """One currency: ``rate`` units of the base currency for one unit of ``code``."""

    code: str
    rate: float
    change: float  # percent since the previous quote
    name: str = ""  # the currency's name, when the rates file gives one (else the Markets page looks it up)

    @property
    def rate_text(self) -> str:
        return format_rate(self.rate)

    @property
    def change_text(self) -> str:
        return format_change(self.change)

    @property
    def direction(self) -> str:
        """'up', 'down' or 'flat', from the change as shown (so '−0.00%' is 'down')."""
        if self.change > 0:
            return "up"
        if self.change < 0:
            return "down"
        return "flat"

    @property
    def symbol(self) -> str:
        return {"up": "▲", "down": "▼", "flat": "■"}[self.direction]


@dataclass(frozen=True, slots=True)
class Rates:
    """The ticker's content: base currency, when it was updated, the rates in file order."""

    base: str = "USD"
    updated: datetime | None = None
    rates: tuple[Rate, ...] = ()


def format_rate(value: float) -> str:
    """A rate with at least four significant digits and never an exponent.

    ``0.0000778`` -> ``0.00007780``; ``0.10851`` keeps all five digits it was given.
    """
    number = Decimal(repr(float(value)))
    if number == 0:
        return "0.000"
    exponent_of = number.as_tuple().exponent  # an int for a finite number, as float() gives here
    digits = (len(number.as_tuple().digits) if isinstance(exponent_of, int) and exponent_of < 0
              else len(str(abs(int(number)))))
    significant = max(digits, MIN_SIGNIFICANT)
    exponent = number.adjusted() - significant + 1
    quantised = number.quantize(Decimal(1).scaleb(exponent)) if exponent < 0 else number
    return f"{quantised:f}"


def format_change(percent: float) -> str:
    """A change in percent with a sign and two decimals: '+0.28%', '−0.00%', '0.00%'."""
    text = f"{abs(percent):.2f}%"
    if percent > 0:
        return "+" + text
    if percent < 0:
        return MINUS + text
    return text


def load_rates(site: Path, zone: tzinfo, shown: bool = True) -> tuple[Rates, list[Problem]]:
    """The ticker data of a site that shows the ticker (``shown``: ``Config.ticker``); a site
    without one reads no rates file and gets no warning. A site that asks for a ticker
    (``ticker: true``) without a rates file gets an empty ticker and a warning."""
    if not shown:
        return Rates(), []
    path = site / RATES_FILE
    if not path.is_file():
        return Rates(), [Problem(RATES_FILE, 0, 0, "", "there is no rates file; the ticker is empty",
                                 "create data/rates.yaml with base:, updated: and rates:, or set ticker: false "
                                 "in newsgen.yaml", "warning")]
    text, problem = decode_source(path.read_bytes(), RATES_FILE)
    if problem is not None or text is None:
        return Rates(), [problem] if problem else []
    data, lines, problems = parse_yaml(text, RATES_FILE, subject="the rates file")
    if data is None:
        return Rates(), problems
    rates, more = rates_from_mapping(data, lines, zone)
    return rates, problems + more


def rates_from_mapping(data: dict[str, Any], lines: dict[str, int], zone: tzinfo) -> tuple[Rates, list[Problem]]:
    """Validate parsed rates data; every bad entry is reported with its line."""
    problems: list[Problem] = []

    def bad(key: str, message: str, hint: str) -> None:
        problems.append(Problem(RATES_FILE, lines.get(key, 0), 0, key, message, hint))

    base = data.get("base", "USD")
    if not isinstance(base, str) or not base.strip():
        bad("base", "must be a currency code", "e.g. base: USD")
        base = "USD"
    updated = None
    if "updated" in data:
        updated, wrong = read_datetime(data["updated"], zone)
        if updated is None:
            bad("updated", f'"{data["updated"]}" is {wrong}', DATE_HINT if wrong == "not a date" else RANGE_HINT)
    entries = data.get("rates", [])
    if not isinstance(entries, list):
        bad("rates", "must be a list of currencies", "write lines like '  - {code: KZT, rate: 0.00193, change: -0.004}'")
        entries = []
    rates: list[Rate] = []
    for i, entry in enumerate(entries):
        key = f"rates.{i}"
        if not isinstance(entry, dict):
            bad(key, "must be a currency with code, rate and change", "e.g. '- {code: KZT, rate: 0.00193, change: -0.004}'")
            continue
        code = entry.get("code")
        if not isinstance(code, str) or not code.strip():
            bad(key, "has no currency code", "add code: KZT")
            continue
        rate = entry.get("rate")
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not math.isfinite(rate) or rate < 0:
            problems.append(Problem(RATES_FILE, lines.get(f"{key}.rate", lines.get(key, 0)), 0, f"{code} rate",
                                    f"{shown(rate)} is not a number" if rate is not None else "is missing",
                                    "write the rate as a plain number, e.g. rate: 0.00193"))
            continue
        change = entry.get("change", 0)
        if isinstance(change, bool) or not isinstance(change, (int, float)) or not math.isfinite(change):
            problems.append(Problem(RATES_FILE, lines.get(f"{key}.change", lines.get(key, 0)), 0, f"{code} change",
                                    f"{shown(change)} is not a number", "write the change in percent, e.g. change: -0.004"))
            continue
        name = entry.get("name", "")
        if not isinstance(name, str):
            problems.append(Problem(RATES_FILE, lines.get(f"{key}.name", lines.get(key, 0)), 0, f"{code} name",
                                    f"{shown(name)} is not a name", "write the currency's name as text, e.g. "
                                    "name: Kazakhstani tenge, or leave it out"))
            name = ""
        rates.append(Rate(code.strip().upper(), float(rate), float(change), name.strip()))
    return Rates(str(base).strip().upper(), updated, tuple(rates)), problems
