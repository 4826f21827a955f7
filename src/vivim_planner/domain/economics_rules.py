"""Row rules of the economics tables, called from :meth:`Plan.check_row` with the row as it
would be after an edit. Each refusal goes through ``fail(field, reason)``, which raises a
:class:`~vivim_planner.domain.errors.CellError` at that field's cell, e.g.
``Dividends!C2: Users' share 70% and platform share 20% add up to 90%; they must add up to 100%``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Callable, Mapping

from .errors import FieldError
from .overrides import resolve

if TYPE_CHECKING:  # pragma: no cover
    from .plan import Plan

Fail = Callable[[str, str], None]


def _pct(x: float) -> str:
    return f"{x * 100:.4g}%"


def check_economics_row(plan: "Plan", table: str, values: Mapping[str, object], row_id: int | None,
                        fail: Fail) -> None:
    """Rules: the paying shares of all tiers add up to at most 100%; a dividend policy's two
    shares add up to 100%; a scenario is not based on itself (directly or through others); an
    override names a sheet, row and column that exist and holds a value that cell accepts."""
    if table == "pricing_tiers":
        conv = float(values.get("conversion", math.nan))
        if not math.isnan(conv):
            t = plan.tables["pricing_tiers"]
            others = [float(v) for i, v in zip(t.ids, t.column("conversion"))
                      if (row_id is None or int(i) != row_id) and not math.isnan(v)]
            total = conv + sum(others)
            if total > 1 + 1e-9:
                fail("conversion", f"Paying shares of all tiers would add up to {_pct(total)}; "
                                   f"at most 100% of active users can be on a tier")
    elif table == "dividend_policies":
        u, p = float(values.get("users_share", math.nan)), float(values.get("platform_share", math.nan))
        if not math.isnan(u) and not math.isnan(p) and abs(u + p - 1.0) > 1e-9:
            fail("platform_share", f"Users' share {_pct(u)} and platform share {_pct(p)} add up to "
                                   f"{_pct(u + p)}; they must add up to 100%")
    elif table == "scenarios":
        base = int(values.get("based_on") or 0)
        if base and row_id is not None:
            t = plan.tables["scenarios"]
            seen, rid = [], base
            while rid and t.has_id(rid) and rid not in seen:
                if rid == row_id:
                    fail("based_on", f'Scenario "{values.get("name")}" cannot be based on itself'
                                     + ("" if base == row_id else " (through " +
                                        " → ".join(t.get(t.position(i), "name") for i in seen) + ")"))
                seen.append(rid)
                rid = int(t.get(t.position(rid), "based_on"))
    elif table == "scenario_overrides":
        sheet, row, column = (str(values.get(k) or "") for k in ("sheet", "row", "field"))
        if not (sheet and row and column):
            return  # required fields are checked before this rule
        try:
            target = resolve(plan, sheet, row, column)
        except FieldError as e:
            fail(getattr(e, "part", "sheet"), e.reason)
            return
        from .schema import SPECS

        spec = SPECS[target.table]
        try:
            plan.parse_value(spec, spec.field(target.field), values.get("value"))
        except FieldError as e:
            fail("value", f"{e.reason} (the scenario's value for {spec.sheet} {row} {spec.field(target.field).label})")
