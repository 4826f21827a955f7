"""How the workbook looks: cell formats, number formats and column widths.

Inputs are blue on cream (the convention of financial models), formulas are dark on grey (as
computed columns are in the window), headers are bold; money carries the plan's currency with
thousands separators. :class:`Styles` creates each XlsxWriter format once and reuses it.
"""

from __future__ import annotations

import math
from typing import Iterable, Sequence

import numpy as np

from ..domain.currency import currency_prefix

INPUT_FILL = "#FFF8E1"
INPUT_FONT = "#1A4FA0"
FORMULA_FILL = "#EEF1F5"
FORMULA_FONT = "#1F2A37"
HEADER_FILL = "#1F3B57"
HEADER_FORMULA_FILL = "#5B6B7D"
FLAG_FILL = "#FDE2E1"
FLAG_FONT = "#9C1C1C"
BORDER = "#C9D1DB"
FONT = "Calibri"

MAX_TEXT_WIDTH = 48
NOTES_WIDTH = 60


def money_format(currency: str, decimals: int = 0, extra: int = 0) -> str:
    """Number format of an amount: ``"$"#,##0`` / ``"€"#,##0.00``; ``extra`` optional decimals
    beyond ``decimals`` (``"$"#,##0.00##`` shows 0.005333 as $0.0053)."""
    prefix = currency_prefix(currency).replace('"', "")
    frac = ("." + "0" * decimals + "#" * extra) if decimals or extra else ""
    return f'"{prefix}"#,##0{frac}'


def number_format(decimals: int) -> str:
    """``#,##0`` or ``#,##0.00``: separators, a fixed number of decimals."""
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def decimals_needed(values: Iterable[float], cap: int = 4) -> int:
    """Fewest decimals (at most ``cap``) that show every value of ``values`` exactly."""
    arr = np.asarray([v for v in values if isinstance(v, (int, float))], dtype=np.float64)
    arr = arr[np.isfinite(arr)]
    for d in range(cap + 1):
        scaled = arr * 10.0 ** d
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-6 * np.maximum(1.0, np.abs(scaled))):
            return d
    return cap


def money_decimals(values: Sequence[float]) -> tuple[int, int]:
    """(decimals, extra) of a money column: whole amounts show none, cents two, smaller units
    (a $0.0004 unit price) up to four."""
    d = decimals_needed(values)
    if d == 0:
        return 0, 0
    return 2, max(0, d - 2)


class Styles:
    """XlsxWriter formats of one workbook, created on first use."""

    def __init__(self, workbook, currency: str):  # noqa: ANN001 - xlsxwriter.Workbook
        self.wb = workbook
        self.currency = currency
        self._cache: dict[tuple, object] = {}

    def get(self, role: str, num_format: str | None = None, **extra):  # noqa: ANN201 - xlsxwriter Format
        """A format for ``role``: ``input``, ``formula``, ``header``, ``header_formula``,
        ``title``, ``subtitle``, ``note``, ``label``, ``total``, ``total_label``, ``flag``,
        ``link``; ``num_format`` and ``extra`` properties refine it."""
        key = (role, num_format, tuple(sorted(extra.items())))
        fmt = self._cache.get(key)
        if fmt is None:
            props = dict(_ROLES[role])
            if num_format:
                props["num_format"] = num_format
            props.update(extra)
            props.setdefault("font_name", FONT)
            props.setdefault("font_size", 10)
            fmt = self._cache[key] = self.wb.add_format(props)
        return fmt

    def money(self, decimals: int = 0, extra: int = 0) -> str:
        return money_format(self.currency, decimals, extra)


_CELL = {"border": 1, "border_color": BORDER, "valign": "top"}
_ROLES: dict[str, dict] = {
    "input": {**_CELL, "bg_color": INPUT_FILL, "font_color": INPUT_FONT},
    "formula": {**_CELL, "bg_color": FORMULA_FILL, "font_color": FORMULA_FONT},
    "static": {**_CELL, "font_color": FORMULA_FONT},
    "flag": {**_CELL, "bg_color": FLAG_FILL, "font_color": FLAG_FONT},
    "header": {"bold": True, "font_color": "#FFFFFF", "bg_color": HEADER_FILL, "text_wrap": True,
               "valign": "vcenter", "border": 1, "border_color": BORDER},
    "header_formula": {"bold": True, "font_color": "#FFFFFF", "bg_color": HEADER_FORMULA_FILL,
                       "text_wrap": True, "valign": "vcenter", "border": 1, "border_color": BORDER},
    "title": {"bold": True, "font_size": 16, "font_color": HEADER_FILL},
    "subtitle": {"italic": True, "font_color": "#5B6572"},
    "section": {"bold": True, "font_size": 12, "font_color": HEADER_FILL},
    "note": {"font_color": "#5B6572", "text_wrap": True, "valign": "top"},
    "label": {"bold": True, "valign": "top"},
    "total": {"bold": True, "bg_color": FORMULA_FILL, "top": 2, "bottom": 1, "border_color": HEADER_FILL},
    "total_label": {"bold": True, "top": 2, "bottom": 1, "border_color": HEADER_FILL},
    "link": {**_CELL, "font_color": "#1A4FA0", "underline": 1},
}


def text_width(values: Iterable[str], header: str, cap: int = MAX_TEXT_WIDTH) -> float:
    """Column width (characters) that shows the longest text, capped, and the header's longest
    word (headers wrap)."""
    longest = max((len(v) for v in values), default=0)
    word = max((len(w) for w in header.split()), default=0)
    return float(min(cap, max(longest, word + 1, 6)) + 2)


def number_width(values: np.ndarray, header: str, decimals: int, prefix: str = "") -> float:
    """Column width (characters) of numbers shown with separators, ``decimals`` and ``prefix``."""
    arr = np.asarray(values, dtype=np.float64)
    arr = arr[np.isfinite(arr)]
    biggest = float(np.max(np.abs(arr))) if len(arr) else 0.0
    negative = bool(len(arr) and (arr < 0).any())
    shown = len(f"{biggest:,.{decimals}f}") + len(prefix) + (1 if negative else 0)
    word = max((len(w) for w in header.split()), default=0)
    return float(max(shown, word + 1, 6) + 2)


def is_nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


def metric_label(code: str) -> str:
    """A metric code as a person reads it: ``allocations_subtotal`` -> ``Allocations subtotal``,
    ``llm_input_tokens`` -> ``LLM input tokens`` (the workbook shows these; the import maps them
    back, see :func:`metric_code`)."""
    words = str(code).split("_")
    words = ["LLM" if w == "llm" else w for w in words]
    text = " ".join(words)
    return text[:1].upper() + text[1:] if text else text


def metric_code(text: object, codes: Iterable[str]) -> object:
    """The metric code whose :func:`metric_label` is ``text`` (case and spacing ignored), else
    ``text`` unchanged (a code typed as such still reads)."""
    if not isinstance(text, str):
        return text
    key = " ".join(text.split()).casefold()
    for code in codes:
        if metric_label(code).casefold() == key:
            return code
    return text
