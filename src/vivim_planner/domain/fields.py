"""Field definitions: what one column of a plan table holds and how typed text becomes a value.

A :class:`Field` knows its kind, unit and bounds and turns raw input (text typed in a cell,
a number from a workbook) into a stored value or raises :class:`FieldError` saying why not.
Numbers are stored as float64 (NaN means empty), references as int64 row ids (0 means none),
text as ``str``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import Enum

from .errors import FieldError


class Kind(str, Enum):
    """How a field is stored and edited."""

    TEXT = "text"
    NUMBER = "number"  # float64, unit given by Field.unit
    MONEY = "money"  # float64 in the plan's currency
    INTEGER = "integer"  # whole number stored as float64 (users, months of a calendar)
    REF = "ref"  # int64 id of a row in Field.ref_table


NUMERIC_KINDS = frozenset({Kind.NUMBER, Kind.MONEY, Kind.INTEGER})

_NUMBER_CLEAN = re.compile(r"[\s,_$€£¥]")


def format_number_for_message(raw: object) -> str:
    """Show a raw value the way error messages do: text quoted (``"abc"``), numbers bare
    (``-1``, and ``11`` when typed as the text "11")."""
    if isinstance(raw, str):
        try:
            parse_number_text(raw)
        except (ValueError, OverflowError):
            return f'"{raw}"'
        return raw.strip()
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def parse_number_text(text: str) -> float:
    """Parse a number as a founder types it: ``1,200``, ``$85``, ``12.5%``, ``(300)``, ``1.2k``, ``3M``.

    Returns a float. Raises ``ValueError`` when the text is not a number.
    """
    s = _NUMBER_CLEAN.sub("", text.strip())
    if not s:
        raise ValueError("empty")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    percent = s.endswith("%")
    if percent:
        s = s[:-1]
    scale = 1.0
    if s[-1:].lower() in ("k", "m", "b") and len(s) > 1:
        scale = {"k": 1e3, "m": 1e6, "b": 1e9}[s[-1].lower()]
        s = s[:-1]
    value = float(s) * scale
    if percent:
        value /= 100.0
    if not math.isfinite(value):
        raise ValueError("not finite")
    return -value if negative else value


@dataclass(frozen=True)
class Field:
    """One column of a plan table.

    ``name`` is the storage name, ``label`` the header users see, ``unit`` is shown in
    tooltips and messages (``"USD/hour"``, ``"months"``, ``"FTE"``, ``"users"``).
    ``minimum``/``maximum`` bound numeric values (inclusive); ``required`` refuses empty input.
    For ``Kind.REF`` fields ``ref_table`` names the referenced table.
    ``default`` is the value of a new row.
    """

    name: str
    label: str
    kind: Kind = Kind.TEXT
    unit: str = ""
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    ref_table: str | None = None
    default: object = None
    max_length: int = 200
    help: str = ""
    choices: tuple[str, ...] = ()  # for TEXT: the only values accepted (matched case-insensitively)

    @property
    def is_numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS

    def empty_value(self) -> object:
        """The stored value meaning "empty": NaN, 0 (no reference) or ``""``."""
        if self.is_numeric:
            return math.nan
        if self.kind is Kind.REF:
            return 0
        return ""

    def parse(self, raw: object) -> object:
        """Turn raw input into the stored value.

        ``raw`` may be ``None``/``""`` (empty), a ``str`` as typed, or a number.
        References are resolved by the plan, not here: for ``Kind.REF`` this accepts an int id.
        Raises :class:`FieldError` with the reason, e.g. ``FTE must be between 0 and 10, got "abc"``.
        """
        if raw is None or (isinstance(raw, str) and not raw.strip()) or (
            isinstance(raw, float) and math.isnan(raw)
        ):
            if self.required:
                raise FieldError(f"{self.label} is required")
            return self.empty_value()
        if self.kind is Kind.TEXT:
            text = str(raw).strip()
            if len(text) > self.max_length:
                raise FieldError(f"{self.label} is longer than {self.max_length} characters")
            if self.choices:
                for choice in self.choices:
                    if choice.casefold() == text.casefold():
                        return choice
                raise FieldError(f'{self.label} must be one of {", ".join(self.choices)}, got "{text}"')
            return text
        if self.kind is Kind.REF:
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise FieldError(f"{self.label} must name an existing row, got {format_number_for_message(raw)}")
            return int(raw)
        return self._parse_number(raw)

    def _parse_number(self, raw: object) -> float:
        if isinstance(raw, bool):
            raise FieldError(self._range_reason(raw))
        if isinstance(raw, (int, float)):
            value = float(raw)
        elif str(raw).lstrip().startswith("="):
            raise FieldError(f"{self.label} takes a number, not a formula; type the value, got {format_number_for_message(raw)}")
        else:
            try:
                value = parse_number_text(str(raw))
            except (ValueError, OverflowError):
                raise FieldError(self._range_reason(raw)) from None
        if not math.isfinite(value):
            raise FieldError(self._range_reason(raw))
        if self.kind is Kind.INTEGER and not value.is_integer():
            raise FieldError(f"{self.label} must be a whole number, got {format_number_for_message(raw)}")
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            raise FieldError(self._range_reason(raw))
        return value

    def _range_reason(self, raw: object) -> str:
        got = format_number_for_message(raw)
        what = "a whole number" if self.kind is Kind.INTEGER else "a number"
        lo, hi = self.minimum, self.maximum
        if self.unit.startswith("share") and lo == 0 and hi == 1:  # typed as 15% or 0.15
            return f"{self.label} must be between 0% and 100%, got {got}"
        if lo is not None and hi is not None:
            return f"{self.label} must be {_bound_word(self)}between {_fmt(lo)} and {_fmt(hi)}, got {got}"
        if lo is not None:
            return f"{self.label} must be {what} of at least {_fmt(lo)}, got {got}"
        if hi is not None:
            return f"{self.label} must be {what} of at most {_fmt(hi)}, got {got}"
        return f"{self.label} must be {what}, got {got}"


def _bound_word(field: Field) -> str:
    return "a whole number " if field.kind is Kind.INTEGER else ""


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,}"


def column_letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based column index: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
