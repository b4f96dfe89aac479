"""The Markets page (``/rates/``): every rate of the ticker in full, both ways round.

The ticker gives a rate the way the rates file holds it (1 KZT = 0.00193 USD); readers
in the region quote it the other way (1 USD = 518.13 KZT), so the page shows both,
with each currency's name in the site's language (from Babel's CLDR data, unless the
rates file names it), the change with its sign and direction, and when the rates were
updated. The page depends on the rates themselves (``rates``): new rates render it
again, where other pages only get the new ticker spliced in.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..i18n import babel_locale
from ..slugs import output_path
from ..ticker import Rate
from .base import Kind, PageSpec, PlanInput, Unit, View


@dataclass(frozen=True, slots=True)
class RateRow:
    """One line of the rates table, as the template prints it."""

    rate: Rate
    name: str  # 'Kazakhstani Tenge'
    per_base: str  # units of the currency for one unit of the base: '518.13'


class Rates(Unit):
    kinds = (Kind.RATES,)
    public = True
    rates = True
    worded_title = True

    def plan(self, ask: PlanInput) -> list[PageSpec]:
        if not ask.config.ticker:  # a site without a ticker (config.Config.ticker) has no Markets page
            return []
        return [PageSpec(Kind.RATES, ask.urls.rates, output_path(ask.urls.rates), "rates.html", "Markets")]

    def context(self, spec: PageSpec, view: View) -> dict[str, Any]:
        language = view.config.language
        rates = view.rates
        return {"base": rates.base, "updated": rates.updated,
                "rows": [RateRow(r, r.name or currency_name(r.code, language), per_base(r.rate, language))
                         for r in rates.rates]}


def currency_name(code: str, language: str) -> str:
    """The currency's name in ``language`` ('KZT', 'en' -> 'Kazakhstani Tenge'); the code when unknown."""
    from babel.numbers import get_currency_name

    return str(get_currency_name(code, locale=babel_locale(language)))


def per_base(rate: float, language: str) -> str:
    """How many units of a currency one unit of the base buys, written the way ``language``
    writes numbers: 0.00193 -> '518.13' (two decimals; four significant digits below 1)."""
    from babel.numbers import format_decimal

    if rate <= 0:
        return ""
    inverse = 1 / rate
    pattern = "#,##0.00" if inverse >= 1 else "0.####"
    if inverse < 1:
        digits = max(0, 3 - int(f"{inverse:e}".split("e")[1]))  # four significant digits
        pattern = "0." + "0" * digits
    return str(format_decimal(inverse, format=pattern, locale=babel_locale(language)))
