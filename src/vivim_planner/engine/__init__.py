"""Engine: pure, vectorized computation over a plan (roll-ups, bottom-up, audit, summary)."""

from .audit import Finding, audit, metric_values
from .rollup import PERSONNEL, SCENARIOS, PlanResult, category_key, compute
from .summary import SCENARIO_NAMES, summary
from .economics import Economics, economics
from .scenarios import ScenarioError, resolve_scenario, scenario_names
from .sensitivity import Tornado, tornado

__all__ = ["Economics", "Finding", "PERSONNEL", "PlanResult", "SCENARIOS", "SCENARIO_NAMES", "ScenarioError",
           "Tornado", "audit", "category_key", "compute", "economics", "metric_values", "resolve_scenario",
           "scenario_names", "summary", "tornado"]
