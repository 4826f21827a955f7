"""How a plan's currency reads in front of an amount."""

from __future__ import annotations

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "CNY": "¥", "KRW": "₩"}


def currency_prefix(code: str) -> str:
    """``$`` for USD, ``€`` for EUR; other ISO 4217 codes read ``CHF `` (code and a space)."""
    return SYMBOLS.get(code, f"{code} ")
