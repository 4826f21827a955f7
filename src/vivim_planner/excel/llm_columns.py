"""LLM token economics and the pricing tiers' margins as formula columns (issue 10, items 2-3),
the rules of :mod:`vivim_planner.engine.usage` and :mod:`vivim_planner.engine.pricing`:

* **LLM activities**: billable input per session = fresh input + cached input x the model's
  cache-read multiplier; cost per session = (billable input x input price + output x output
  price) / 1,000,000 x (1 - batch share x the model's batch discount); prices per MTok.
* **Segment usage**: cost per user = sessions per user per month x the activity's cost per
  session. **Segments**: LLM cost per user = the sum over its usage rows.
* **Pricing**: cost per user used = the tier's own figure, else its usage segment's LLM cost
  per user, else 0; contribution = price - fees - cost per user; margin = contribution / price
  (seed 003: Prism ($4.99 - fees - $0.63) / $4.99).

Money per month in the plan's currency.
"""

from __future__ import annotations

import numpy as np

from ..domain import Plan
from ..domain.usage_schema import LLM_ACTIVITIES, LLM_MODELS, SEGMENT_USAGE, SEGMENTS
from ..engine import PlanResult
from .formulas import Derived, lookup_value, nth, whole_column


def _col(spec, field: str) -> str:  # noqa: ANN001 - TableSpec
    return whole_column(spec.sheet, spec.column_index(field))


def _derived_col(spec, plan: Plan, key: str) -> str:  # noqa: ANN001
    from .formulas import derived_columns

    keys = [d.key for d in derived_columns(spec, plan)]
    return whole_column(spec.sheet, len(spec.fields) + keys.index(key))


def _usage(plan: Plan):  # noqa: ANN202 - UsageModel
    from ..engine.usage import UsageModel

    return UsageModel(plan)


def activity_columns(plan: Plan) -> tuple[Derived, ...]:
    acts = plan.tables["llm_activities"]
    models = [plan.ref_label("llm_models", int(m)) for m in acts.column("model")]
    names = _col(LLM_MODELS, "name")

    def look(refs: dict[str, str], p: int, field: str) -> str:
        return f"INDEX({_col(LLM_MODELS, field)},MATCH({lookup_value(refs['model'], nth(models, p))},{names},0))"

    def billable(refs: dict[str, str], p: int) -> str:
        return f"=N({refs['input_tokens']})+N({refs['cached_tokens']})*N({look(refs, p, 'cache_read')})"

    def cost(refs: dict[str, str], p: int) -> str:
        list_cost = (f"({refs['billable']}*{look(refs, p, 'input_price')}"
                     f"+N({refs['output_tokens']})*{look(refs, p, 'output_price')})/1000000")
        return f"=IFERROR({list_cost}*(1-N({refs['batch_share']})*N({look(refs, p, 'batch_discount')})),0)"

    def values(p: Plan, k: int) -> np.ndarray:
        um = _usage(p)
        return np.asarray([um.activity_cost[int(i)][k] for i in p.tables["llm_activities"].ids], dtype=float)

    return (
        Derived("billable", "Billable input / session", billable, lambda p, r: values(p, 2), "number",
                "Fresh input + cached input x the model's cache-read multiplier (tokens)", blank=0.0),
        Derived("session_cost", "Cost / session", cost, lambda p, r: values(p, 0), "cost_per_user",
                "(Billable input x input price + output x output price) / 1M, less batch share x batch discount",
                blank=0.0),
    )


def segment_usage_columns(plan: Plan) -> tuple[Derived, ...]:
    use = plan.tables["segment_usage"]
    acts = [plan.ref_label("llm_activities", int(a)) for a in use.column("activity")]
    act_names = _col(LLM_ACTIVITIES, "name")
    act_cost = _derived_col(LLM_ACTIVITIES, plan, "session_cost")

    def cost(refs: dict[str, str], p: int) -> str:
        return (f"=IFERROR(N({refs['sessions']})*INDEX({act_cost},MATCH("
                f"{lookup_value(refs['activity'], nth(acts, p))},{act_names},0)),0)")

    def values(p: Plan, r: PlanResult) -> np.ndarray:
        um = _usage(p)
        u = p.tables["segment_usage"]
        return np.asarray([np.nan_to_num(u.get(q, "sessions")) * um.activity_cost[int(u.get(q, "activity"))][0]
                           for q in range(len(u))], dtype=float)

    return (Derived("user_cost", "LLM cost / user", cost, values, "cost_per_user",
                    "Sessions per user per month x the activity's cost per session", blank=0.0),)


def segment_columns(plan: Plan) -> tuple[Derived, ...]:
    from .formulas import criterion

    names = list(plan.tables["segments"].column("name"))
    cost = _derived_col(SEGMENT_USAGE, plan, "user_cost")
    seg = _col(SEGMENT_USAGE, "segment")

    def formula(refs: dict[str, str], p: int) -> str:
        return f"=SUMIFS({cost},{seg},{criterion(refs['name'], nth(names, p))})"

    return (Derived("llm_cost", "LLM cost per user", formula,
                    lambda p, r: np.asarray([s.cost for s in _usage(p).segments], dtype=float), "cost_per_user",
                    "Sum of the segment's usage rows (sheet Segment usage), per user per month", blank=0.0),)


def tier_columns(plan: Plan) -> tuple[Derived, ...]:
    from ..engine.pricing import tier_economics

    t = plan.tables["pricing_tiers"]
    segs = [plan.ref_label("segments", int(s)) if int(s) else "" for s in t.column("segment")]
    seg_names = _col(SEGMENTS, "name")
    seg_cost = _derived_col(SEGMENTS, plan, "llm_cost")

    def tiers(p: Plan) -> list:
        return tier_economics(p, _usage(p))

    def cpu(refs: dict[str, str], p: int) -> str:
        seg = f"IFERROR(INDEX({seg_cost},MATCH({lookup_value(refs['segment'], nth(segs, p))},{seg_names},0)),0)"
        return f'=IF({refs["cost_per_user"]}<>"",{refs["cost_per_user"]},IF({refs["segment"]}="",0,{seg}))'

    def contribution(refs: dict[str, str], p: int) -> str:
        return f"={refs['price_used']}-{refs['fees']}-{refs['cpu_used']}"

    def margin(refs: dict[str, str], p: int) -> str:
        return f'=IF({refs["price_used"]}>0,{refs["contribution"]}/{refs["price_used"]},"")'

    return (
        Derived("cpu_used", "Cost per user used", cpu, lambda p, r: [x.cost_per_user for x in tiers(p)],
                "cost_per_user", "Cost per user, else its usage segment's LLM cost per user (sheet Segments)",
                blank=0.0),
        Derived("contribution", "Contribution / subscriber", contribution,
                lambda p, r: [x.contribution for x in tiers(p)], "cost_per_user",
                "Price - fees - cost per user, per subscriber-month", blank=0.0),
        Derived("margin", "Gross margin", margin, lambda p, r: [x.margin for x in tiers(p)], "percent",
                "Contribution / price (paid tiers)"),
    )


__all__ = ["activity_columns", "segment_columns", "segment_usage_columns", "tier_columns"]
