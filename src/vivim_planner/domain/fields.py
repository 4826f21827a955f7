"""Field definitions: what one column of a plan table holds and how typed text becomes a value.

A :class:`Field` knows its kind, unit and bounds and turns raw input (text typed in a cell,
a number from a workbook) into a stored value or raises :class:`FieldError` saying why not.
Numbers are stored as float64 (NaN means empty), references as int64 row ids (0 means none),
text as ``str``.
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata
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

DECIMAL_POINT = "1,234.5"
"""Number locale of a plan whose numbers are written with a decimal point (English, Chinese...)."""
DECIMAL_COMMA = "1.234,5"
"""Number locale of a plan whose numbers are written with a decimal comma (German, French...)."""
NUMBER_LOCALES = (DECIMAL_POINT, DECIMAL_COMMA)

_CURRENCY_SIGNS = re.compile(r"[$€£¥]")
_SPACES = re.compile(r"[\s_]")  # 1 000 000 and 1_000_000 group digits; NBSP is a space after NFKC
_SUFFIX_SCALE = {"k": 1e3, "m": 1e6, "b": 1e9}
_MANTISSA = {  # digits, optional groups of three, optional fraction, optional exponent
    sep: re.compile(rf"^(?:\d+|\d{{1,3}}(?:{re.escape(group)}\d{{3}})+)(?:{re.escape(sep)}\d*)?(?:[eE][+-]?\d+)?$"
                    rf"|^{re.escape(sep)}\d+(?:[eE][+-]?\d+)?$", re.ASCII)  # ASCII digits only (after NFKC)
    for sep, group in ((".", ","), (",", "."))
}
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\ufe63": "-", "\uff0d": "-"})
SMALLEST_NORMAL = sys.float_info.min
"""2.2250738585072014e-308: below it a float64 is subnormal (it loses precision, and dividing by
it overflows), so no field accepts a non-zero value smaller than this in magnitude."""


class NumberTextError(ValueError):
    """Text that is not a number. ``reason`` says why in words (``"not a number"``, ``"too
    small"``); ``meant`` is the number the text probably stands for, written the plan's way
    (``"0.5"`` for ``"0,5"`` in a plan with decimal points), or ``None``."""

    def __init__(self, reason: str, meant: str | None = None):
        super().__init__(reason)
        self.reason, self.meant = reason, meant


@dataclass(frozen=True)
class NumberText:
    """A number read from text: ``value`` (float64, percent already divided by 100) and whether
    it was written as a ``percent``."""

    value: float
    percent: bool


def format_number_for_message(raw: object) -> str:
    """Show a raw value the way error messages do: text quoted (``"abc"``), numbers bare
    (``-1``, and ``11`` when typed as the text "11")."""
    if isinstance(raw, str):
        try:
            read_number(raw)
        except (ValueError, OverflowError):
            return f'"{raw}"'
        return raw.strip()
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def read_number(text: str, number_locale: str = DECIMAL_POINT) -> NumberText:
    """Read a number as a founder types or pastes it: ``1,200``, ``$85``, ``12.5%``, ``(300)``,
    ``1.2k``, ``3M``, ``-4``, ``−4`` (a typographic minus), ``2.4e2``, full-width digits.

    ``number_locale`` is :data:`DECIMAL_POINT` (``1,234.5``) or :data:`DECIMAL_COMMA`
    (``1.234,5``). A separator only groups digits in threes; anything else (``0,5`` in a plan
    with decimal points, ``0.5`` in one with decimal commas) is refused with the number it
    probably means, never read as another number. This is the one parser of typed, pasted and
    imported text. Raises :class:`NumberTextError` (a ``ValueError``) for text that is not a
    number, is not finite, or is a non-zero value too small for a normal float64.
    """
    s = unicodedata.normalize("NFKC", text).translate(_MINUS_SIGNS).strip()
    s = _SPACES.sub("", _CURRENCY_SIGNS.sub("", s))
    if not s:
        raise NumberTextError("empty")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if s[:1] in "+-" and s[:1]:
        negative, s = negative != (s[0] == "-"), s[1:]
    percent = s.endswith("%")
    if percent:
        s = s[:-1]
    scale, suffix = 1.0, ""
    if s[-1:].lower() in _SUFFIX_SCALE and len(s) > 1:
        scale, suffix, s = _SUFFIX_SCALE[s[-1].lower()], s[-1], s[:-1]
    sep = "," if number_locale == DECIMAL_COMMA else "."
    other = "." if sep == "," else ","
    if not _MANTISSA[sep].match(s):
        meant = None
        if _MANTISSA[other].match(s):  # the other convention reads it: say how to write it here
            mantissa = s.replace(sep, "").replace(other, sep)
            meant = ("-" if negative else "") + mantissa + suffix + ("%" if percent else "")
        raise NumberTextError("not a number", meant)
    digits = s.replace(other, "").replace(sep, ".")
    value = float(digits) * scale
    if not math.isfinite(value):
        raise NumberTextError("too large")
    if value != 0 and abs(value) < SMALLEST_NORMAL or value == 0 and re.search(r"[1-9]", digits.split("e")[0].split("E")[0]):
        raise NumberTextError("too small")
    if percent:
        value /= 100.0
        if value != 0 and abs(value) < SMALLEST_NORMAL:
            raise NumberTextError("too small")
    return NumberText(-value if negative else value, percent)


def parse_number_text(text: str, number_locale: str = DECIMAL_POINT) -> float:
    """The value of :func:`read_number`: ``"1,200"`` -> 1200.0, ``"12.5%"`` -> 0.125.
    Raises ``ValueError`` when the text is not a number."""
    return read_number(text, number_locale).value


_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u00ad\u180e"))
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def text_key(text: str) -> str:
    """The key two names are compared by: Unicode NFKC (full-width ``Ｄｅｓｉｇｎｅｒ`` is
    ``Designer``), zero-width characters removed (``Designer\u200b`` is ``Designer``), runs
    of white space as one space, case folded. Codes, names, sheet names and headers are equal
    when their keys are."""
    s = str(text)
    if s.isascii():  # the common case: NFKC changes nothing
        return " ".join(s.split()).casefold()
    s = unicodedata.normalize("NFKC", s).translate(_ZERO_WIDTH)
    s = unicodedata.normalize("NFKC", " ".join(s.split()).casefold())
    return s.translate(_ZERO_WIDTH)


def forbidden_character(text: str, multiline: bool = False) -> str | None:
    """A description of the first character ``text`` must not hold, or ``None``: control
    characters (NUL, ESC, DEL...; line breaks and tabs only where ``multiline``), lone
    surrogates, and the bidirectional overrides that make text display in another order than
    it reads (``U+202E``)."""
    for ch in text:
        if multiline and ch in "\n\r\t\u2028\u2029":
            continue
        cat = unicodedata.category(ch)
        if cat == "Cc" or ch in "\u2028\u2029":
            if ch in "\n\r\u2028\u2029":
                return "a line break"
            if ch == "\t":
                return "a tab"
            return f"the control character U+{ord(ch):04X}"
        if cat == "Cs":
            return f"an unpaired surrogate U+{ord(ch):04X}"
        if ch in _BIDI_CONTROLS:
            return f"the bidirectional control U+{ord(ch):04X}"
    return None


@dataclass(frozen=True)
class Field:
    """One column of a plan table.

    ``name`` is the storage name, ``label`` the header users see, ``unit`` is shown in
    tooltips and messages (``"USD/hour"``, ``"months"``, ``"FTE"``, ``"users"``).
    ``minimum``/``maximum`` bound numeric values (inclusive); ``required`` refuses empty input.
    For ``Kind.REF`` fields ``ref_table`` names the referenced table.
    ``default`` is the value of a new row. ``smallest`` is the least magnitude of a non-zero
    number (default: the smallest normal float64, so no subnormal is ever stored).
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
    smallest: float = SMALLEST_NORMAL  # a non-zero number must be at least this in magnitude

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

    @property
    def multiline(self) -> bool:
        """Long text (notes, up to 2,000 characters) may hold line breaks and tabs; names,
        codes and other short text may not."""
        return self.kind is Kind.TEXT and self.max_length > 200

    def parse(self, raw: object, number_locale: str = DECIMAL_POINT) -> object:
        """Turn raw input into the stored value.

        ``raw`` may be ``None``/``""`` (empty), a ``str`` as typed, or a number; typed numbers
        are read by :func:`read_number` in the plan's ``number_locale``.
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
            bad = forbidden_character(text, self.multiline)
            if bad:
                raise FieldError(f"{self.label} cannot hold {bad}; type the text without it")
            if self.choices:
                for choice in self.choices:
                    if text_key(choice) == text_key(text):
                        return choice
                raise FieldError(f'{self.label} must be one of {", ".join(self.choices)}, got "{text}"')
            return text
        if self.kind is Kind.REF:
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise FieldError(f"{self.label} must name an existing row, got {format_number_for_message(raw)}")
            return int(raw)
        return self._parse_number(raw, number_locale)

    def _parse_number(self, raw: object, number_locale: str) -> float:
        if isinstance(raw, bool):
            raise FieldError(self._range_reason(raw))
        if isinstance(raw, (int, float)):
            try:
                value = float(raw)
            except OverflowError:  # an int beyond float64
                raise FieldError(self._range_reason(raw)) from None
        elif str(raw).lstrip().startswith("="):
            raise FieldError(f"{self.label} takes a number, not a formula; type the value, got {format_number_for_message(raw)}")
        else:
            text = str(raw)
            try:
                number = read_number(text, number_locale)
            except NumberTextError as e:
                if e.meant is not None:
                    raise FieldError(self._separator_reason(text, e.meant, number_locale)) from None
                if e.reason == "too small":
                    raise FieldError(self._small_reason(text)) from None
                raise FieldError(self._range_reason(raw)) from None
            if number.percent and self.kind is Kind.MONEY:
                raise FieldError(f'{self.label} is an amount in {self.unit or "money"}, not a percentage; '
                                 f'got "{text.strip()}"')
            value = number.value
        if not math.isfinite(value):
            raise FieldError(self._range_reason(raw))
        if value != 0 and abs(value) < self.smallest:
            raise FieldError(self._small_reason(raw))
        if self.kind is Kind.INTEGER and not value.is_integer():
            raise FieldError(f"{self.label} must be a whole number, got {format_number_for_message(raw)}")
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            raise FieldError(self._range_reason(raw))
        return value + 0.0  # -0.0 is stored as 0.0

    def _separator_reason(self, text: str, meant: str, number_locale: str) -> str:
        mark = "comma" if number_locale == DECIMAL_POINT else "point"
        return (f'{self.label} got "{text.strip()}", a decimal {mark}: write {meant} '
                f"(this plan writes numbers as {number_locale}; its number format setting changes that)")

    def _small_reason(self, raw: object) -> str:
        return (f"{self.label} is too close to zero to compute with, got {format_number_for_message(raw)}; "
                f"type 0 or a larger value")

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
