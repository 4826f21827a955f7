"""Row rule of the *Uncertainty* table, called from :meth:`Plan.check_row`: the row names an
input the simulation can draw, with a range that input accepts, e.g.
``Uncertainty!E2: Low 12 is above high 9`` or ``Uncertainty!C2: Column Notes of Pricing is not
an input the simulation draws; use one of Monthly price, Paying share``."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Callable, Mapping

from .errors import FieldError
from .overrides import resolve
from .uncertainty_schema import EXPLICIT, RANGED

if TYPE_CHECKING:  # pragma: no cover
    from .plan import Plan

Fail = Callable[[str, str], None]


def drawable_fields(table: str) -> list[str]:
    """Fields of ``table`` the simulation can draw (ranged and explicit inputs)."""
    return [f for (t, f) in list(RANGED) + sorted(EXPLICIT) if t == table]


def check_uncertainty_row(plan: "Plan", values: Mapping[str, object], fail: Fail) -> None:
    """Refuse a row whose sheet / row / column names no drawable input, whose low is above its
    high, whose range the input's own column would refuse, which gives no range for an input
    without one of its own, or whose group is not a row of *Correlation groups*."""
    from .schema import SPECS

    sheet, row, column = (str(values.get(k) or "") for k in ("sheet", "row", "field"))
    if not (sheet and row and column):
        return  # required fields are checked before this rule
    try:
        target = resolve(plan, sheet, row, column)
    except FieldError as e:
        fail(getattr(e, "part", "sheet"), e.reason)
        return
    spec = SPECS[target.table]
    key = (target.table, target.field)
    if key not in RANGED and key not in EXPLICIT:
        names = ", ".join(spec.field(f).label for f in drawable_fields(target.table))
        hint = f"; use one of {names}" if names else f"; {spec.sheet} holds no input it draws"
        fail("field", f"Column {spec.field(target.field).label} of {spec.sheet} is not an input the simulation "
                      f"draws{hint}")
    lo, hi = float(values.get("low", math.nan)), float(values.get("high", math.nan))
    fixed = values.get("distribution") == "fixed"
    if not fixed and key in EXPLICIT and (math.isnan(lo) or math.isnan(hi)):
        fail("low" if math.isnan(lo) else "high",
             f"{spec.sheet} {spec.field(target.field).label} has no range of its own: give its low and high")
    if not math.isnan(lo) and not math.isnan(hi) and lo > hi:
        fail("high", f"High {hi:,.6g} is below low {lo:,.6g}")
    f = spec.field(target.field)
    for name, v in (("low", lo), ("high", hi)):
        if not math.isnan(v):
            try:
                f.parse(v)
            except FieldError as e:
                fail(name, f"{e.reason} ({spec.sheet} {row} {f.label} is drawn up to this value)")
    group = str(values.get("correlation_group") or "").strip()
    if group and plan.find_ref("correlation_groups", group) is None:
        fail("correlation_group", f'Group "{group}" is not a row of Correlation groups; add it there first')
