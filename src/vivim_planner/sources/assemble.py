"""Rows read from a document assembled into a :class:`~vivim_planner.domain.Plan`.

What the document leaves implicit is decided here and said in the report's notes: the hours
per month its team lines are priced at (the figure most of them fit, when it states none), the
currency (the one most of its amounts are in), month ranges of milestones given as durations,
the rate-card role of each team line, and the category of each build line (its heading matched
to the milestone's estimate categories). Every row is checked by the grid's own rules; a row
refused is left out and reported at its line, never half-added.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Mapping

from ..commands import insert_rows
from ..domain import DECIMAL_POINT, DEFAULT_HOURS_PER_MONTH, CellError, Plan, PlanSettings, text_key
from .builder import DocumentReader, Milestone, budget_is_monthly
from .classify import category_of

TABLE_ORDER = ("milestones", "roles", "allocations", "build_items", "estimates", "operating_costs", "revenues",
               "stated_figures", "usage_figures")


@dataclass
class ImportOptions:
    """Choices a caller may make instead of the importer: ``name`` of the plan (default: the
    document's title), ``currency`` (ISO code; default: the one most amounts are in),
    ``hours_per_month`` (default: stated, else inferred from the team lines, else 160),
    ``role_map`` (a team line's title -> the rate-card role it is; default: the role of that
    name, or a new one), ``role_source`` (the Source of roles the importer adds) and the
    ``number_locale`` numbers are written in."""

    name: str | None = None
    currency: str | None = None
    hours_per_month: float | None = None
    role_map: Mapping[str, str] = field(default_factory=dict)
    role_source: str = "document, team lines"
    number_locale: str = DECIMAL_POINT


def infer_hours(lines: list[dict]) -> tuple[float, int, int]:
    """``(hours, fitting, priced)``: the hours per FTE-month most team lines' stated costs fit
    (cost / (rate × months × FTE), to the cent), how many fit it, and how many lines could be
    tested; ``(nan, 0, n)`` when no figure fits two lines."""
    fits: Counter = Counter()
    priced = 0
    for a in lines:
        rate, months, fte, cost = (a.get(k) for k in ("hourly_rate", "months", "fte", "stated_cost"))
        if None in (rate, months, fte, cost) or not (rate and months and fte and cost):
            continue
        priced += 1
        h = round(cost / (rate * months * fte), 2)
        if 1 <= h <= 744:
            fits[h] += 1
    if not fits:
        return math.nan, 0, priced
    h, n = fits.most_common(1)[0]
    return (h, n, priced) if n >= 2 else (math.nan, 0, priced)


def _months(r: DocumentReader) -> None:
    prev_end = 0.0
    for ms in r.milestones:
        if math.isnan(ms.start):
            d = r.duration(ms)
            ms.start = prev_end + 1
            ms.end = ms.start + (d if not math.isnan(d) else 1) - 1
            how = f"{ms.weeks:g} weeks" if not math.isnan(ms.weeks) else "no duration stated: one month"
            r.report.notes.append(f"{ms.code}: months {ms.start:g}-{ms.end:g}, after the milestone before ({how})")
        prev_end = max(prev_end, ms.end)


def _budgets(r: DocumentReader) -> None:
    for ms in r.milestones:
        m = ms.budget
        if m is None:
            continue
        has_ops = any(o["milestone"] == ms.code for o in r.rows["operating_costs"])
        label = f"{ms.code} {m.remark or 'Budget'}"
        if budget_is_monthly(m) or m.per == "year":
            value = (m.low + m.high) / 2 if m.is_range else m.value
            value = value / 12 if m.per == "year" else value
            if has_ops and not m.is_range:
                r.stated("operating_total", value, label, line=ms.budget_line, milestone=ms)
            elif has_ops:  # a range against lines that are ranges too: compared at the midpoints
                r.stated("operating_total", value, f"{label} (midpoint of {m.low:,.0f}-{m.high:,.0f})",
                         line=ms.budget_line, milestone=ms, decimals=1)
            elif not has_ops:
                r.rows["operating_costs"].append(dict(milestone=ms.code, driver=m.remark or "Monthly cost",
                                                      calculation="as stated" + (" (range midpoint)" if m.is_range else ""),
                                                      amount=value, _line=ms.budget_line, _m=ms))
        elif not m.is_range:
            r.stated("estimate_total", m.value, label, line=ms.budget_line, bound="mid", milestone=ms)


def _team(r: DocumentReader, options: ImportOptions, hours: float) -> None:
    rate_card = {text_key(x["name"]): x for x in r.rows["roles"]}
    added: dict[str, dict] = {}
    for a in r.rows["allocations"]:
        if "_monthly" in a:
            a["hourly_rate"] = a.pop("_monthly") / hours
        if "_salary" in a:
            a["hourly_rate"] = a.pop("_salary") / 12 / hours
        if "_hours" in a:
            h = a.pop("_hours")
            if h == h:
                a["months"] = h / hours
        title = a.get("title", "")
        role = options.role_map.get(title) or title
        key = text_key(role)
        if key not in rate_card and key not in added:
            added[key] = dict(name=role, hourly_rate=a.get("hourly_rate"), source=options.role_source,
                              _line=a.get("_line", 0))
        a["role"] = rate_card.get(key, added.get(key))["name"]
    r.rows["roles"].extend(added.values())
    if added:
        r.report.notes.append(f"{len(added)} roles added to the rate card from team lines that name no rate-card "
                              f"role ({', '.join(list(added.values())[i]['name'] for i in range(min(4, len(added))))}"
                              f"{'...' if len(added) > 4 else ''})")


def _categories(r: DocumentReader) -> None:
    for table in ("build_items", "stated_figures"):
        for row in r.rows[table]:
            heading = row.pop("_category_heading", None)
            if heading is not None and (table == "build_items" or row["metric"] == "build_subtotal"):
                ms: Milestone = row["_m"]
                row["category"] = category_of(heading, ms.categories if ms else []) or "Other"


def assemble(r: DocumentReader, options: ImportOptions) -> Plan:
    """The plan of a document read by ``r`` (see the module docstring)."""
    _months(r)
    _budgets(r)
    _categories(r)
    if options.hours_per_month:
        hours = float(options.hours_per_month)
    elif r.hours_stated == r.hours_stated:
        hours = r.hours_stated
        r.report.notes.append(f"hours per month: {hours:g}, as the document states")
    else:
        h, n, priced = infer_hours(r.rows["allocations"])
        hours = h if h == h else DEFAULT_HOURS_PER_MONTH
        if h == h:
            r.report.notes.append(f"hours per month: {h:g}, the figure {n} of {priced} team lines are priced at "
                                  f"(the document states none; the others are audit findings)")
        elif r.rows["allocations"]:
            r.report.notes.append(f"hours per month: {DEFAULT_HOURS_PER_MONTH:g} (the document states none and no "
                                  f"figure fits its team lines)")
    _team(r, options, hours)
    currency = options.currency or r.named_currency or (
        max(r.currencies, key=r.currencies.get) if r.currencies else "USD")
    if r.named_currency and not options.currency:
        dollars = f"; its $ amounts are {currency}" if "USD" in r.currencies and currency != "USD" else ""
        r.report.notes.append(f"currency: {currency}, as the document says (\"{r.named_currency_text}\"){dollars}")
    elif len(r.currencies) > 1:
        others = ", ".join(f"{c} ({n})" for c, n in r.currencies.items() if c != currency)
        r.report.notes.append(f"currency: {currency}, the one most amounts are in; amounts in {others} are kept "
                              f"as written, not converted")
    elif r.currencies:
        r.report.notes.append(f"currency: {currency}")
    notes = []
    if r.title and r.subtitle:
        notes.append(f"{r.title}: {r.subtitle}.")
    notes += r.notes
    settings = PlanSettings(name=(options.name or r.title or r.report.source or "Imported plan")[:200],
                            currency=currency, hours_per_month=hours, notes="\n\n".join(notes)[:20000],
                            number_locale=options.number_locale)
    plan = Plan(settings)
    r.rows["milestones"] = [dict(code=ms.code, name=ms.name[:200], phase=ms.phase, start_month=ms.start,
                                 end_month=max(ms.end, ms.start), target_users=None if ms.users != ms.users else ms.users,
                                 notes=" ".join(ms.notes)[:2000], _line=ms.line) for ms in r.milestones]
    for ms in r.milestones:
        if ms.users != ms.users:
            r.report.notes.append(f"{ms.code} states no target users: its cost per user stays empty until they are typed")
    for table in TABLE_ORDER:
        _insert(plan, r, table)
    r.report.counts = {plan.tables[t].spec.sheet: len(plan.tables[t]) for t in TABLE_ORDER}
    return plan


def _clean(row: dict) -> dict:
    return {k: v for k, v in row.items() if not k.startswith("_") and not (isinstance(v, float) and math.isnan(v))}


def _insert(plan: Plan, r: DocumentReader, table: str) -> None:
    rows = r.rows.get(table, [])
    if not rows:
        return
    try:
        insert_rows(plan, table, len(plan.tables[table]), [_clean(x) for x in rows]).apply(plan)
        return
    except CellError:
        pass
    for row in rows:  # find the rows at fault, keep the others
        try:
            insert_rows(plan, table, len(plan.tables[table]), [_clean(row)]).apply(plan)
        except CellError as e:
            r.report.add(row.get("_line", 0), f"{plan.tables[table].spec.noun}", f"left out: {e.reason}", skipped=True,
                         help="correct the figure in the document or type it into the grid")
