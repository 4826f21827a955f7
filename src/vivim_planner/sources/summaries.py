"""Summary and reference tables of a founder's document: stated totals per milestone, the
users and cost-per-user trajectory (which makes the milestones of a document that has no
milestone headings), reference prices, and tables of costs at user counts."""

from __future__ import annotations

import math
import re

from ..domain import text_key
from .builder import DocumentReader, _decimals, is_total
from .classify import count, has
from .money import parse_money
from .tables import _cell
from .tree import Block, Row


def _milestone_totals(r: DocumentReader, b: Block, c: dict, what: str) -> None:
    heading = r.heading()
    n, missing = 0, []
    for row in b.rows:
        first = _cell(row, 0)
        vals = {k: r.money(_cell(row, c.get(k))) for k in ("low", "mid", "high") if c.get(k, -1) >= 0}
        if is_total(first):
            for k, m in vals.items():
                if m is not None:
                    r.stated("consolidated_total", m.value, f"{heading} {first}", line=row.line, bound=k,
                             milestone=None)
                    r.rows["stated_figures"][-1]["milestone"] = None
            n += 1
            continue
        ms = r.find_milestone(first)
        if ms is None:
            missing.append(f"line {row.line} ({first})")
            continue
        for k, m in vals.items():
            if m is not None:
                r.stated("estimate_total", m.value, f"{heading}, {ms.code} row", line=row.line, bound=k, milestone=ms)
        n += 1
    r.report.add(b.line, what, f"stated totals of {n} rows (low / mid / high)" +
                 (f"; rows naming no milestone: {', '.join(missing)}" if missing else ""),
                 help="add the milestones the rows name" if missing else "")


def _trajectory(r: DocumentReader, b: Block, c: dict, what: str) -> None:
    heading = r.heading()
    n, missing = 0, []
    from .classify import months_in

    made = 0
    for row in b.rows:
        first = _cell(row, 0)
        ms = r.find_milestone(first)
        if (ms is None or ms.placeholder) and not is_total(first) and (made or any(m.placeholder for m in r.milestones)):
            ms, made = _milestone_of_row(r, row, c), made + 1  # a document whose only milestones are these rows
        if ms is None:
            if not is_total(first):
                missing.append(f"line {row.line} ({first})")
            continue
        label = f"{heading}, {ms.code} row"
        if c.get("total", -1) > 0:  # "Total Cost (Mid)": the milestone's total as printed
            t = r.money(_cell(row, c["total"]))
            if t is not None and not math.isnan(t.value):
                bound = next((k for k in ("low", "mid", "high") if has(b.header[c["total"]], (k,))), "value")
                r.stated("estimate_total", t.value, label, line=row.line, milestone=ms, bound=bound)
        users_text = _cell(row, c.get("users"))
        u = count(users_text)
        if not math.isnan(u):
            r.stated("users", u, label, line=row.line, milestone=ms)
            if math.isnan(ms.users):
                ms.users = u
        cpu_text = _cell(row, c.get("cost_per_user"))
        m = r.money(cpu_text)
        if m is not None:
            value = -abs(m.value) if m.profit and m.value > 0 else m.value
            r.stated("cost_per_user", value, label, line=row.line, milestone=ms, decimals=_decimals(cpu_text))
        if c.get("timeline", -1) > 0 and math.isnan(ms.start):
            a, e = months_in(_cell(row, c["timeline"]))
            if not math.isnan(a):
                ms.start, ms.end = a, e
        if c.get("total", -1) > 0 and made:
            t = r.money(_cell(row, c["total"]))
            if t is not None and not math.isnan(t.value):
                r.rows["estimates"].append(dict(milestone=ms.code, category="Total", low=t.value, mid=t.value,
                                                high=t.value, _line=row.line, _m=ms))
        n += 1
    made_words = (f"{made} milestones made from its rows (the document has no milestone headings)"
                  + ("; their total cost as a Total estimate, low and high set to it" if c.get("total", -1) > 0 else "")
                  + "; " if made else "")
    r.report.add(b.line, what, made_words + f"stated users and cost per user of {n} milestones" +
                 (f"; rows naming no milestone: {', '.join(missing)}" if missing else ""),
                 help="add the operating costs behind each cost per user" if made else "")


