"""Plan vs actual, and the re-forecast: what was really spent and earned beside the timeline.

:func:`plan_vs_actual` reads a :class:`~.timeline.Timeline` (the plan's months) and the plan's
*Actuals* rows and gives, per category and month:

* **planned**: the timeline's own figure. A build category is its row of
  ``build_by_category``; an operating component its row of ``operating_by_component``;
  ``Startup costs``, ``Payment fees`` and ``Revenue`` the timeline's ``startup_costs``, ``fees``
  and ``revenue``. The spend categories add up to the timeline's build spend + operating cost +
  fees + startup costs, so planned revenue - planned spend + capital in = its net cash flow.
* **actual**: the sum of the actuals of that month and category. A month with any actual is
  *closed*: every category of it reads from the actuals (a category without one spent 0), as a
  month whose books are closed does.
* **variance** = actual - planned, and **variance %** = variance / planned, in closed months
  (NaN in open months; the % is NaN where nothing was planned). For Revenue a positive variance
  is more money earned; for spend it is an overspend.

The **re-forecast** replaces, in closed months, the plan's revenue and spend by the actuals and
keeps the plan's figures in every other month: its cash is the plan's cash minus the running
sum of the net overspend (overspend - extra revenue), and its runway follows from that cash by
the timeline's own rule (:func:`.timeline.runway`). The plan's cash and runway stay beside it.

Actuals in a category the plan no longer has (a build category renamed after the fact) are kept
as their own rows with nothing planned; actuals in months past the timeline's end are counted in
``notes`` and left out. Pure; no Qt, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..domain import Plan, text_key
from ..domain.actuals_schema import PAYMENT_FEES, REVENUE, STARTUP_COSTS
from .timeline import Timeline, runway

KINDS = ("build", "operating", "startup", "fees", "revenue", "unplanned")
"""What a category row is: a build category, an operating component, startup costs, payment
fees, revenue, or a category only the actuals name."""


@dataclass(frozen=True)
class Amendment:
    """One recorded budget change: milestone code, category, estimate bound (low / mid / high),
    old and new budget (``None``: bottom-up), when (UTC text) and why."""

    milestone: str
    category: str
    bound: str
    old: float | None
    new: float | None
    when: str
    why: str


@dataclass(frozen=True)
class PlanVsActual:
    """Plan vs actual of one timeline. Matrices are categories x months (C, H) in the order of
    ``categories`` / ``kinds``; vectors follow the months 1..H. Money in ``currency`` per month.

    ``closed`` (H,) bool: months holding any actual. ``planned``, ``actual`` (0 in open months),
    ``variance`` and ``variance_pct`` (NaN in open months). ``spend_planned`` / ``spend_actual``
    (H,): all spend categories (``spend_actual`` is the plan's in open months, i.e. the
    re-forecast's spend); ``revenue_actual`` likewise. ``cumulative_planned`` (H,) and
    ``cumulative_actual`` (H,; NaN after the last closed month): spend to date.
    ``plan_cash`` / ``plan_runway``: the timeline's; ``cash`` / ``runway``: the re-forecast's.
    """

    currency: str
    labels: tuple[str, ...]
    months: np.ndarray
    categories: tuple[str, ...]
    kinds: tuple[str, ...]
    planned: np.ndarray
    actual: np.ndarray
    closed: np.ndarray
    variance: np.ndarray
    variance_pct: np.ndarray
    spend_planned: np.ndarray
    spend_actual: np.ndarray
    revenue_actual: np.ndarray
    cumulative_planned: np.ndarray
    cumulative_actual: np.ndarray
    plan_cash: np.ndarray
    cash: np.ndarray
    plan_runway: float | None
    runway: float | None
    amendments: tuple[Amendment, ...]
    notes: list[str] = field(default_factory=list)

    @property
    def closed_months(self) -> list[int]:
        """The closed months (1-based), in order."""
        return [int(m) for m in self.months[self.closed]]

    @property
    def last_closed_month(self) -> int | None:
        c = self.closed_months
        return c[-1] if c else None

    def to_date(self) -> dict[str, np.ndarray]:
        """Per category over the closed months: ``planned``, ``actual``, ``variance`` (actual -
        planned) and ``variance_pct`` (NaN where nothing was planned)."""
        p = self.planned[:, self.closed].sum(axis=1)
        a = self.actual[:, self.closed].sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            pct = np.where(p != 0, (a - p) / np.where(p != 0, p, 1.0), np.nan)
        return {"planned": p, "actual": a, "variance": a - p, "variance_pct": pct}

    @property
    def overspend(self) -> float:
        """Spend beyond the plan over the closed months less revenue beyond it (what the
        re-forecast's cash is lower than the plan's from the last closed month on)."""
        return float(self.plan_cash[-1] - self.cash[-1]) if len(self.months) else 0.0


def _plan_rows(tl: Timeline) -> tuple[list[str], list[str], list[np.ndarray]]:
    names, kinds, rows = [], [], []
    for name, values in zip(tl.build_categories, tl.build_by_category):
        names.append(name), kinds.append("build"), rows.append(values)
    for name, values in zip(tl.operating_names, tl.operating_by_component):
        names.append(name), kinds.append("operating"), rows.append(values)
    for name, kind, values in ((STARTUP_COSTS, "startup", tl.startup_costs), (PAYMENT_FEES, "fees", tl.fees),
                               (REVENUE, "revenue", tl.revenue)):
        names.append(name), kinds.append(kind), rows.append(values)
    return names, kinds, rows


def _amendments(plan: Plan) -> tuple[Amendment, ...]:
    t = plan.tables["budget_amendments"]
    out = []
    for p in range(len(t)):
        r = t.row(p)
        old, new = float(r["old_value"]), float(r["new_value"])
        out.append(Amendment(plan.ref_label("milestones", int(r["milestone"])), str(r["category"]), str(r["bound"]),
                             None if old != old else old, None if new != new else new, str(r["changed_at"]),
                             str(r["reason"])))
    return tuple(out)


def plan_vs_actual(plan: Plan, tl: Timeline) -> PlanVsActual:
    """Plan vs actual and the re-forecast of ``plan``'s actuals against ``tl`` (the timeline of
    the same plan, or of the scenario the view shows). Never raises for odd data."""
    H = tl.horizon
    names, kinds, rows = _plan_rows(tl)
    index = {}
    for i, n in enumerate(names):
        index.setdefault(text_key(n), i)
    acts = plan.tables["actuals"]
    month = np.asarray(acts.column("month"), dtype=float)
    amount = np.nan_to_num(np.asarray(acts.column("amount"), dtype=float))
    notes: list[str] = []
    cat = np.empty(len(acts), dtype=np.int64)
    for k, c in enumerate(acts.column("category")):
        key = text_key(c)
        if key not in index:
            index[key] = len(names)
            names.append(str(c).strip()), kinds.append("unplanned"), rows.append(np.zeros(H))
        cat[k] = index[key]
    inside = (month >= 1) & (month <= H)
    if (~inside).any():
        n = int((~inside).sum())
        notes.append(f"{n} actual{'s' * (n != 1)} fall{'s' * (n == 1)} after the plan's last month ({H}) and "
                     f"{'is' if n == 1 else 'are'} left out; extend the plan's horizon to count them")
    C = len(names)
    planned = np.vstack(rows) if C and H else np.zeros((C, H))
    actual = np.zeros((C, H))
    np.add.at(actual, (cat[inside], month[inside].astype(np.int64) - 1), amount[inside])
    closed = np.zeros(H, dtype=bool)
    closed[month[inside].astype(np.int64) - 1] = True
    actual[:, ~closed] = 0.0
    variance = np.where(closed[None, :], actual - planned, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(closed[None, :] & (planned != 0), variance / np.where(planned != 0, planned, 1.0), np.nan)
    is_revenue = np.array([k == "revenue" for k in kinds], dtype=bool)
    spend_planned = planned[~is_revenue].sum(axis=0)
    spend_actual = np.where(closed, actual[~is_revenue].sum(axis=0), spend_planned)
    revenue_actual = np.where(closed, actual[is_revenue].sum(axis=0), tl.revenue)
    net = tl.capital_in + revenue_actual - spend_actual
    cumulative_actual = np.cumsum(spend_actual)
    last = int(np.flatnonzero(closed)[-1]) if closed.any() else -1
    cumulative_actual[last + 1:] = np.nan
    has_capital = tl.capital_in.sum() > 0
    return PlanVsActual(
        currency=tl.currency, labels=tl.labels, months=tl.months, categories=tuple(names), kinds=tuple(kinds),
        planned=planned, actual=actual, closed=closed, variance=variance, variance_pct=pct,
        spend_planned=spend_planned, spend_actual=spend_actual, revenue_actual=revenue_actual,
        cumulative_planned=np.cumsum(spend_planned), cumulative_actual=cumulative_actual,
        plan_cash=tl.cash, cash=np.cumsum(net), plan_runway=tl.runway_months,
        runway=runway(net) if has_capital else None, amendments=_amendments(plan), notes=notes)
