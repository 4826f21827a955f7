"""Import a bank or accounting CSV export (date, description, amount) as actuals.

Every row is checked and every problem reported with its row number (the header is row 1, as a
spreadsheet numbers it): a date that is not a day or falls before the plan's first month, an
amount that is not a number or is in another currency (a currency column or sign other than the
plan's; no exchange rate is guessed), an empty description, a description no mapping knows, a
transaction repeated in the file or already imported. Any problem and nothing is imported.
A refund (a negative amount) is imported, netted against its category, and listed as a note.

Amounts are money out (a payment is positive, a refund negative), as an accounting export
writes them; ``debits_negative`` reads a bank export where payments are negative. An amount
mapped to ``Revenue`` is money in (a customer's payment, written negative in such an export, is
earned revenue). A description finds its category through the plan's *Category map* and the
``--map`` file: the longest pattern the description contains (case and spacing do not count)
wins. The map file's lines are remembered in the plan's Category map by the same undo step.

Dates: ``2026-03-15``, ``2026/03/15``, ``15.03.2026``, and ``15/03/2026`` or ``03/15/2026``:
which of the last two a file means is read from its own dates (a day above 12), else from
``day_first``; a file that cannot tell is refused with that question.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..commands import Command, Compound, insert_rows, set_cells
from ..domain import PlanError, text_key
from ..domain.actuals_rules import actual_categories, plan_month_of
from ..domain.actuals_schema import REVENUE
from ..domain.fields import NumberTextError, read_number
from ..domain.plan import Plan, month_labels

HEADERS = {
    "date": ("date", "booking date", "transaction date", "posted", "posting date", "value date"),
    "description": ("description", "payee", "details", "memo", "name", "narrative", "merchant"),
    "amount": ("amount", "value", "debit", "amount (usd)", "amount (eur)"),
    "currency": ("currency", "ccy"),
    "reference": ("reference", "id", "transaction id", "ref"),
}
"""Header names of each column (compared by :func:`text_key`); date, description and amount are
required."""
MAP_HEADERS = {"pattern": ("pattern", "description", "contains", "description contains", "match"),
               "category": ("category",)}
MAX_ROWS = 200_000
"""Rows of one file at most (a year of a busy company's bank account is a few thousand)."""
_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class BankImportError(PlanError):
    """The file was not imported; ``errors`` lists every problem, one line each, and ``notes``
    what would have been imported with a remark (a refund), by row."""

    def __init__(self, errors: list[str], notes: list[str] | None = None):
        super().__init__(f"{len(errors)} problem{'s' * (len(errors) != 1)}; nothing was imported:\n" + "\n".join(errors))
        self.errors, self.notes = errors, list(notes or [])


@dataclass
class BankImport:
    """A checked import: ``command`` (one undo step: the actuals, the remembered mappings),
    ``count`` transactions, ``months`` they fall in, ``by_category`` (category -> amount),
    ``notes`` (refunds, by row) and ``mappings`` (new or changed Category map lines)."""

    command: Command
    count: int
    months: list[int]
    by_category: dict[str, float]
    notes: list[str] = field(default_factory=list)
    mappings: list[str] = field(default_factory=list)

    def lines(self, plan: Plan) -> list[str]:
        """The report: what was imported, into which months and categories, and the notes."""
        labels = month_labels(plan.settings.start_date, max(self.months, default=1))
        span = ", ".join(labels[m - 1] for m in self.months)
        out = [f"{self.count} transaction{'s' * (self.count != 1)} imported into {span or 'no month'}"]
        out += [f"  {c}: {v:,.2f} {plan.settings.currency}" for c, v in self.by_category.items()]
        out += self.mappings + self.notes
        return out


def _read_rows(path: Path, what: str) -> list[list[str]]:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise BankImportError([f"{path}: cannot read ({e.strerror or e})"]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # older bank exports; a bad byte shows as �
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if len(rows) > MAX_ROWS:
        raise BankImportError([f"{path.name}: {len(rows):,} rows; {what} holds at most {MAX_ROWS:,}"])
    return rows


def _columns(header: list[str], names: dict[str, tuple[str, ...]], required: tuple[str, ...], file: str) -> dict[str, int]:
    keys = [text_key(h) for h in header]
    cols = {}
    for name, synonyms in names.items():
        for i, k in enumerate(keys):
            if k in synonyms:
                cols.setdefault(name, i)
    missing = [n for n in required if n not in cols]
    if missing:
        raise BankImportError([f"{file} row 1: no {' / '.join(missing)} column; the header must name "
                               f"{', '.join(required)} (found: {', '.join(h for h in header if h.strip()) or 'nothing'})"])
    return cols


def read_mapping(plan: Plan, path: Path) -> list[tuple[str, str, int]]:
    """The (pattern, category, row) lines of a map file (CSV with a ``pattern`` / ``description``
    and a ``category`` column). Raises :class:`BankImportError` listing every bad line."""
    rows = _read_rows(path, "a map file")
    if not rows:
        raise BankImportError([f"{path.name}: the file is empty"])
    cols = _columns(rows[0], MAP_HEADERS, ("pattern", "category"), path.name)
    known = {text_key(c): c for c in actual_categories(plan)}
    out, errors, seen = [], [], {}
    for n, cells in enumerate(rows[1:], start=2):
        pattern = cells[cols["pattern"]].strip() if len(cells) > cols["pattern"] else ""
        category = cells[cols["category"]].strip() if len(cells) > cols["category"] else ""
        if not pattern and not category:
            continue
        if not pattern:
            errors.append(f"{path.name} row {n}: no description pattern for category {category}")
        elif text_key(category) not in known:
            errors.append(f'{path.name} row {n}: category "{category}" is not a category of this plan; use one of '
                          f"{', '.join(list(known.values())[:12])}")
        elif text_key(pattern) in seen:
            errors.append(f'{path.name} row {n}: "{pattern}" is mapped already in row {seen[text_key(pattern)]}')
        else:
            seen[text_key(pattern)] = n
            out.append((pattern, known[text_key(category)], n))
    if errors:
        raise BankImportError(errors)
    return out


def _slash_order(dates: list[tuple[int, str]], day_first: bool | None, file: str) -> tuple[bool, list[str]]:
    """Whether the file's d/m/y dates are day first, from its own dates or ``day_first``."""
    firsts, seconds = [], []
    for n, d in dates:
        if m := _SLASHED.match(d):
            a, b = int(m.group(1)), int(m.group(2))
            if a > 12:
                firsts.append(n)
            if b > 12:
                seconds.append(n)
    if firsts and seconds:
        return True, [f"{file} row {seconds[0]}: the date reads month first, but row {firsts[0]} reads day first; "
                      f"write every date one way"]
    if firsts or seconds:
        return bool(firsts), []
    ambiguous = [n for n, d in dates if (m := _SLASHED.match(d)) and m.group(1) != m.group(2)]
    if ambiguous and day_first is None:
        return True, [f"{file}: no date of the file tells whether 03/04/2026 is 3 April or March 4 (row "
                      f"{ambiguous[0]}); say which with --day-first or --month-first"]
    return bool(day_first) if day_first is not None else True, []


def _day(text: str, day_first: bool) -> dt.date:
    if m := _ISO.match(text):
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _DOTTED.match(text):
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _SLASHED.match(text):
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        d, mo = (a, b) if day_first else (b, a)
    else:
        raise ValueError(text)
    return dt.date(y, mo, d)


def _category(description: str, patterns: list[tuple[str, str]]) -> str | None:
    key = text_key(description)
    best = None
    for pattern, category in patterns:  # the longest pattern the description contains wins
        p = text_key(pattern)
        if p and p in key and (best is None or len(p) > len(best[0])):
            best = (p, category)
    return best[1] if best else None


def plan_bank_import(plan: Plan, path: str | Path, mapping: str | Path | None = None,
                     day_first: bool | None = None, debits_negative: bool = False) -> BankImport:
    """Check the bank CSV ``path`` (and the map file ``mapping``) against ``plan`` and build the
    import as one command; nothing is applied. Raises :class:`BankImportError` listing every
    problem by row (``bank.csv row 17: no category for "ACME LLC"; ...``)."""
    path = Path(path)
    file = path.name
    currency = plan.settings.currency
    known = {text_key(c): c for c in actual_categories(plan)}
    cmap = plan.tables["category_map"]
    patterns = [(cmap.get(p, "pattern"), known.get(text_key(cmap.get(p, "category")), cmap.get(p, "category")))
                for p in range(len(cmap))]
    file_map = read_mapping(plan, Path(mapping)) if mapping else []
    patterns += [(p, c) for p, c, _n in file_map]
    rows = _read_rows(path, "a bank file")
    if not plan.settings.start_date:
        raise BankImportError([f"{file}: the plan has no start month, so a date cannot be placed in a plan month; "
                               f"set Start month (Summary tab) first"])
    body = [(n, cells) for n, cells in enumerate(rows[1:], start=2) if any(c.strip() for c in cells)]
    if not rows or not body:
        raise BankImportError([f"{file}: no transactions (the file is empty or holds only a header)"])
    cols = _columns(rows[0], HEADERS, ("date", "description", "amount"), file)

    def cell(cells: list[str], name: str) -> str:
        i = cols.get(name)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    first_errors: list[str] = []
    day_first, first_errors = _slash_order([(n, cell(c, "date")) for n, c in body], day_first, file)
    errors: list[str] = list(first_errors)
    notes: list[str] = []
    labels = month_labels(plan.settings.start_date, 600)
    existing = {}
    acts = plan.tables["actuals"]
    for p in range(len(acts)):
        existing.setdefault((acts.get(p, "date"), text_key(acts.get(p, "description")), float(acts.get(p, "amount"))), p + 2)
    seen: dict[tuple, int] = {}
    new_rows: list[dict] = []
    for n, cells in body:
        where = f"{file} row {n}"
        date_text, desc, amount_text = cell(cells, "date"), cell(cells, "description"), cell(cells, "amount")
        ok = True
        month = 0
        try:
            day = _day(date_text, day_first)
            month = plan_month_of(plan.settings.start_date, day)
            if month < 1:
                errors.append(f"{where}: {day.isoformat()} is before the plan's first month ({labels[0]})")
                ok = False
            elif month > 600:
                errors.append(f"{where}: {day.isoformat()} is more than 600 months after the plan's start")
                ok = False
        except ValueError:
            errors.append(f'{where}: date "{date_text}" is not a day; write it as 2026-03-15 or 15/03/2026')
            ok, day = False, None
        row_currency = cell(cells, "currency").upper()
        sign = next((s for s in _SIGNS if s in amount_text), None)
        other = row_currency if row_currency and row_currency != currency else (
            _SIGNS[sign] if sign and _SIGNS[sign] != currency else None)
        amount = None
        if other:
            errors.append(f"{where}: amount {amount_text} is in {other}, the plan is in {currency}; convert it "
                          f"first (no exchange rate is guessed)")
            ok = False
        elif not amount_text:
            errors.append(f"{where}: no amount")
            ok = False
        else:
            try:
                amount = read_number(amount_text, plan.settings.number_locale).value
                if read_number(amount_text, plan.settings.number_locale).percent:
                    raise NumberTextError("percent")
                amount = -amount if debits_negative else amount
            except NumberTextError as e:
                hint = f"; write {e.meant}" if e.meant else ""
                errors.append(f'{where}: amount "{amount_text}" is not a number{hint}')
                ok = False
        if not desc:
            errors.append(f"{where}: no description, so no category can be found")
            ok = False
        category = _category(desc, patterns) if desc else None
        if desc and category is None:
            errors.append(f'{where}: no category for "{desc}"; add a line to the map file (pattern,category) '
                          f"or to the plan's Category map")
            ok = False
        if not ok:
            continue
        ref = cell(cells, "reference")
        key = ("ref", ref) if ref else (day.isoformat(), text_key(desc), amount)
        if key in seen:
            errors.append(f"{where}: the same transaction as row {seen[key]} ({day.isoformat()}, {desc}, "
                          f"{amount_text}); delete one, or give each its own reference")
            continue
        seen[key] = n
        stored = -amount if category == REVENUE else amount
        if (day.isoformat(), text_key(desc), stored) in existing:
            errors.append(f"{where}: already imported (Actuals row {existing[(day.isoformat(), text_key(desc), stored)]}, "
                          f"{day.isoformat()}, {desc}, {amount_text})")
            continue
        if amount < 0 and category != REVENUE:
            notes.append(f"{where}: refund of {-amount:,.2f} {currency} ({desc}) nets against {category} "
                         f"in {labels[month - 1]}")
        new_rows.append({"month": month, "category": category, "amount": stored, "date": day.isoformat(),
                         "description": desc, "source": f"{file} row {n}" + (f", ref {ref}" if ref else "")})
    if errors:
        raise BankImportError(errors, notes)
    return _build(plan, new_rows, file_map, notes)


def _build(plan: Plan, new_rows: list[dict], file_map: list[tuple[str, str, int]], notes: list[str]) -> BankImport:
    acts, cmap = plan.tables["actuals"], plan.tables["category_map"]
    parts: list[Command] = [insert_rows(plan, "actuals", len(acts), new_rows, f"Import {len(new_rows)} actuals")]
    have = {text_key(cmap.get(p, "pattern")): p for p in range(len(cmap))}
    add, edits, said = [], [], []
    for pattern, category, _n in file_map:
        p = have.get(text_key(pattern))
        if p is None:
            add.append({"pattern": pattern, "category": category})
            said.append(f"Category map: {pattern} -> {category} remembered")
        elif text_key(cmap.get(p, "category")) != text_key(category):
            edits.append((int(cmap.ids[p]), "category", category))
            said.append(f"Category map: {pattern} -> {category} (was {cmap.get(p, 'category')})")
    if add:
        parts.append(insert_rows(plan, "category_map", len(cmap), add))
    if edits:
        parts.append(set_cells(plan, "category_map", edits))
    by_category: dict[str, float] = {}
    for r in new_rows:
        by_category[r["category"]] = by_category.get(r["category"], 0.0) + r["amount"]
    months = sorted({int(r["month"]) for r in new_rows})
    return BankImport(Compound(parts, f"Import {len(new_rows)} bank transactions"), len(new_rows), months,
                      by_category, notes, said)
