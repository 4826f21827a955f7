"""Tables of a founder's document read into plan rows by their class (see :mod:`.builder`)."""

from __future__ import annotations

import math
import re

from ..domain import text_key
from .builder import _ALTERNATIVE, _COUNT_PAREN, _OPTION_PREFIX, DocumentReader, _decimals, _strip_paren, is_total
from .classify import TableKind, count
from .money import parse_money
from .tree import Block, Row


def _cell(row: Row, i: int | None) -> str:
    return row.cells[i].strip() if i is not None and 0 <= i < len(row.cells) else ""


_MONEY_MARK = re.compile(r"[$€£¥₹]|\b(?:USD|EUR|GBP|AUD|CAD|NZD|CHF|JPY|INR)\b")


def header_currency(header: list[str]) -> str:
    """The currency a header names (``Cost (AUD)``, ``Monthly (€)``), or ``""``."""
    from .money import CURRENCY_CODES, _currency_of

    for cell in header:
        for code in CURRENCY_CODES:
            if re.search(rf"\b{code}\b", cell):
                return code
        m = re.search(r"[$€£¥₹]", cell)
        if m:
            return _currency_of(m.group(0))
    return ""


def _no_amounts(b: Block, currency_known: bool = False) -> bool:
    """True for a table none of whose cells (after the first column) holds an amount: a number
    with a currency mark, or any number where the header (or, for a table with cost columns,
    the document: ``currency_known``) names the currency."""
    marked = bool(header_currency(b.header)) or currency_known
    return not any((marked or _MONEY_MARK.search(c)) and parse_money(c) is not None
                   for r in b.rows for c in r.cells[1:])


def read_table(r: DocumentReader, b: Block, kind: TableKind, what: str) -> None:
    """Dispatch one table to its reader; every table gets one report entry."""
    if not b.rows:
        r.report.add(b.line, what, "not read: a header without rows", skipped=True)
        return
    costed = kind.kind not in ("unknown", "projection", "usage_pricing", "llm_pricing", "by_users")
    empty = _no_amounts(b, costed and bool(r.currencies))
    if kind.kind in ("unknown", "projection") or empty and kind.kind not in ("rate_card",):
        if empty:
            r.report.add(b.line, what, "not read: no amounts in any cell (a text table)", skipped=True)
        elif kind.kind == "projection":
            r.report.add(b.line, what, "not read: a projection by period (revenue, profit), not a cost table",
                         skipped=True, help="enter pricing tiers and growth in the Economics grids")
        else:
            r.report.add(b.line, what, f"not read: its header ({' | '.join(b.header)}) names no cost columns",
                         skipped=True, help="rename its columns (e.g. Item | Cost) or type it into a grid")
        return
    code = header_currency(b.header)
    if code:
        r.currencies[code] = r.currencies.get(code, 0) + len(b.rows)
    from . import summaries

    fn = globals().get(f"_{kind.kind}") or getattr(summaries, f"_{kind.kind}")
    fn(r, b, kind.columns, what)


def _needs_milestone(r: DocumentReader, b: Block, what: str, noun: str) -> bool:
    if r.current is None:
        r.report.add(b.line, what, f"not read: {noun} outside any milestone", skipped=True,
                     help="put it under a heading naming its milestone or phase")
        return False
    return True


def _rate_card(r: DocumentReader, b: Block, c: dict, what: str) -> None:
    n = 0
    for row in b.rows:
        name = _cell(row, c["role"])
        if not name or is_total(name):
            continue
        values: dict = dict(name=name, _line=row.line)
        rate = r.money(_cell(row, c.get("rate")))
        if rate is not None:
            if rate.per == "year" or (rate.low > 2000 and rate.per != "hour"):
                rate = None
        if rate is not None:
            values.update(hourly_rate=(rate.low + rate.high) / 2)
            if rate.is_range:
                values.update(hourly_rate_low=rate.low, hourly_rate_high=rate.high)
        salary = r.money(_cell(row, c.get("salary")))
        if salary is not None:
            values.update(salary_low=salary.low, salary_high=salary.high)
        values["source"] = _cell(row, c.get("source"))
        r.rows["roles"].append(values)
        n += 1
    r.report.add(b.line, what, f"{n} roles of the rate card")


