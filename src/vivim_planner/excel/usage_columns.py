"""Helper columns of the usage model's grids that the *Cost at users* sheet reads (the rules of
:mod:`vivim_planner.engine.usage`):

* **Infra components**: low used (empty: 0), high used (empty: the low), and for a component
  with an option the option's total low / high in its tier (an option may have several rows).
* **Infra tiers**: low / high per month = the components without an option plus, of the
  options, the cheapest low and the dearest high.
* **Meters**: per user in the meter's billing unit (the driver's per user x the unit
  conversion, a factor written at export: retype it if you change a unit) and the price of one
  billing unit (unit price / per; empty: a hard limit).

Every helper is a number (0 for an empty row) except the price of a hard limit, which is empty.
"""

from __future__ import annotations

import math

import numpy as np

from ..domain import Plan
from ..domain.units import conversion
from ..domain.usage_schema import INFRA_COMPONENTS, USAGE_DRIVERS
from ..engine import PlanResult
from .formulas import Derived, lookup_value, nth, whole_column
from .helper_columns import rows_range


def _usage(plan: Plan):  # noqa: ANN202 - UsageModel
    from ..engine.usage import UsageModel

    return UsageModel(plan)


def component_columns(plan: Plan) -> tuple[Derived, ...]:
    comps = plan.tables["infra_components"]
    n = len(comps)
    tier_r = rows_range(INFRA_COMPONENTS, INFRA_COMPONENTS.column_index("tier"), n)
    opt_r = rows_range(INFRA_COMPONENTS, INFRA_COMPONENTS.column_index("option"), n)
    n_in = len(INFRA_COMPONENTS.fields)
    low_r, high_r = rows_range(INFRA_COMPONENTS, n_in, n), rows_range(INFRA_COMPONENTS, n_in + 1, n)

    def used(p: Plan) -> tuple[np.ndarray, np.ndarray]:
        c = p.tables["infra_components"]
        lo = np.asarray(c.column("low"), dtype=float)
        hi = np.asarray(c.column("high"), dtype=float)
        lo = np.nan_to_num(lo)
        hi = np.nan_to_num(np.where(np.isnan(hi), lo, hi))
        return lo, hi

    def option_total(p: Plan, k: int) -> np.ndarray:
        c = p.tables["infra_components"]
        vals = used(p)[k]
        tiers, opts = c.column("tier"), list(c.column("option"))
        out = np.zeros(len(c))
        for i in range(len(c)):
            if opts[i]:
                same = [j for j in range(len(c)) if tiers[j] == tiers[i] and opts[j] == opts[i]]
                out[i] = float(sum(vals[j] for j in same))
        return out

    def total(key: str):  # noqa: ANN202
        def formula(refs: dict[str, str], p: int) -> str:
            return (f'=IF({refs["option"]}="",0,SUMPRODUCT(({tier_r}={refs["tier"]})*({opt_r}={refs["option"]}),'
                    f"{low_r if key == 'low' else high_r}))")
        return formula

    return (
        Derived("low_used", "Low used", lambda refs, p: f"=N({refs['low']})", lambda p, r: used(p)[0], "money",
                "Low; empty: 0", blank=0.0),
        Derived("high_used", "High used", lambda refs, p: f'=IF({refs["high"]}="",N({refs["low"]}),{refs["high"]})',
                lambda p, r: used(p)[1], "money", "High; empty: the low", blank=0.0),
        Derived("option_low", "Option's low", total("low"), lambda p, r: option_total(p, 0), "money",
                "All rows of this option in this tier (0 for a component without an option)", blank=0.0),
        Derived("option_high", "Option's high", total("high"), lambda p, r: option_total(p, 1), "money",
                "All rows of this option in this tier", blank=0.0),
    )


