"""Money cells as founders write them, read into amounts.

``$1,500``, ``$500–$2,000``, ``$75/mo × 3 = $225``, ``2 × $15/mo``, ``$15/mo``, ``$99/yr``,
``€8.45``, ``~$50-70/year``, ``$0 (free tier)``, ``$5,000+``, ``($30,975)``, ``-$0.31 (profit)``,
``$0.021/hr ($15/mo)``, ``AUD 1,200``, ``$2K-15K``. Each number goes through
:func:`vivim_planner.domain.read_number`, the one parser of typed input; this module only finds
where the amounts are in the cell (a token regex over one cell, never over the document) and
what they are per (once, month, year, hour, unit).

A cell holding a percentage (``2.9% + $0.30 per transaction``) is a fee, not an amount: it is
read as no amount with the text kept as a remark, never as $0.30.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ..domain import DECIMAL_POINT, NumberTextError, read_number

# currency marks and the ISO code each means (the first match wins: "A$" before "$")
_CURRENCY_MARKS = (
    ("US$", "USD"), ("A$", "AUD"), ("AU$", "AUD"), ("C$", "CAD"), ("CA$", "CAD"), ("NZ$", "NZD"),
    ("$", "USD"), ("€", "EUR"), ("£", "GBP"), ("¥", "JPY"), ("₹", "INR"),
)
CURRENCY_CODES = ("USD", "EUR", "GBP", "AUD", "CAD", "NZD", "CHF", "JPY", "INR", "SEK", "NOK", "DKK")
_MARK = r"(?:US\$|AU?\$|CA?\$|NZ\$|\$|€|£|¥|₹)"
_CODE = r"(?:USD|EUR|GBP|AUD|CAD|NZD|CHF|JPY|INR|SEK|NOK|DKK)"
_NUM = r"\d(?:[\d,.]*\d)?|[.,]\d+"  # grouping and decimals as written; read_number decides
_SCALE = r"(?:[kKmMbB](?![a-zA-Z]))?"
# one amount: optional sign, optional approx, currency mark or code before or after the number
_AMOUNT = (rf"(?P<neg>-|−)?(?P<approx>~|≈|about\s+)?(?P<pre>{_MARK}|{_CODE}\s?)?"
           rf"(?P<num>{_NUM})(?P<scale>{_SCALE})(?P<post>\s?{_MARK}|\s{_CODE}\b)?")
_PER = (r"(?:\s*(?:/|per\s+|a\s+)(?P<per>mo(?:nth)?s?|mth|yr|year|annum|annual|hr|hour|h|wk|week|day|"
        r"user|mau|seat|email|call|request|gb|tb|transaction|[a-z]+)\b\.?)?")
TOKEN = re.compile(_AMOUNT + _PER, re.IGNORECASE)
_RANGE_SEP = re.compile(r"^\s*(?:–|—|-|to)\s*$", re.IGNORECASE)
_TIMES = re.compile(r"^\s*(?:×|x|\*)\s*$", re.IGNORECASE)
_EQUALS = re.compile(r"^\s*=\s*$")
_PERCENT = re.compile(r"\d\s*%")
_EMPTY = {"", "—", "–", "-", "n/a", "na", "tbd", "tba", "?", "none"}
_PER_WORDS = {"mo": "month", "month": "month", "mth": "month", "yr": "year", "year": "year", "annum": "year",
              "annual": "year", "hr": "hour", "hour": "hour", "h": "hour", "wk": "week", "week": "week",
              "day": "day"}


@dataclass
class Amount:
    """One number of a cell: ``value`` in the cell's currency, per ``per`` (``""`` once,
    ``"month"``, ``"year"``, ``"hour"``, ``"week"``, ``"day"`` or a unit such as ``"user"``),
    ``currency`` an ISO code or ``""`` when the cell names none; ``start``/``end`` its span."""

    value: float
    per: str = ""
    currency: str = ""
    approx: bool = False
    has_mark: bool = False
    start: int = 0
    end: int = 0


@dataclass
class Money:
    """What a money cell says.

    ``low``/``high``: the amount or range (equal for a single amount; ``high`` may be ``inf``
    for ``$5,000+`` read as "at least"), per ``per`` (see :class:`Amount`). ``quantity`` and
    ``unit`` for ``$75/mo × 3`` or ``2 × $15/mo`` (then ``unit_per`` is the unit's period);
    ``count_first`` for ``2 × $15/mo`` (a count, then a price); ``stated`` the printed result after ``=``; ``remark`` the words around the amounts
    (``free tier``); ``currency`` an ISO code or ``""``; ``at_least`` for ``$5,000+``;
    ``profit`` when the cell calls the figure a profit (the caller decides its sign).
    """

    low: float = math.nan
    high: float = math.nan
    per: str = ""
    quantity: float = math.nan
    unit: float = math.nan
    unit_per: str = ""
    stated: float = math.nan
    remark: str = ""
    currency: str = ""
    approx: bool = False
    at_least: bool = False
    profit: bool = False
    count_first: bool = False
    alternatives: list[Amount] = field(default_factory=list)

    @property
    def is_range(self) -> bool:
        return not math.isnan(self.low) and self.low != self.high

    @property
    def value(self) -> float:
        """The single figure the cell stands for: the stated result, else the amount (the low
        end of a range is not a single figure: NaN then)."""
        if not math.isnan(self.stated):
            return self.stated
        if not math.isnan(self.quantity) and not math.isnan(self.unit):
            return self.quantity * self.unit
        return self.low if not self.is_range else math.nan


def _currency_of(mark: str) -> str:
    mark = (mark or "").strip().upper()
    if not mark:
        return ""
    if mark in CURRENCY_CODES:
        return mark
    for m, code in _CURRENCY_MARKS:
        if mark == m.upper():
            return code
    return ""


def amounts(text: str, number_locale: str = DECIMAL_POINT) -> list[Amount]:
    """Every amount in ``text`` in order, each number read by ``read_number`` (a token the
    parser refuses, such as ``1,2,3``, is left out)."""
    out = []
    for m in TOKEN.finditer(text):
        digits = m["num"] + (m["scale"] or "")
        try:
            value = read_number(digits, number_locale).value
        except (NumberTextError, OverflowError):
            continue
        start = m.start()
        if m["neg"] and start and (text[start - 1].isalnum() or text[start - 1] in ".%"):
            start += 1  # "$50-70": the dash joins a range, it is no minus sign
        elif m["neg"]:
            value = -value
        per = (m["per"] or "").lower()
        per = _PER_WORDS.get(per, per)
        if per and per not in _PER_WORDS.values() and not m["pre"] and not m["post"]:
            per = ""  # "3 months" or "500 users" is a count, not a price per month
        cur = _currency_of(m["pre"] or m["post"] or "")
        out.append(Amount(value, per, cur, bool(m["approx"]), bool(m["pre"] or m["post"]), start, m.end()))
    return out


def _between(text: str, a: Amount, b: Amount) -> str:
    return text[a.end:b.start]


def parse_money(text: str, number_locale: str = DECIMAL_POINT) -> Money | None:
    """Read one money cell; ``None`` when it holds no amount at all (``—``, ``Included``,
    ``2.9% + $0.30 per transaction``: a percentage is a fee, kept as text by the caller).

    An amount needs a currency mark (``$``, ``€``, ``AUD``...) unless the whole cell is a
    number (``1,500``), so ``3 months`` or ``t3.small`` are not money.
    """
    raw = " ".join(text.replace("**", "").split())
    if raw.lower() in _EMPTY:
        return None
    if _PERCENT.search(raw):
        return None
    found = amounts(raw, number_locale)
    if not found:
        return None
    if not any(a.has_mark for a in found):
        plus = raw.endswith("+")
        try:
            value = read_number(raw.rstrip("+"), number_locale).value
        except (NumberTextError, OverflowError):
            return None
        money = Money(low=value, high=value, at_least=plus)
        return money
    money = Money(currency=next((a.currency for a in found if a.currency), ""),
                  approx=any(a.approx for a in found), profit="profit" in raw.lower())
    parens = raw.startswith("(") and raw.endswith(")") and len(found) == 1
    first = found[0]
    i = 1
    # "$75/mo × 3 = $225" / "2 × $15/mo" / "2 x $8,000 = $16,000"
    if len(found) >= 2 and _TIMES.match(_between(raw, found[0], found[1])):
        a, b = found[0], found[1]
        money.count_first = not (a.has_mark or a.per)
        if a.has_mark or a.per:
            money.unit, money.unit_per, money.quantity = a.value, a.per, b.value
        else:
            money.quantity, money.unit, money.unit_per = a.value, b.value, b.per
        money.low = money.high = money.quantity * money.unit
        money.per = "" if money.unit_per in ("month", "year", "week", "day", "hour") and a.has_mark else money.unit_per
        i = 2
        if len(found) > 2 and _EQUALS.match(_between(raw, found[1], found[2])):
            money.stated = found[2].value
            money.low = money.high = found[2].value
            i = 3
        if not a.has_mark:  # "2 × $15/mo": a monthly figure of 2 units
            money.per = money.unit_per
    elif len(found) >= 2 and _RANGE_SEP.match(_between(raw, found[0], found[1])):
        a, b = found[0], found[1]
        lo, hi = a.value, b.value
        if not a.per and b.per:
            a.per = b.per
        if lo > hi and b.value < 1000 <= a.value and not b.has_mark:  # "$1,500-2" is no range
            return None
        money.low, money.high, money.per = lo, hi, a.per or b.per
        i = 2
    else:
        money.low = money.high = -first.value if parens else first.value
        money.per = first.per
        rest = raw[first.end:].lstrip()
        if rest.startswith("+") and not rest[1:].strip()[:1].isdigit() and not any(
                c in rest[1:] for c in "$€£"):
            money.at_least = True
    money.alternatives = found[i:]
    # words around the amounts, without the amounts and the arithmetic
    remark = raw
    for a in reversed(found[:i]):
        remark = remark[:a.start] + " " + remark[a.end:]
    remark = re.sub(r"[×x=*+~]|\s-\s|–", " ", remark) if i > 1 else remark.replace("+", " ", 1 if money.at_least else 0)
    remark = " ".join(remark.split()).strip(" ()")
    if parens:
        remark = ""
    money.remark = remark
    return money


def money_or_text(text: str, number_locale: str = DECIMAL_POINT) -> tuple[Money | None, str]:
    """``(money, remark)``: the cell's amounts, and its words when it has no amount."""
    m = parse_money(text, number_locale)
    return m, (m.remark if m else " ".join(text.replace("**", "").split()))
