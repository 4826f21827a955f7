"""Bullet lists of a founder's document: ``item: amount`` and ``role: $X × N = $Y`` lines become
lines of the milestone they sit under; lists of words become its notes."""

from __future__ import annotations

import math
import re

from .builder import _KEY_VALUE, DocumentReader, is_total, lower_first
from .classify import clean_heading
from .money import parse_money
from .tree import Block

_OPTION = re.compile(r"^(?:option|alternative|plan)\s+([A-Z0-9])\b", re.IGNORECASE)
_LEADING_AMOUNT = re.compile(r"^\s*(?P<calc>(?:\d+(?:\.\d+)?\s*[×x*]\s*)?[$€£][^\s]*(?:\s*[×x*=]\s*[$€£\d][^\s]*)*)\s+"
                             r"(?:for\s+|—\s*|–\s*|-\s*)?(?P<label>[A-Za-z].*)$")


def _split(item: str) -> tuple[str, str] | None:
    """``("Senior engineer", "$12,000/mo × 3 = $36,000")`` from ``Senior engineer: $12,000/mo × 3
    = $36,000`` (also with an em dash), or from ``$500 for the logo``; ``None`` without an amount."""
    text = item.replace("**", "").strip()
    kv = _KEY_VALUE.match(text)
    if kv and parse_money(kv["value"]) is not None:  # words after the amount stay its remark
        return kv["key"].strip(), kv["value"]
    m = _LEADING_AMOUNT.match(text)
    if m and parse_money(m["calc"]) is not None:
        return m["label"].strip(), m["calc"]
    return None


def read_list(r: DocumentReader, b: Block, what: str = "") -> None:
    """Read one list (see the module docstring) and add its report entry."""
    what = what or (f'list under "{r.heading()}"' if r.heading() else "list")
    pairs = [(_split(text), text, line) for text, line in b.items]
    priced = [p for p in pairs if p[0] is not None]
    if not priced:
        if r.current is not None:
            items = "; ".join(lower_first(t) for t, _ in b.items if t)
            r.current.notes.append(f"{r.heading()}: {items}.")
            r.report.add(b.line, what, f"notes of milestone {r.current.code}")
        else:
            r.report.add(b.line, what, "not read: text without amounts", skipped=True)
        return
    if r.current is None:
        r.report.add(b.line, what, f"not read: {len(priced)} items with amounts outside any milestone (commentary, "
                                   f"not lines)", skipped=True)
        return
    ms = r.current
    option = _OPTION.match(clean_heading(r.heading()))
    if option and option.group(1).upper() not in ("A", "1"):  # Option B of a milestone: an alternative
        summary = "; ".join(f"{s[0]} {s[1]}" for s, _, _ in priced)
        ms.notes.append(f"{r.heading()} (an alternative, not summed): {summary}.")
        r.report.add(b.line, what, f"{ms.code}: {len(priced)} priced items of an alternative ({r.heading()}), kept in "
                                   f"the notes, not summed", help="choose the option: move its lines into the grid")
        return
    team = r.section_is_team()
    totals = [parse_money(sp[1]) for sp, _, _ in priced if is_total(sp[0])]
    monthly = r.section_is_monthly(total=next((t for t in totals if t is not None), None))
    kinds: dict[str, int] = {}
    unread: list[int] = []
    totals: list[tuple] = []
    for split, text, line in pairs:
        if split is None:
            unread.append(line)
            continue
        label, amount_text = split
        m = r.money(amount_text)
        if m is None:
            unread.append(line)
            continue
        if is_total(label):
            totals.append((label, m, amount_text, line))  # stated once the list's lines say what it adds up
            kinds["stated totals"] = kinds.get("stated totals", 0) + 1
            continue
        if team or (r.looks_like_role(label) and not monthly):
            became = _team_line(r, label, m, line)
        else:
            became = r.add_line(label, "", m, line, monthly=monthly, cost_text=amount_text)
        kinds[became] = kinds.get(became, 0) + 1
    mixed = "team lines" in kinds and any(k.startswith("build") for k in kinds)
    for label, m, amount_text, line in totals:
        if mixed and not monthly:  # team and build lines under one subtotal: the milestone's total
            metric = "estimate_total"
        else:
            metric = "allocations_subtotal" if team or "team lines" in kinds and not monthly else (
                "operating_total" if monthly else "build_subtotal")
        if metric == "estimate_total" and not m.is_range:
            r.stated(metric, m.value, f"{ms.code} {label}", line=line, bound="mid")
        else:
            r.stated_money(metric, m, f"{ms.code} {label}", line=line, text=amount_text,
                           category_heading="" if metric != "build_subtotal" else r.heading())
    parts = [f"{v} {k}" for k, v in kinds.items()]
    if unread:
        parts.append(f"items without an amount at lines {', '.join(map(str, unread))} kept out")
    r.report.add(b.line, what, f"{ms.code}: " + ", ".join(parts))


def _team_line(r: DocumentReader, label: str, m, line: int) -> str:  # noqa: ANN001 - Money
    """``Senior engineer: $12,000/mo × 3 = $36,000`` -> a team line of 3 months at $12,000 a month
    (its hourly rate set once the plan's hours per month are known); ``Designer: 2 × $6,000/mo``
    -> 2 FTE for the milestone; ``Legal: $90/hr × 20 h`` is priced per hour."""
    ms = r.current
    row = dict(milestone=ms.code, title=label, _line=line, _m=ms, fte=1.0)
    d = r.duration(ms)
    unit_per = m.unit_per if not math.isnan(m.quantity) else m.per
    unit = m.unit if not math.isnan(m.quantity) else m.low
    if unit_per == "hour":
        row["hourly_rate"] = unit
        row["_hours"] = m.quantity
    elif unit_per == "month":
        row["_monthly"] = unit
        if not math.isnan(m.quantity):
            if not m.count_first:
                row["months"] = m.quantity
            else:
                row["fte"], row["months"] = m.quantity, d if not math.isnan(d) else 1.0
        else:
            row["months"] = d if not math.isnan(d) else 1.0
    elif unit_per == "year":
        row["_salary"] = unit
        row["months"] = d if not math.isnan(d) else 12.0
        if not math.isnan(m.quantity):
            row["fte"] = m.quantity
    else:  # a one-off fee for a person: a lump sum
        row.update(lump_sum=m.value, months=None)
    if not math.isnan(m.stated):
        row["stated_cost"] = m.stated
    elif "lump_sum" in row:
        row["stated_cost"] = m.value
    r.rows["allocations"].append(row)
    return "team lines"

