"""Build the VIVIM sample plan from the founders' seed document.

    python sample_models/build.py [OUT]      (default: sample_models/vivim.vivim, replaced)

Source: ``sources/seed_000_5ea900fb35f65773.md`` (``shared/seeds/000_5ea900fb35f65773.txt``, "VIVIM
Detailed Cost Breakdown by Milestone"), read by the planner's own Markdown import
(``vivim-planner import``): milestones, rate card, team lines, build cost lines, estimates,
operating costs, revenue offsets and every figure the seed prints, kept as stated, including
where it contradicts itself (the audit lists those disagreements; nothing here corrects them).
The import infers the 240 hours per FTE-month the seed's team lines are priced at.

What the seed does not say, added here:

1. the plan's short name, ``VIVIM`` (the seed's title is its notes' first line);
2. which rate-card role each team line is (``ROLE_OF``: "Senior Backend Engineer" is a Senior
   Developer) and each role's category (``CATEGORY``);
3. notes on M8-M10 saying where their figures come from (``NOTES``);
4. labels of the stated figures whose table headings the sample has always shortened (``LABELS``);
5. the Stripe fee's scope and the 70/30 dividend policy of seed 001 (``add_economics``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from vivim_planner.commands import insert_rows, set_cells
from vivim_planner.domain import Plan
from vivim_planner.sources import ImportOptions, import_markdown
from vivim_planner.storage import PlanDocument

HERE = Path(__file__).resolve().parent
SEED = HERE / "sources" / "seed_000_5ea900fb35f65773.md"
DEFAULT_OUT = HERE / "vivim.vivim"

ROLE_OF = {  # team line as printed -> its rate-card role
    "Senior Backend Engineer": "Senior Developer", "Senior Frontend Engineer": "Senior Developer",
    "ML Engineer (Senior)": "ML Engineer", "ML Engineer (Junior)": "ML Engineer", "ML Engineer (PII)": "ML Engineer",
    "Backend Engineer": "Mid-Level Developer", "Frontend Engineer": "Mid-Level Developer",
    "Frontend Engineer (Visual)": "Mid-Level Developer", "Engineering (Maintain)": "Mid-Level Developer",
    "DevOps/Infra Engineer": "DevOps/SRE", "DevOps (API)": "DevOps/SRE",
    "Designer (UI/UX)": "Designer (UX/UI)", "UX Designer": "Designer (UX/UI)", "Designer": "Designer (UX/UI)",
    "Support (Part-time)": "Support", "Legal": "Legal Counsel",
}
CATEGORY = {
    "Engineering": ("Junior Developer", "Mid-Level Developer", "Senior Developer", "Lead/Staff Engineer", "ML Engineer",
                    "DevOps/SRE", "Database Architect", "Security Engineer", "MLOps Engineer", "Data Engineer"),
    "Design": ("Designer (UX/UI)",),
    "Product": ("Product Manager", "Technical Writer"),
    "Legal": ("Legal Counsel", "Compliance Consultant"),
    "Marketing": ("Community Manager", "Marketing Lead"),
    "Business Development": ("Growth/BD", "BD Lead"),
    "Operations": ("Support", "Finance/Operations"),
}
NOTES = {
    "M8": "Cost Per User (at 100K users, pre-revenue). Cost Impact Sources (M8): model training is the dominant "
          "cost; first training run is most expensive, subsequent runs cheaper; can use LoRA fine-tuning ($2K-15K) "
          "for faster iteration.",
    "M9": "Cost Per User (at 100K users + API customers). Revenue figures are the seed's estimates.",
    "M10": "Cost Per User (Post-Dividend). Users: the Cost Per User Trajectory prints \"100,000+\" "
           "(planned here as 100,000).",
}
LABELS = [  # (start of the imported label, the sample's)
    ("Build/Development (22 Months Total) TOTAL", "Consolidated summary TOTAL"),
    ("Build/Development (22 Months Total), ", "Consolidated summary, "),
    ("Cost Per User Calculation, ", "Cost Per User, "),
    ("Cost Per User (Covered by Revenue), Active Users", "Cost Per User, Active Users"),
]


def build_plan() -> Plan:
    """The VIVIM plan: the seed imported, then the five additions above."""
    result = import_markdown(SEED, ImportOptions(name="VIVIM", role_map=ROLE_OF, role_source="VIVIM seed, milestone lines"))
    plan = result.plan
    roles = plan.roles
    category_of = {name: cat for cat, names in CATEGORY.items() for name in names}
    set_cells(plan, "roles", [(int(roles.ids[p]), "category", category_of[roles.get(p, "name")])
                              for p in range(len(roles))]).apply(plan)
    ms = plan.milestones
    set_cells(plan, "milestones", [(int(ms.ids[p]), "notes", NOTES[ms.get(p, "code")])
                                   for p in range(len(ms)) if ms.get(p, "code") in NOTES]).apply(plan)
    sf = plan.stated_figures
    edits = []
    for p in range(len(sf)):
        label = sf.get(p, "label")
        code, _, rest = label.partition(" ") if label[:1] == "M" and label[1:2].isdigit() else ("", "", label)
        for old, new in LABELS:
            if rest.startswith(old):
                edits.append((int(sf.ids[p]), "label", f"{code} {new}{rest[len(old):]}".strip()))
                break
    set_cells(plan, "stated_figures", edits).apply(plan)
    add_economics(plan)
    return plan


# M9 Third-Party: "Stripe (Payment Processing) | 2.9% + $0.30 per transaction". VIVIM sells no
# subscriptions, and M9's "Billing | Payment processing (est.) | $1,000" already prices processing
# of the revenue offsets, so the fee applies to subscriptions only (none): it is recorded, not
# counted twice.
FEES = [("Stripe", 0.029, 0.30, "subscriptions", "M9 Third-Party: Stripe 2.9% + $0.30 per transaction; the "
         "revenue offsets' processing is M9's Billing line ($1,000/mo)")]
# Seed 001, Notes: "Dividend model assumes 70% user / 30% platform split"; M10 "First Dividend
# Distribution" pays out of the "Net Platform Profit $26,475/mo".
DIVIDEND = ("70% users / 30% platform", 0.70, 0.30, "profit", "M10",
            "Seed 001: dividend model assumes 70% user / 30% platform split; paid from M10 out of the "
            "monthly net platform profit (M10: $45,000 - $18,525 = $26,475)")


def add_economics(plan: Plan) -> None:
    """The Stripe fee and the 70/30 dividend policy (M9/M10 revenue offsets are ``revenues`` rows)."""
    insert_rows(plan, "payment_fees", 0, [dict(name=n, percent=p, fixed=f, scope=s, notes=note)
                                          for n, p, f, s, note in FEES]).apply(plan)
    name, users, platform, basis, code, note = DIVIDEND
    insert_rows(plan, "dividend_policies", 0, [dict(name=name, users_share=users, platform_share=platform,
                                                    basis=basis, from_milestone=code, notes=note)]).apply(plan)


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    doc = PlanDocument.create(out, build_plan(), overwrite=True)
    doc.close()
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
