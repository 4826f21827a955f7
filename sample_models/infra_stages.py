"""Build ``sample_models/infra_stages.vivim`` from seed 002 (Real Infrastructure Costs: from
zero to planetary scale).

The four stages become infrastructure tiers by user count, each with its components' monthly
low / high; Stage 1's two options (A: a VPS, B: managed Kubernetes) are alternatives. The
cloud provider comparison is a reference tier (no user range, so not on the curve) whose
options are the providers. Each stage's headline cost and its "Total" line are stated figures,
so the audit shows where the seed's totals disagree with its own components.

Run: ``python sample_models/infra_stages.py [OUT.vivim]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from vivim_planner.domain import Plan, PlanSettings
from vivim_planner.storage import PlanDocument

DEFAULT_OUT = Path(__file__).resolve().parent / "infra_stages.vivim"
NAN = float("nan")

# tier, users from, users to, [(component, option, low, high)], [(label, low, high)]
STAGES = [
    ("Stage 0: Local development", 0, 0,
     [("Docker Compose on your machine", "", 0, 0)],
     [("Current State (Docker Compose): Monthly Cost", 0, 0)]),
    ("Stage 1: First production", 1, 1_000,
     [("DigitalOcean/Linode VPS (4GB RAM, 2 CPUs, 80GB SSD)", "A: Simple VPS", 40, 80),
      ("DigitalOcean Kubernetes (3 small nodes, $24 each)", "B: Managed Kubernetes", 72, 72)],
     [("Stage 1 headline: Monthly Cost", 50, 150)]),
    ("Stage 2: Growing community", 1_000, 10_000,
     [("Kubernetes cluster (3-5 nodes, 8-16GB RAM)", "", 200, 400),
      ("Managed database (PostgreSQL/MySQL)", "", 50, 150),
      ("Redis cache", "", 25, 50),
      ("Load balancer", "", 20, 20),
      ("CDN (Cloudflare)", "", 20, 200),
      ("Monitoring", "", 0, 50),
      ("Object storage", "", 5, 25)],
     [("Stage 2 headline: Monthly Cost", 300, 800), ("Stage 2 Typical Setup: Total", 320, 895)]),
    ("Stage 3: Regional platform", 10_000, 100_000,
     [("Primary: K8s cluster (10-20 nodes)", "", 800, 1_600),
      ("Primary: managed database (HA)", "", 300, 600),
      ("Primary: Redis cluster", "", 200, 400),
      ("Primary: Elasticsearch", "", 200, 500),
      ("Secondary (DR): K8s cluster (5-10 nodes)", "", 400, 800),
      ("Secondary (DR): database replica", "", 150, 300),
      ("Global: CDN (high traffic)", "", 200, 1_000),
      ("Global: load balancing", "", 100, 200),
      ("Global: monitoring/logging", "", 200, 500),
      ("Global: CI/CD", "", 0, 100)],
     [("Stage 3 headline: Monthly Cost", 2_000, 8_000), ("Stage 3 Multi-Region Setup: Total", 2_350, 6_100)]),
    ("Stage 4: Global platform", 100_000, 1_000_000,
     [("Multi-cloud, multi-region (5+ regions, 100+ K8s nodes, global databases, ML/AI, 24/7 DevOps)",
       "", 10_000, 100_000)],
     [("Stage 4 headline: Monthly Cost", 10_000, 100_000)]),
]

# Cloud Provider Comparison (Monthly): service -> AWS, GCP, Azure, DO/Linode
PROVIDERS = ("AWS", "GCP", "Azure", "DO/Linode")
COMPARISON = [
    ("3-node K8s", (220, 180, 210, 72)),
    ("Managed DB", (150, 120, 140, 60)),
    ("Load Balancer", (25, 25, 30, 20)),
    ("1TB Bandwidth", (90, 80, 85, 0)),
]


def build_plan() -> Plan:
    plan = Plan(PlanSettings(name="Infrastructure stages (seed 002)", currency="USD", horizon_months=36.0,
                             notes="Seed 002, Real Infrastructure Costs - From Zero to Planetary Scale. "
                                   "A tier runs from its 'Users from' until the next tier starts."))
    tiers, comps, figures = plan.tables["infra_tiers"], plan.tables["infra_components"], plan.tables["usage_figures"]
    comp_rows: list[dict] = []
    fig_rows: list[dict] = []
    for i, (name, lo_users, hi_users, components, stated) in enumerate(STAGES, start=1):
        tiers.insert(i - 1, {"id": i, "name": name, "users_from": float(lo_users), "users_to": float(hi_users)})
        for component, option, low, high in components:
            comp_rows.append({"id": len(comp_rows) + 1, "tier": i, "component": component, "option": option,
                              "low": float(low), "high": float(high)})
        for label, low, high in stated:
            for bound, value in (("low", low), ("high", high)):
                fig_rows.append({"id": len(fig_rows) + 1, "metric": "tier_cost", "subject": name, "users": NAN,
                                 "bound": bound, "unit": "", "value": float(value), "decimals": 0.0,
                                 "label": f"{label} ({bound})"})
    ref = len(STAGES) + 1
    tiers.insert(len(tiers), {"id": ref, "name": "Cloud provider comparison", "users_from": NAN, "users_to": NAN,
                              "notes": "Reference only (no user range): the same core stack priced by four providers"})
    for service, prices in COMPARISON:
        for provider, price in zip(PROVIDERS, prices):
            comp_rows.append({"id": len(comp_rows) + 1, "tier": ref, "component": service, "option": provider,
                              "low": float(price), "high": float(price)})
    comps.extend(comp_rows)
    figures.extend(fig_rows)
    plan.tables["growth"].extend([
        {"id": i, "name": name, "month": float(month), "users": float(users), "notes": note}
        for i, (name, month, users, note) in enumerate(RECOMMENDED_PATH, 1)])
    return plan


# -- What the seed does not say, added so the plan has months --------------------------------
# "Recommended Path" dates the stages (Month 1-6, Month 7-12, Year 2, Year 3+) but gives no user
# counts; each step takes users inside the stage its cost names (Beta's $50-150 is Stage 1's,
# Year 2's $300-800 is Stage 2's): the user counts are ours. Year 3+ is shown for a year.
RECOMMENDED_PATH = [
    ("Month 1-6: Development Phase", 1, 0, "Cost: $0 (local Docker Compose)"),
    ("Month 7-12: Beta Launch", 7, 500, "Cost: $50-150/month: Stage 1, 1-1,000 users (500 assumed)"),
    ("Year 2: Production Growth", 13, 5_000, "Cost: $300-800/month: Stage 2, 1K-10K users (5,000 assumed)"),
    ("Year 3+: Global Expansion", 25, 50_000, "Cost: based on usage: Stage 3, 10K-100K users (50,000 assumed)"),
]


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    PlanDocument.create(out, build_plan(), overwrite=True).close()
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