def tier_columns(plan: Plan) -> tuple[Derived, ...]:
    from .formulas import derived_columns

    n = len(plan.tables["infra_components"])
    keys = [d.key for d in derived_columns(INFRA_COMPONENTS, plan)]
    n_in = len(INFRA_COMPONENTS.fields)
    rng = {k: rows_range(INFRA_COMPONENTS, n_in + keys.index(k), n)
           for k in ("low_used", "high_used", "option_low", "option_high")}
    tier_r = rows_range(INFRA_COMPONENTS, INFRA_COMPONENTS.column_index("tier"), n)
    opt_r = rows_range(INFRA_COMPONENTS, INFRA_COMPONENTS.column_index("option"), n)
    def band(k: int):  # noqa: ANN202
        def formula(refs: dict[str, str], p: int) -> str:
            me = f"({tier_r}={refs['name']})"
            fixed = f'SUMPRODUCT({me}*({opt_r}=""),{rng["low_used" if k == 0 else "high_used"]})'
            has = f'SUMPRODUCT({me}*({opt_r}<>""))'
            if k == 0:
                pick = f'SUMPRODUCT(MIN((1-{me}*({opt_r}<>""))*1E+300+{rng["option_low"]}))'
            else:
                pick = f'SUMPRODUCT(MAX({me}*({opt_r}<>"")*{rng["option_high"]}))'
            return f"={fixed}+IF({has}>0,{pick},0)"
        return formula

    def values(p: Plan, k: int) -> np.ndarray:
        bands = _usage(p).tier_bands
        return np.asarray([bands[str(t).casefold()][k] for t in p.tables["infra_tiers"].column("name")], dtype=float)

    return (
        Derived("tier_low", "Low / month", band(0), lambda p, r: values(p, 0), "money",
                "Components without an option + the cheapest option's low", blank=0.0),
        Derived("tier_high", "High / month", band(1), lambda p, r: values(p, 1), "money",
                "Components without an option + the dearest option's high", blank=0.0),
    )


def meter_columns(plan: Plan) -> tuple[Derived, ...]:
    meters, drivers = plan.tables["meters"], plan.tables["usage_drivers"]
    d_pos = {int(i): p for p, i in enumerate(drivers.ids)}
    d_names = [plan.ref_label("usage_drivers", int(d)) for d in meters.column("driver")]
    factors = []
    for p in range(len(meters)):
        d = d_pos.get(int(meters.get(p, "driver")))
        factors.append(conversion(drivers.get(d, "unit"), meters.get(p, "unit")) if d is not None else 0.0)
    per_user = whole_column(USAGE_DRIVERS.sheet, USAGE_DRIVERS.column_index("per_user"))
    names = whole_column(USAGE_DRIVERS.sheet, USAGE_DRIVERS.column_index("name"))

    def a_formula(refs: dict[str, str], p: int) -> str:
        f = factors[p] if p < len(factors) else 1.0
        look = f"INDEX({per_user},MATCH({lookup_value(refs['driver'], nth(d_names, p))},{names},0))"
        return f"=IFERROR(N({look})*{f!r},0)"

    def a_values(p: Plan, r: PlanResult) -> np.ndarray:
        m, dr = p.tables["meters"], p.tables["usage_drivers"]
        pos = {int(i): q for q, i in enumerate(dr.ids)}
        return np.asarray([float(dr.get(pos[int(m.get(q, "driver"))], "per_user")) * factors[q]
                           for q in range(len(m))], dtype=float)

    def w_values(p: Plan, r: PlanResult) -> list:
        m = p.tables["meters"]
        out = []
        for q in range(len(m)):
            price, per = float(m.get(q, "unit_price")), float(m.get(q, "per"))
            per = 1.0 if math.isnan(per) or per <= 0 else per
            out.append(math.nan if math.isnan(price) else price / per)
        return np.asarray(out, dtype=float)

    return (
        Derived("per_user_units", "Per user (billing units)", a_formula, a_values, "number",
                "The driver's per user per month x the conversion to this billing unit (a factor: retype it "
                "if you change a unit)", blank=0.0),
        Derived("unit_price_one", "Price per billing unit", lambda refs, p: (
            f'=IF({refs["unit_price"]}="","",{refs["unit_price"]}/IF(N({refs["per"]})<=0,1,{refs["per"]}))'),
            w_values, "cost_per_user", "Unit price / per; empty: a hard limit (the plan cannot exceed the quota)"),
    )