def _team(r: DocumentReader, b: Block, c: dict, what: str) -> None:
    if not _needs_milestone(r, b, what, "a team table"):
        return
    ms, n, stated = r.current, 0, 0
    for row in b.rows:
        title = _cell(row, c["role"])
        cost_text = _cell(row, c.get("cost"))
        if is_total(title):
            m = r.money(cost_text) or r.money(row.cells[-1])
            if m is not None:
                r.stated_money("allocations_subtotal", m, f"{ms.code} {title}", line=row.line, text=cost_text)
                stated += 1
            continue
        if not title:
            continue
        line = dict(milestone=ms.code, title=title, _line=row.line, _m=ms)
        rate = r.money(_cell(row, c.get("rate")))
        monthly = r.money(_cell(row, c.get("monthly")))
        salary = r.money(_cell(row, c.get("salary")))
        months = count(_cell(row, c.get("months")))
        fte = count(_cell(row, c.get("fte")))
        cost = r.money(cost_text)
        if rate is not None and rate.per in ("month", "year"):
            monthly, rate = (rate, None) if rate.per == "month" else (monthly, None)
            if salary is None and rate is None and monthly is None:
                salary = r.money(_cell(row, c.get("rate")))
        line["fte"] = fte if not math.isnan(fte) else 1.0
        if rate is not None:
            line["hourly_rate"] = (rate.low + rate.high) / 2
        elif monthly is not None:
            line["_monthly"] = (monthly.low + monthly.high) / 2
        elif salary is not None:
            line["_salary"] = (salary.low + salary.high) / 2
        if not math.isnan(months):
            line["months"] = months
        elif math.isnan(months) and rate is None and monthly is None and salary is None:
            line["months"] = None
        else:
            d = r.duration(ms)
            line["months"] = d if not math.isnan(d) else 1.0
        if cost is not None and not math.isnan(cost.value):
            line["stated_cost"] = cost.value
            if rate is None and monthly is None and salary is None:
                line["lump_sum"] = cost.value
        r.rows["allocations"].append(line)
        n += 1
    r.report.add(b.line, what, f"{n} team lines of {ms.code}" + (f" + {stated} stated subtotal" if stated else ""))


def _lines(r: DocumentReader, b: Block, c: dict, what: str) -> None:
    if not _needs_milestone(r, b, what, "a cost table"):
        return
    ms = r.current
    totals = [parse_money(_cell(row, c.get("cost"))) for row in b.rows if is_total(_cell(row, c["item"]))]
    monthly = r.section_is_monthly(b.header, next((t for t in totals if t is not None), None))
    kinds: dict[str, int] = {}
    stated = alternatives = 0
    last: dict | None = None
    for row in b.rows:
        label = _cell(row, c["item"])
        cost_text = _cell(row, c.get("cost"))
        details = _cell(row, c.get("details"))
        if not cost_text and details and parse_money(details) is not None:  # a row missing a cell
            cost_text, details = details, ""
        m = r.money(cost_text)
        if is_total(label):
            if m is not None:
                metric = "operating_total" if monthly else "build_subtotal"
                r.stated_money(metric, m, f"{ms.code} {label}", line=row.line, text=cost_text,
                               category_heading="" if monthly else r.heading())
                stated += 1
            continue
        if not label and not cost_text:
            continue
        if _ALTERNATIVE.match(label) and last is not None:
            name = _OPTION_PREFIX.sub("", label).strip()
            if m is not None and not m.is_range:
                for key in ("low", "high"):
                    if key not in last:
                        last[key] = last.get("amount", m.value)
                last["low"], last["high"] = min(last["low"], m.value), max(last["high"], m.value)
                if "amount" not in last and "quantity" not in last:
                    last["amount"] = m.value
            last["details"] = "; ".join(x for x in (last.get("details", ""), f"alternative: {name} {cost_text}") if x)
            alternatives += 1
            continue
        became = r.add_line(label, details, m, row.line, monthly=monthly, cost_text=cost_text)
        table = "operating_costs" if became.startswith("operating") else "build_items"
        last = r.rows[table][-1] if "no amount" not in became else None
        kinds[became] = kinds.get(became, 0) + 1
    parts = [f"{v} {k}" for k, v in kinds.items()]
    if stated:
        parts.append(f"{stated} stated subtotal")
    if alternatives:
        parts.append(f"{alternatives} alternatives kept beside their line, not summed")
    r.report.add(b.line, what, f"{ms.code}: " + ", ".join(parts))


def _estimates(r: DocumentReader, b: Block, c: dict, what: str) -> None:
    if not _needs_milestone(r, b, what, "an estimate table"):
        return
    ms, n = r.current, 0
    heading = _strip_paren(r.heading())
    for row in b.rows:
        cat = _cell(row, c["item"])
        vals = {k: r.money(_cell(row, c.get(k))) for k in ("low", "mid", "high") if c.get(k, -1) >= 0}
        if is_total(cat):
            for k, m in vals.items():
                if m is not None:
                    r.stated("estimate_total", m.value, f"{ms.code} {heading} {cat}".strip(), line=row.line, bound=k)
            continue
        if not cat:
            continue
        r.rows["estimates"].append(dict(milestone=ms.code, category=cat, _line=row.line, _m=ms,
                                        **{k: m.value for k, m in vals.items() if m is not None}))
        ms.categories.append(cat)
        n += 1
    r.report.add(b.line, what, f"{n} estimates of {ms.code} (low / mid / high) + the TOTAL as stated figures")