def _milestone_of_row(r: DocumentReader, row: Row, c: dict):  # noqa: ANN202 - Milestone
    """A milestone from a summary row ``M2: ACU | Months 3-5 | 2,500 | ...``; the document's
    placeholder milestone is taken over by the first such row."""
    from .builder import _CODE_IN_CELL, Milestone
    from .classify import months_in

    first = _cell(row, 0)
    m = _CODE_IN_CELL.match(first)
    holder = next((x for x in r.milestones if x.placeholder), None)
    taken = {x.code for x in r.milestones if not x.placeholder}
    code = m.group(1).upper() if m and m.group(1).upper() not in taken else f"M{len(taken) + 1}"
    name = re.sub(r"^\s*[A-Z]\d+\s*[:.—–-]?\s*", "", first).strip() or first
    a, e = months_in(_cell(row, c.get("timeline"))) if c.get("timeline", -1) > 0 else (math.nan, math.nan)
    if holder is not None and not any(x.get("_m") is holder for t in r.rows.values() for x in t):
        r.milestones.remove(holder)
        r.current = None
        r.report.notes[:] = [n for n in r.report.notes if "names no milestone" not in n]
    ms = Milestone(code, name, row.line, 0, a, e)
    r.milestones.append(ms)
    return ms


def _usage_pricing(r: DocumentReader, b: Block, c: dict, what: str) -> None:
    kept = 0
    for row in b.rows:
        name = _cell(row, 0)
        for i in range(1, len(row.cells)):
            m = parse_money(row.cells[i])
            monthly = None
            if m is not None:
                monthly = m.low if m.per == "month" else next((a.value for a in m.alternatives if a.per == "month"), None)
            if monthly is not None:
                keys = {text_key(name)} | {text_key(x) for x in re.findall(r"\(([^()]+)\)", name)}
                for k in keys:
                    r.reference_prices[k] = monthly
                kept += 1
                break
    r.report.add(b.line, what, f"reference prices ({kept} monthly prices used by \"N × name\" calculations); "
                               f"not added as services", skipped=True,
                 help="add a service with its meters in Services to model its usage pricing")


def _by_users(r: DocumentReader, b: Block, c: dict, what: str) -> None:
    """``Users | ... | Total``: the document's monthly cost at each user count, kept as stated usage
    figures (the total column, and a cost-per-user column if any) that the audit compares with
    the usage model once the service behind them is entered."""
    total = next((i for i in range(len(b.header) - 1, 0, -1) if has(b.header[i], ("total", "cost", "monthly"))
                  and not has(b.header[i], ("per user", "/user"))), -1)
    per_user = next((i for i in range(1, len(b.header)) if has(b.header[i], ("per user", "/user", "cost/user"))), -1)
    n = 0
    for row in b.rows:
        users = count(_cell(row, 0))
        if users != users:
            continue
        for col, metric in ((total, "monthly_cost"), (per_user, "cost_per_user")):
            text = _cell(row, col) if col > 0 else ""
            m = r.money(text) if text else None
            if m is None or m.is_range or math.isnan(m.value):
                continue
            r.rows.setdefault("usage_figures", []).append(dict(
                metric=metric, subject="", users=users, value=m.value, decimals=_decimals(text),
                label=f"{r.heading()}, {users:,.0f} users ({b.header[col]})", _line=row.line))
            n += 1
    r.report.add(b.line, what, f"{n} stated costs at user counts (Stated usage), which the audit compares with the "
                               f"usage model", help="model the service behind them in Services (base fee, included "
                                                    "quotas, unit prices); until then the audit lists them")


def _llm_pricing(r: DocumentReader, b: Block, c: dict, what: str) -> None:
    r.report.add(b.line, what, "reference LLM prices; not added (no usage per session in the document)", skipped=True,
                 help="add the models and activities in LLM usage")
