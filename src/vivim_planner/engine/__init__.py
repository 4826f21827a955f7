"""Engine: pure, vectorized computation over a plan (roll-ups, bottom-up, audit, summary)."""

from .audit import Finding, audit, metric_values
from .rollup import PERSONNEL, SCENARIOS, PlanResult, category_key, compute
from .summary import SCENARIO_NAMES, summary

__all__ = ["Finding", "PERSONNEL", "PlanResult", "SCENARIOS", "SCENARIO_NAMES", "audit", "category_key",
           "compute", "metric_values", "summary"]
