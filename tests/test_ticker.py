from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from newsgen.ticker import Rate, format_change, format_rate, load_rates, rates_from_mapping

from conftest import write_tree


@pytest.mark.parametrize("value, shown", [
    (0.0000778, "0.00007780"),   # the newsroom showed 0.00008: one significant digit
    (0.00008, "0.00008000"),
    (0.00193, "0.001930"),
    (0.10851, "0.10851"),        # more precision than four digits is kept
    (0.2849, "0.2849"),
    (515.3, "515.3"),
    (1.0, "1.000"),
    (12345.678, "12345.678"),
])
def test_rates_keep_at_least_four_significant_digits(value: float, shown: str) -> None:
    assert format_rate(value) == shown


@pytest.mark.parametrize("change, shown", [
    (0.28, "+0.28%"), (-0.004, "\u22120.00%"), (0.0, "0.00%"), (-1.5, "\u22121.50%"), (12.345, "+12.35%"),
])
def test_changes_have_a_sign_and_two_decimals(change: float, shown: str) -> None:
    assert format_change(change) == shown


def test_direction_does_not_rely_on_colour() -> None:
    falling = Rate("KZT", 0.00193, -0.004)
    assert (falling.direction, falling.symbol) == ("down", "▼")
    assert Rate("TJS", 0.10851, 0.28).symbol == "▲"
    assert Rate("KGS", 0.01144, 0.0).direction == "flat"


def test_rates_file_is_read_in_order_with_update_time(tmp_path) -> None:
    write_tree(tmp_path, {"data/rates.yaml": """
        base: usd
        updated: 2025-12-19T09:00:00
        rates:
          - {code: KGS, rate: 0.01144, change: 0}
          - {code: kzt, rate: 0.00193, change: -0.004}
        """})
    rates, problems = load_rates(tmp_path, ZoneInfo("Asia/Almaty"))
    assert problems == []
    assert rates.base == "USD"
    assert [r.code for r in rates.rates] == ["KGS", "KZT"]
    assert rates.updated.isoformat() == "2025-12-19T09:00:00+05:00"  # naive times are in the site's zone


def test_bad_rates_are_reported_with_their_lines(tmp_path) -> None:
    write_tree(tmp_path, {"data/rates.yaml": """
        base: USD
        rates:
          - {code: KGS, rate: lots, change: 0}
          - {rate: 0.00193}
          - {code: TJS, rate: 0.10851, change: up}
        """})
    _, problems = load_rates(tmp_path, ZoneInfo("UTC"))
    lines = [(p.line, p.field, p.message) for p in problems]
    assert lines == [(3, "KGS rate", "'lots' is not a number"),
                     (4, "rates.1", "has no currency code"),
                     (5, "TJS change", "'up' is not a number")]
    assert all(p.path == "data/rates.yaml" for p in problems)


def test_missing_rates_file_is_a_warning_and_an_empty_ticker(tmp_path) -> None:
    rates, problems = load_rates(tmp_path, ZoneInfo("UTC"))
    assert rates.rates == ()
    assert [p.severity for p in problems] == ["warning"]


def test_rates_must_be_a_list() -> None:
    _, problems = rates_from_mapping({"rates": "KZT 0.00193"}, {"rates": 2}, ZoneInfo("UTC"))
    assert problems[0].line == 2 and "list" in problems[0].message


def test_infinite_and_not_a_number_rates_are_refused() -> None:
    data = {"rates": [{"code": "KZT", "rate": float("nan")}, {"code": "UZS", "rate": 1.0, "change": float("inf")}]}
    rates, problems = rates_from_mapping(data, {"rates.0": 2, "rates.1": 3}, ZoneInfo("UTC"))
    assert rates.rates == ()
    assert [(p.line, p.field) for p in problems] == [(2, "KZT rate"), (3, "UZS change")]
