"""Sensitivity: which inputs move the plan's total cost (and its break-even) most.

Each numeric input cell is swung, one at a time, between a low and a high value and the plan is
recomputed (:func:`vivim_planner.engine.economics.economics` on the scenario's plan and band):

* an input with a range on its own row swings across it: an estimate's mid between the row's
  low and high (in the low or high scenario the estimate's low or high column swings +-20%), a role's hourly rate between its rate low and high, a build cost line's or a
  capital line's amount between its low and high, an infrastructure component between its low
  (both ends at low) and its high (both at high);
* any other input swings by +-20% (:data:`DEFAULT_SWING`), kept within its field's bounds.

Left out: what is not an input (stated figures, the scenario tables, text), calendar months
(moving a milestone is not a "more or less" question) and empty cells. The result is ranked by
the spread of total cost (build cost of the band + operating and startup costs over the plan's
months; :attr:`Economics.total_cost`). O(inputs x one recomputation): about a second for the
VIVIM sample, so callers run it on demand, not on every keystroke.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..domain import SPECS, Kind, Plan
from ..domain.overrides import key_field
from .economics import economics
from .rollup import compute
from .scenarios import copy_plan, resolve_scenario

DEFAULT_SWING = 0.20
"""+-20% when an input has no low / high of its own (issue 5)."""

SKIP_TABLES = frozenset({"stated_figures", "usage_figures", "scenarios", "scenario_overrides", "economics_figures"})
SKIP_FIELDS = frozenset({"stated_cost", "decimals"})
# a field swung across a range held by two other fields of its row
RANGES = {
    ("estimates", "mid"): ("low", "high"),
    ("roles", "hourly_rate"): ("hourly_rate_low", "hourly_rate_high"),
    ("build_items", "amount"): ("low", "high"),
    ("capital", "amount"): ("low", "high"),
}
# range ends that are not swung on their own (their row's point value is)
RANGE_ENDS = {("estimates", "low"), ("estimates", "high"), ("roles", "hourly_rate_low"),
              ("roles", "hourly_rate_high"), ("build_items", "low"), ("build_items", "high"),
              ("capital", "low"), ("capital", "high"), ("infra_components", "high")}


@dataclass(frozen=True)
class Swing:
    """One input swung: where it is (``table``, ``row_id``, ``field``; ``label`` as a user reads
    it), its ``base`` value and the ``low`` / ``high`` it was set to (``source``: ``"range"`` or
    ``"±20%"``); the plan's total cost at each end (``cost_low``, ``cost_high``) and the
    break-even month and subscribers at each end (``None``: never)."""

    label: str
    table: str
    row_id: int
    field: str
    base: float
    low: float
    high: float
    source: str
    cost_low: float
    cost_high: float
    be_month_low: int | None
    be_month_high: int | None
    be_subs_low: int | None
    be_subs_high: int | None

    @property
    def cost_spread(self) -> float:
        """|total cost at high - total cost at low|, in the plan's currency."""
        return abs(self.cost_high - self.cost_low)

    @property
    def break_even_spread(self) -> float:
        """Spread of the break-even month (months), else of break-even subscribers; a side that
        never breaks even counts as the plan's last month + 1."""
        def val(x: int | None, cap: float) -> float:
            return cap if x is None else float(x)
        m = abs(val(self.be_month_high, 1e3) - val(self.be_month_low, 1e3))
        return m if m else abs(val(self.be_subs_high, 1e9) - val(self.be_subs_low, 1e9)) * 1e-6


@dataclass(frozen=True)
class Tornado:
    """``swings`` ranked by ``by`` (``"cost"`` or ``"break-even"``), biggest first, inputs with
    no effect left out; ``base_cost`` and ``base_break_even_month`` / ``_subscribers`` of the
    scenario; ``inputs``: how many cells were swung."""

    scenario: str
    currency: str
    base_cost: float
    base_break_even_month: int | None
    base_break_even_subscribers: int | None
    swings: list[Swing]
    inputs: int
    by: str = "cost"

    def to_json(self) -> dict:
        return {"scenario": self.scenario, "currency": self.currency, "ranked_by": self.by,
                "base_total_cost": self.base_cost, "base_break_even_month": self.base_break_even_month,
                "base_break_even_subscribers": self.base_break_even_subscribers, "inputs_swung": self.inputs,
                "swings": [{"input": s.label, "sheet": SPECS[s.table].sheet, "field": SPECS[s.table].field(s.field).label,
                            "base": s.base, "low": s.low, "high": s.high, "range": s.source,
                            "total_cost_at_low": s.cost_low, "total_cost_at_high": s.cost_high,
                            "break_even_month_at_low": s.be_month_low, "break_even_month_at_high": s.be_month_high,
                            "break_even_subscribers_at_low": s.be_subs_low,
                            "break_even_subscribers_at_high": s.be_subs_high} for s in self.swings]}