def _operating(r: DocumentReader, b: Block, c: dict, what: str) -> None:
    if not _needs_milestone(r, b, what, "an operating cost table"):
        return
    ms, n, stated = r.current, 0, 0
    heading = _strip_paren(r.heading())
    for row in b.rows:
        label = _cell(row, c["item"])
        text = _cell(row, c.get("monthly"))
        calc = _cell(row, c.get("calculation"))
        m = r.money(text)
        if is_total(label):
            if m is not None:
                r.stated("operating_total", m.value, f"{ms.code} {heading} {label}".strip(), line=row.line)
                stated += 1
            continue
        if not label:
            continue
        row_values = dict(milestone=ms.code, driver=label, calculation=calc, _line=row.line, _m=ms)
        cm = r.money(calc) if calc else None
        ref = re.match(r"^\s*(\d+(?:\.\d+)?)\s*[×x*]\s*(.+?)\s*$", calc or "")
        if cm is not None and not math.isnan(cm.quantity) and cm.unit_per in ("month", ""):
            row_values.update(quantity=cm.quantity, unit_cost=cm.unit)
            if m is not None:
                row_values["stated_cost"] = m.value
        elif ref and text_key(ref.group(2)) in r.reference_prices and m is not None:
            row_values.update(quantity=float(ref.group(1)), unit_cost=r.reference_prices[text_key(ref.group(2))],
                              stated_cost=m.value)
        elif m is not None:
            row_values["amount"] = m.value if not m.is_range else (m.low + m.high) / 2
            if m.per == "year":
                row_values["amount"] = m.value / 12
        r.rows["operating_costs"].append(row_values)
        n += 1
    r.report.add(b.line, what, f"{n} operating lines of {ms.code} (monthly)" +
                 (f" + {stated} stated total" if stated else ""))


def _metrics(r: DocumentReader, b: Block, c: dict, what: str) -> None:
    if not _needs_milestone(r, b, what, "a metric table"):
        return
    ms, n = r.current, 0
    heading = r.heading()
    for row in b.rows:
        label, text = _cell(row, 0), _cell(row, 1)
        key = text_key(label)
        m = r.money(text)
        if m is None:
            continue
        if "per user" in key or "/user" in key:
            value = -abs(m.value) if m.profit and m.value > 0 else m.value
            r.stated("cost_per_user", value, f"{ms.code} {label}", line=row.line, decimals=_decimals(text))
        elif "users" in key or "customers" in key or key in ("mau", "dau"):
            r.stated("users", m.value, f"{ms.code} {heading}, {label}", line=row.line)
            if math.isnan(ms.users):
                ms.users = m.value
        elif key.startswith("net"):
            value = -abs(m.value) if "profit" in key else m.value
            r.stated("net_operating", value, f"{ms.code} {heading}, {label}", line=row.line)
        elif "revenue" in key:
            r.stated("revenue_total", m.value, f"{ms.code} {heading}, {label}", line=row.line)
        elif any(w in key for w in ("ops", "operating", "monthly", "cost", "spend")):
            r.stated("operating_total", m.value, f"{ms.code} {heading}, {label}", line=row.line)
        else:
            continue
        n += 1
    r.report.add(b.line, what, f"{n} stated figures of {ms.code}")


def _revenue(r: DocumentReader, b: Block, c: dict, what: str) -> None:
    if not _needs_milestone(r, b, what, "a revenue table"):
        return
    ms, n, stated = r.current, 0, 0
    heading = r.heading()
    for row in b.rows:
        label, text = _cell(row, c["item"]), _cell(row, c["cost"])
        m = r.money(text)
        key = text_key(label)
        if m is None:
            continue
        if key.strip("*").startswith("net"):
            value = -abs(m.value) if "profit" in key else m.value
            r.stated("net_operating", value, f"{ms.code} {heading}, {label}", line=row.line)
            stated += 1
            continue
        if is_total(label):
            r.stated("revenue_total", m.value, f"{ms.code} {heading}, {label}", line=row.line)
            stated += 1
            continue
        source, customers = label, None
        p = _COUNT_PAREN.search(label)
        if p:
            source, customers = label[:p.start()].strip(), count(p.group(1))
        if "customers" in c:
            customers = count(_cell(row, c["customers"]))
        amount = m.value / 12 if m.per == "year" else m.value
        r.rows["revenues"].append(dict(milestone=ms.code, source=source, customers=customers, amount=amount,
                                       _line=row.line, _m=ms))
        n += 1
    r.report.add(b.line, what, f"{n} revenue lines of {ms.code} (monthly)" + (f" + {stated} stated" if stated else ""))
