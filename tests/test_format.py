"""Figures as the window shows them."""

import pytest

from vivim_planner.ui.format import compact_money, money


@pytest.mark.parametrize("value, text", [
    (999_600, "$1M"), (999_700_000, "$1B"), (1_275_800, "$1.28M"), (3_544_300, "$3.54M"),
    (90_400, "$90.4K"), (640, "$640"), (2_019_805, "$2.02M"), (12_345, "$12.3K"), (-26_475, "-$26.5K"),
])
def test_compact_money_never_falls_into_scientific_notation(value, text):
    assert compact_money(value) == text


def test_money_has_separators_and_sensible_decimals():
    assert money(61_200) == "$61,200"
    assert money(-30_975) == "-$30,975"
    assert money(400 / 75_000) == "$0.0053"
    assert money(62.5) == "$62.50"
    assert money(1234, "EUR") == "€1,234" and money(10, "CHF") == "CHF 10"