def row_label(plan: Plan, table: str, pos: int) -> str:
    """How a row is named in a tornado: its code / name, else its milestone and first text."""
    spec = SPECS[table]
    t = plan.tables[table]
    key = key_field(spec)
    if key:
        return str(t.get(pos, key))
    parts = []
    for f in spec.fields:
        if f.kind is Kind.REF and t.get(pos, f.name):
            parts.append(plan.ref_label(f.ref_table, t.get(pos, f.name)))
        elif f.kind is Kind.TEXT and t.get(pos, f.name) and f.name not in ("notes", "details", "calculation"):
            parts.append(str(t.get(pos, f.name)))
            break
    return " ".join(parts) or f"row {pos + 2}"


def _inputs(plan: Plan, band: str = "mid") -> list[tuple[str, int, str, float, float, float, str]]:
    """``(table, pos, field, base, low, high, source)`` for every input to swing. Estimates: the
    column of the scenario's band (mid across the row's low-high; low or high by +-20%)."""
    out = []
    skip_estimates = {"low", "mid", "high"} - ({band} if band in ("low", "mid", "high") else set())
    for spec in SPECS.values():
        if spec.name in SKIP_TABLES:
            continue
        t = plan.tables[spec.name]
        for f in spec.fields:
            if not f.is_numeric or f.name in SKIP_FIELDS or f.unit == "month":
                continue
            if spec.name == "estimates":
                if f.name in skip_estimates:
                    continue
            elif (spec.name, f.name) in RANGE_ENDS:
                continue
            col = t.column(f.name)
            for pos in range(len(t)):
                base = float(col[pos])
                lo = hi = math.nan
                pair = RANGES.get((spec.name, f.name))
                if spec.name == "infra_components" and f.name == "low":
                    h = float(t.get(pos, "high"))
                    if math.isnan(base):
                        continue
                    lo, hi = base, (base if math.isnan(h) else h)
                    base = (lo + hi) / 2
                    source = "range" if hi != lo else "±20%"
                elif pair:
                    lo, hi = float(t.get(pos, pair[0])), float(t.get(pos, pair[1]))
                    if math.isnan(base) and not (math.isnan(lo) or math.isnan(hi)):
                        base = (lo + hi) / 2  # a line given as a range: its midpoint
                    source = "range" if not (math.isnan(lo) or math.isnan(hi)) and lo != hi else "±20%"
                else:
                    source = "±20%"
                if math.isnan(base) or (source == "±20%" and base == 0):
                    continue
                if source == "±20%":
                    lo, hi = base * (1 - DEFAULT_SWING), base * (1 + DEFAULT_SWING)
                    if f.minimum is not None:
                        lo, hi = max(lo, f.minimum), max(hi, f.minimum)
                    if f.maximum is not None:
                        lo, hi = min(lo, f.maximum), min(hi, f.maximum)
                    if f.kind is Kind.INTEGER:
                        lo, hi = float(math.floor(lo)), float(math.ceil(hi))
                out.append((spec.name, pos, f.name, base, lo, hi, source))
    return out


def input_count(plan: Plan, band: str = "mid") -> int:
    """How many cells :func:`tornado` would swing (each costs two recomputations)."""
    return len(_inputs(plan, band))


def tornado(plan: Plan, scenario: str = "mid", by: str = "cost", top: int | None = None) -> Tornado:
    """Swing every input of ``plan`` under ``scenario`` and rank them (see the module doc).

    ``by``: ``"cost"`` (spread of total cost) or ``"break-even"`` (spread of the break-even
    month, then subscribers). ``top``: keep the first N. Raises ``ScenarioError`` for an
    unknown scenario. ``plan`` is not changed (a copy is swung).
    """
    resolved = resolve_scenario(plan, scenario)
    work = copy_plan(resolved.plan)
    band = resolved.band
    base = economics(work, band, compute(work))
    swings: list[Swing] = []
    inputs = _inputs(work, band)
    for table, pos, name, value, lo, hi, source in inputs:
        t = work.tables[table]
        both = table == "infra_components" and name == "low"
        saved = (t.get(pos, "low"), t.get(pos, "high")) if both else t.get(pos, name)
        ends = []
        for v in (lo, hi):
            if both:
                t.set(pos, "low", v)
                t.set(pos, "high", v)
            else:
                t.set(pos, name, v)
            ends.append(economics(work, band, compute(work)))
        if both:
            t.set(pos, "low", saved[0])
            t.set(pos, "high", saved[1])
        else:
            t.set(pos, name, saved)
        e_lo, e_hi = ends
        s = Swing(f"{SPECS[table].sheet} · {row_label(work, table, pos)} · "
                  f"{'Cost' if both else SPECS[table].field(name).label}",
                  table, int(t.ids[pos]), name, value, lo, hi, source, e_lo.total_cost, e_hi.total_cost,
                  e_lo.break_even_month, e_hi.break_even_month, e_lo.break_even_subscribers, e_hi.break_even_subscribers)
        if s.cost_spread > 1e-9 or s.break_even_spread > 0:
            swings.append(s)
    key = (lambda s: (s.break_even_spread, s.cost_spread)) if by == "break-even" else (lambda s: (s.cost_spread, s.break_even_spread))
    swings.sort(key=key, reverse=True)
    if by == "break-even":
        swings = [s for s in swings if s.break_even_spread > 0]
    if top is not None:
        swings = swings[:top]
    return Tornado(resolved.name, plan.settings.currency, base.total_cost, base.break_even_month,
                   base.break_even_subscribers, swings, len(inputs), by)
