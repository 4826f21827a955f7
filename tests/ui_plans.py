"""A small plan for window tests, built through the same command factories the app uses."""

from __future__ import annotations

from pathlib import Path

from vivim_planner.commands import insert_rows
from vivim_planner.domain import Plan, PlanSettings
from vivim_planner.storage import PlanDocument

ROWS = [
    ("milestones", [
        {"code": "M1", "name": "Foundation", "start_month": 1, "end_month": 3, "target_users": 500},
        {"code": "M2", "name": "Atomic Chat Units", "start_month": 3, "end_month": 5, "target_users": 2500},
    ]),
    ("roles", [{"name": "Senior Developer", "hourly_rate": 85}, {"name": "Designer", "hourly_rate": 65}]),
    ("allocations", [
        {"milestone": "M1", "role": "Senior Developer", "title": "Senior Backend Engineer", "months": 3, "fte": 1,
         "stated_cost": 61200},
        {"milestone": "M1", "role": "Senior Developer", "title": "DevOps", "hourly_rate": 80, "months": 3,
         "fte": 0.5, "stated_cost": 9600},
        {"milestone": "M2", "role": "Designer", "months": 2, "fte": 0.5},
    ]),
    ("build_items", [
        {"milestone": "M1", "category": "Infrastructure", "description": "Cloud", "amount": 1500},
        {"milestone": "M1", "category": "Legal", "description": "ToS", "low": 500, "high": 2000},
    ]),
    ("estimates", [{"milestone": "M1", "category": "Legal", "low": 500, "mid": 2500, "high": 8000}]),
    ("operating_costs", [
        {"milestone": "M1", "driver": "Compute", "quantity": 2, "unit_cost": 15, "stated_cost": 30},
        {"milestone": "M2", "driver": "Database", "amount": 25},
    ]),
    ("revenues", [{"milestone": "M2", "source": "API", "amount": 10}]),
]


def small_plan() -> Plan:
    """Two milestones, two roles, three team lines (one with a wrong stated cost)."""
    plan = Plan(PlanSettings(name="Demo", hours_per_month=240))
    for table, rows in ROWS:
        insert_rows(plan, table, 0, rows).apply(plan)
    return plan


def small_plan_file(folder: Path) -> Path:
    path = Path(folder) / "demo.vivim"
    PlanDocument.create(path, small_plan()).close()
    return path
