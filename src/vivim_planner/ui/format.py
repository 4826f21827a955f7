"""How figures read in the window: currency symbols, thousands separators, sensible decimals."""

from __future__ import annotations

import math

from ..domain.currency import currency_prefix


def money(value: float, currency: str = "USD", decimals: int | None = None) -> str:
    """``$61,200``, ``-$30,975``, ``$0.0053``; ``""`` for empty (NaN).

    With ``decimals=None``: whole amounts show no cents, amounts with cents show 2 decimals,
    and amounts under 1 (cost per user) show up to 4 significant decimals.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if decimals is None:
        a = abs(value)
        if float(value).is_integer():
            decimals = 0
        elif a < 1:
            decimals = 4
        else:
            decimals = 2
    sign = "-" if value < 0 and round(abs(value), decimals) != 0 else ""
    return f"{sign}{currency_prefix(currency)}{abs(value):,.{decimals}f}"


def number(value: float, decimals: int | None = None) -> str:
    """``1,200``, ``0.5``, ``3``; ``""`` for empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if decimals is None:
        if float(value).is_integer():
            return f"{value:,.0f}"
        return f"{value:,.6g}" if abs(value) >= 1e6 else f"{value:,.4f}".rstrip("0").rstrip(".")
    return f"{value:,.{decimals}f}"


def plain(value: float) -> str:
    """A number as an edit box or the clipboard holds it: no separators, full precision."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


MAX_DECIMALS = 9
"""Most decimals an input cell shows: float64 keeps about 15 significant digits, and no field
of a plan is typed finer than a billionth (token prices per token are typed per MTok)."""


def decimals_of(value: float, most: int = MAX_DECIMALS) -> int:
    """The fewest decimals that write ``value`` back exactly: 0.00325 -> 5, 85 -> 0, 1/3 ->
    ``most``."""
    for d in range(most + 1):
        if float(f"{value:.{d}f}") == value:
            return d
    return most


def typed_money(value: float, currency: str = "USD") -> str:
    """An input amount with the digits it was typed with: ``$0.00325``, ``$85``, ``$1,200.50``
    (cents shown when there are any); ``""`` for empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    d = decimals_of(float(value))
    return money(value, currency, 0 if d == 0 else max(d, 2))


def typed_number(value: float) -> str:
    """An input number with the digits it was typed with: ``0.00325``, ``1,200``, ``0.5``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:,.{decimals_of(float(value))}f}"


def percent(value: float) -> str:
    """A share stored as a fraction, written as typed: 0.15 -> ``15%``, 0.029 -> ``2.9%``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    shown = float(f"{value * 100:.{MAX_DECIMALS - 2}f}")  # 0.029 * 100 is 2.9000000000000004
    return f"{shown:,.{decimals_of(shown, MAX_DECIMALS - 2)}f}%"


def compact_money(value: float, currency: str = "USD") -> str:
    """``$1.28M``, ``$90.4K``, ``$640``: three significant digits for headline figures and
    axis ticks (``$999.6K`` reads ``$1M``, never ``$1e+03K``)."""
    if value is None or math.isnan(value):
        return ""
    a = abs(value)
    sign = "-" if value < 0 else ""
    p = currency_prefix(currency)
    for limit, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if a >= limit * 0.9995:
            scaled = a / limit
            text = f"{scaled:.2f}" if scaled < 9.995 else f"{scaled:.1f}" if scaled < 99.95 else f"{scaled:.0f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            return f"{sign}{p}{text}{suffix}"
    return money(value, currency, 0 if float(value).is_integer() or a >= 100 else 2)
