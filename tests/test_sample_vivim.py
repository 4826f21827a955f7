"""The VIVIM sample plan (sample_models/vivim.vivim) against the founders' seed document.

The expected figures below are the seed's own (shared/seeds/000_5ea900fb35f65773.txt), checked
by hand; the audit must list exactly the seed's inconsistencies and nothing else.
"""

from __future__ import annotations

import math
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from vivim_planner.commands import set_cell
from vivim_planner.engine import audit, compute, summary
from vivim_planner.storage import PlanDocument

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_models" / "vivim.vivim"
BUILD = REPO / "sample_models" / "build.py"
CODES = [f"M{i}" for i in range(1, 11)]


def _load(path: Path):
    doc = PlanDocument.open(path, readonly=True)
    try:
        return doc.plan
    finally:
        doc.close()


@pytest.fixture(scope="module")
def plan():
    return _load(SAMPLE)


def _plain(value):
    return None if isinstance(value, float) and math.isnan(value) else value


def _table_rows(plan, name):
    return [{k: _plain(v) for k, v in row.items()} for row in plan.tables[name].rows()]


def _ids(plan, table, code_field="code"):
    t = plan.tables[table]
    return {t.get(p, code_field): int(t.ids[p]) for p in range(len(t))}


def _per_milestone(plan, table):
    mid = _ids(plan, "milestones")
    col = plan.tables[table].column("milestone")
    return {code: int((col == i).sum()) for code, i in mid.items()}


# -- the committed file is what build.py makes ---------------------------------------------------

def test_committed_sample_is_rebuilt_identically_by_build_script(tmp_path, plan):
    out = tmp_path / "rebuilt.vivim"
    run = subprocess.run([sys.executable, str(BUILD), str(out)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert not (tmp_path / "rebuilt.vivim-wal").exists()
    fresh = _load(out)
    assert fresh.settings == plan.settings
    for name in plan.tables:
        assert _table_rows(fresh, name) == _table_rows(plan, name), f"{name} differs: run sample_models/build.py"
    assert summary(fresh) == summary(plan)


def test_committed_sample_is_one_self_contained_sqlite_file():
    assert SAMPLE.stat().st_size > 0
    for suffix in ("-wal", "-shm", "-journal"):
        assert not SAMPLE.with_name(SAMPLE.name + suffix).exists()
    conn = sqlite3.connect(f"file:{SAMPLE}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()


# -- settings, milestones, rate card --------------------------------------------------------------

def test_settings_carry_the_seed_hours_and_notes(plan):
    s = plan.settings
    assert (s.name, s.currency, s.hours_per_month) == ("VIVIM", "USD", 240)
    # "Senior Backend Engineer | $85/hr | 3 | 1.0 | $61,200" is 85 x 240 x 3 x 1.0
    assert 85 * s.hours_per_month * 3 * 1.0 == 61_200
    assert "Methodology: All cost estimates are based on 2025 market research" in s.notes
    assert "should be validated with current quotes before budgeting" in s.notes


def test_milestones_follow_the_seed_timeline_and_users(plan):
    ms = plan.milestones
    got = [(r["code"], r["name"], r["phase"], r["start_month"], r["end_month"], r["target_users"])
           for r in ms.rows()]
    assert got == [
        ("M1", "Foundation — The Sovereign Chat Layer", "Core Infrastructure + Multi-Provider Chat", 1, 3, 500),
        ("M2", "Atomic Chat Units", "Data Architecture & Ownership", 3, 5, 2_500),
        ("M3", "Fork / Mux / Remux", "Composable Intelligence", 5, 7, 10_000),
        ("M4", "Context Engine", "Second Brain + Storage", 6, 9, 25_000),
        ("M5", "Social Layer", "Growth Engine", 8, 11, 50_000),
        ("M6", "Consent Framework", "Trust Architecture", 10, 13, 75_000),
        ("M7", "Scale (100K Users)", "Growth + Critical Mass", 12, 15, 100_000),
        ("M8", "First Model Training", "ML Pipeline", 14, 17, 100_000),
        ("M9", "First Model Revenue", "Commercialization", 17, 20, 100_000),
        ("M10", "First Dividend Distribution", "The Flywheel", 20, 22, 100_000),
    ]
    assert "100,000+" in ms.get(9, "notes")


def test_rate_card_has_the_seed_roles_at_their_midpoint_rates(plan):
    roles = {r["name"]: r for r in plan.roles.rows()}
    seed = {  # Role: (salary low, high, rate low, high, category, source)
        "Junior Developer": (75_000, 95_000, 40, 50, "Engineering", "ZipRecruiter 2025"),
        "Mid-Level Developer": (100_000, 130_000, 55, 70, "Engineering", "Glassdoor 2025"),
        "Senior Developer": (140_000, 180_000, 75, 95, "Engineering", "ZipRecruiter 2025"),
        "Lead/Staff Engineer": (170_000, 220_000, 90, 120, "Engineering", "Industry average"),
        "ML Engineer": (150_000, 200_000, 80, 110, "Engineering", "Indeed 2025"),
        "DevOps/SRE": (130_000, 170_000, 70, 90, "Engineering", "Glassdoor 2025"),
        "Designer (UX/UI)": (90_000, 140_000, 50, 80, "Design", "Dribbble 2025"),
        "Product Manager": (120_000, 170_000, 65, 90, "Product", "Glassdoor 2025"),
        "Legal Counsel": (200_000, 400_000, 250, 600, "Legal", "ContractsCounsel 2025"),
    }
    assert list(roles)[:9] == list(seed)
    for name, (s_lo, s_hi, r_lo, r_hi, category, source) in seed.items():
        r = roles[name]
        assert (r["salary_low"], r["salary_high"], r["hourly_rate_low"], r["hourly_rate_high"]) == (s_lo, s_hi, r_lo, r_hi)
        assert r["hourly_rate"] == (r_lo + r_hi) / 2
        assert (r["category"], r["source"]) == (category, source)
    extra = set(roles) - set(seed)
    assert extra == {"Database Architect", "Technical Writer", "Security Engineer", "Community Manager",
                     "Compliance Consultant", "Marketing Lead", "Growth/BD", "Support", "MLOps Engineer",
                     "Data Engineer", "BD Lead", "Finance/Operations"}
    assert {roles[n]["source"] for n in extra} == {"VIVIM seed, milestone lines"}
    # every role is used by a team line, except the seed's reference-only rows
    used = {plan.ref_label("roles", r) for r in plan.allocations.column("role")}
    assert set(roles) - used == {"Junior Developer", "Lead/Staff Engineer", "Product Manager"}


# -- row counts match the seed's tables -------------------------------------------------------------

def test_row_counts_match_the_seed_tables(plan):
    assert len(plan.milestones) == 10
    assert len(plan.roles) == 9 + 12
    # Personnel table rows per milestone
    assert _per_milestone(plan, "allocations") == dict(zip(CODES, [4, 4, 4, 5, 6, 5, 5, 5, 4, 4]))
    # Infrastructure + Third-Party/Services + Legal/Compliance/Marketing rows per milestone
    assert _per_milestone(plan, "build_items") == dict(zip(CODES, [5 + 4 + 2, 4 + 3 + 2, 3, 6 + 3, 6 + 2, 4 + 4,
                                                                     6 + 4, 5 + 3, 4 + 3, 4 + 3 + 2]))
    # Build Cost Summary category rows (TOTAL excluded)
    assert _per_milestone(plan, "estimates") == dict(zip(CODES, [4, 4, 3, 3, 4, 3, 4, 4, 4, 4]))
    # Variable Costs rows (Total excluded)
    assert _per_milestone(plan, "operating_costs") == dict(zip(CODES, [6, 6, 5, 7, 7, 5, 7, 2, 5, 5]))
    assert _per_milestone(plan, "revenues") == dict(zip(CODES, [0] * 8 + [2, 1]))
    assert len(plan.build_items) == 82 and len(plan.allocations) == 46 and len(plan.operating_costs) == 55


def test_stated_figures_cover_every_printed_total(plan):
    sf = plan.stated_figures.rows()
    by_metric = {}
    for r in sf:
        by_metric[r["metric"]] = by_metric.get(r["metric"], 0) + 1
    assert by_metric == {
        "allocations_subtotal": 10,  # Personnel Subtotal
        # 14 point subtotals (Infrastructure, Services, Third-Party) + 8 ranges printed as low–high
        # (Legal M1 M2 M6, Compliance M4, Marketing M7 M10, M8 Infrastructure and Third-Party)
        "build_subtotal": 14 + 2 * 8,
        "estimate_total": 3 * 10 + 3 * 10,  # Build Cost Summary TOTAL + Consolidated rows
        "operating_total": 10 + 8,  # Variable Costs totals + Cost Per User tables M1-M8
        "net_operating": 3,  # M9 twice, M10 once
        "users": 9 + 10,  # Cost Per User tables M1-M9 + trajectory
        "cost_per_user": 9 + 10,
        "consolidated_total": 3,
    }
    labels = {r["label"] for r in sf}
    for label in ("M5 Infrastructure Subtotal", "M1 Services Subtotal", "M4 Legal Subtotal",
                  "M7 Marketing Subtotal", "Consolidated summary, M1 row", "Consolidated summary TOTAL",
                  "Cost Per User Trajectory, M10 row", "M10 Revenue (Covered), Net Platform Profit"):
        assert label in labels
    cpu = {(plan.ref_label("milestones", r["milestone"]), r["label"]): (r["value"], r["decimals"])
           for r in sf if r["metric"] == "cost_per_user"}
    assert cpu[("M2", "M2 Cost Per User/Month")] == (0.028, 3)
    assert cpu[("M6", "Cost Per User Trajectory, M6 row")] == (0.005, 3)
    assert cpu[("M9", "M9 Net Cost Per User/Month")] == (-0.31, 2)
    assert cpu[("M10", "Cost Per User Trajectory, M10 row")] == (-0.26, 2)
    net = sorted((plan.ref_label("milestones", r["milestone"]), r["value"]) for r in sf if r["metric"] == "net_operating")
    assert net == [("M10", -26_475), ("M9", -30_975), ("M9", -30_975)]


def test_lines_keep_the_seed_forms(plan):
    bi = {(plan.ref_label("milestones", r["milestone"]), r["description"]): r for r in plan.build_items.rows()}
    db = bi[("M2", "Database (Production)")]  # $75/mo × 3 = $225
    assert (db["quantity"], db["unit_cost"], db["stated_cost"], db["category"]) == (3, 75, 225, "Infrastructure")
    tos = bi[("M1", "ToS/Privacy Policy Draft (template-based)")]  # $500–$2,000
    assert (tos["low"], tos["high"], tos["category"]) == (500, 2_000, "Legal")
    ci = bi[("M1", "CI/CD Pipeline")]  # $0 (free tier)
    assert ci["amount"] == 0 and "free tier" in ci["details"]
    stripe = bi[("M9", "Stripe (Payment Processing)")]
    assert math.isnan(stripe["amount"]) and "2.9% + $0.30 per transaction" in stripe["details"]
    assert bi[("M4", "GDPR Compliance Review")]["category"] == "Compliance"
    assert bi[("M6", "Privacy Counsel (ongoing)")]["category"] == "Legal/Compliance"
    assert bi[("M7", "Content Marketing")]["category"] == "Marketing"
    assert bi[("M1", "LLM API Testing")]["category"] == "Third-Party"

    al = {(plan.ref_label("milestones", r["milestone"]), r["title"]): r for r in plan.allocations.rows()}
    eng = al[("M7", "Engineering (Maintain)")]
    assert (eng["lump_sum"], eng["stated_cost"], eng["fte"]) == (180_000, 180_000, 4.0)
    assert math.isnan(eng["hourly_rate"]) and math.isnan(eng["months"])
    sbe = al[("M1", "Senior Backend Engineer")]
    assert plan.ref_label("roles", sbe["role"]) == "Senior Developer" and sbe["hourly_rate"] == 85

    oc = {(plan.ref_label("milestones", r["milestone"]), r["driver"]): r for r in plan.operating_costs.rows()}
    t3 = oc[("M4", "Server Compute")]  # 8 × t3.small = $120
    assert (t3["quantity"], t3["unit_cost"], t3["stated_cost"]) == (8, 15, 120)
    training = oc[("M8", "Training Pipeline (amortized)")]
    assert training["amount"] == 4_167 and training["calculation"] == "$50K ÷ 12 months"


# -- the engine reproduces the seed's totals --------------------------------------------------------

def test_summary_totals_are_the_consolidated_summary(plan):
    s = summary(plan)
    assert s["totals"]["low"] == 1_275_800
    assert s["totals"]["mid"] == 2_019_805
    assert s["totals"]["high"] == 3_544_300
    assert s["hours_per_month"] == 240
    builds = {m["code"]: m["build"] for m in s["milestones"]}
    assert (builds["M2"]["low"], builds["M2"]["mid"], builds["M2"]["high"]) == (51_000, 83_275, 139_500)
    assert (builds["M8"]["low"], builds["M8"]["mid"], builds["M8"]["high"]) == (237_000, 360_000, 605_000)


def test_cost_per_user_is_net_operating_over_users_unrounded(plan):
    s = summary(plan)
    rows = {m["code"]: m for m in s["milestones"]}
    expected_ops = dict(zip(CODES, [40, 70, 190, 550, 1_125, 400, 7_525, 11_692, 14_025, 18_525]))
    for code, m in rows.items():
        assert m["monthly_operating_cost"] == expected_ops[code]
        assert m["cost_per_user"] == m["net_monthly_operating_cost"] / m["users"]
    assert rows["M6"]["cost_per_user"] == 400 / 75_000
    assert rows["M9"]["net_monthly_operating_cost"] == -30_975
    assert rows["M9"]["cost_per_user"] == -30_975 / 100_000
    assert rows["M10"]["net_monthly_operating_cost"] == -26_475
    assert rows["M10"]["cost_per_user"] == -26_475 / 100_000
    assert rows["M10"]["monthly_revenue"] == 45_000


# -- the audit lists the seed's own inconsistencies, and nothing else -------------------------------

# Team lines whose printed Cost is not rate x 240 h x months x FTE: (stated, computed)
TEAM_FINDINGS = {
    "M1 · Team · DevOps/Infra Engineer": (9_600, 28_800),
    "M1 · Team · Designer (UI/UX)": (4_800, 14_400),
    "M2 · Team · Database Architect": (9_600, 19_200),
    "M2 · Team · Technical Writer": (1_800, 3_600),
    "M3 · Team · UX Designer": (10_800, 21_600),
    "M4 · Team · ML Engineer (Junior)": (26_880, 33_600),
    "M5 · Team · Designer": (14_400, 28_800),
    "M5 · Team · Community Manager": (12_000, 24_000),
    "M6 · Team · Security Engineer": (8_640, 21_600),
    "M6 · Team · Compliance Consultant": (7_200, 14_400),
    "M7 · Team · Marketing Lead": (53_760, 67_200),
    "M7 · Team · Growth/BD": (46_080, 57_600),
    "M7 · Team · Community Manager": (38_400, 48_000),
    "M7 · Team · Support (Part-time)": (23_040, 57_600),
    "M9 · Team · BD Lead": (53_760, 67_200),
    "M9 · Team · Technical Writer": (4_800, 12_000),
    "M10 · Team · Legal": (14_400, 28_800),
}
# Printed subtotals that disagree with the recomputed lines: (stated, computed)
SUBTOTAL_FINDINGS = {
    "M1 · Personnel Subtotal": (133_200, 162_000),
    "M2 · Personnel Subtotal": (119_400, 130_800),
    "M3 · Personnel Subtotal": (169_200, 180_000),
    "M4 · Personnel Subtotal": (263_760, 270_480),
    "M5 · Personnel Subtotal": (271_200, 297_600),
    "M5 · Infrastructure Subtotal": (2_220, 2_160),
    "M6 · Personnel Subtotal": (203_040, 223_200),
    "M7 · Personnel Subtotal": (341_280, 410_400),
    "M9 · Personnel Subtotal": (159_360, 180_000),
    "M10 · Personnel Subtotal": (126_000, 140_400),
}


def test_audit_lists_exactly_the_seed_inconsistencies(plan):
    findings = audit(plan)
    got = {f.where: (f.stated, f.computed) for f in findings}
    assert len(got) == len(findings), "one finding per place"
    assert got == {**TEAM_FINDINGS, **SUBTOTAL_FINDINGS}
    for f in findings:
        assert f.difference == f.computed - f.stated


def test_audit_messages_explain_themselves(plan):
    by_where = {f.where: f for f in audit(plan)}
    devops = by_where["M1 · Team · DevOps/Infra Engineer"]
    assert (devops.stated, devops.computed) == (9_600, 28_800)
    assert "$80/h × 240 h × 3 months × 0.5 FTE = $28,800" in devops.message
    assert "states $9,600" in devops.message and "80 h per month" in devops.message
    assert devops.table == "allocations" and devops.field == "stated_cost"
    assert plan.allocations.get(plan.allocations.position(devops.row_id), "title") == "DevOps/Infra Engineer"
    assert devops.cell == "Team!H4"

    m7 = by_where["M7 · Team · Marketing Lead"]
    assert "192 h per month" in m7.message

    infra = by_where["M5 · Infrastructure Subtotal"]
    assert "$2,220" in infra.message and "$2,160" in infra.message and "$60 too high" in infra.message
    assert infra.table == "stated_figures"
    assert plan.stated_figures.get(plan.stated_figures.position(infra.row_id), "label") == "M5 Infrastructure Subtotal"

    personnel = by_where["M1 · Personnel Subtotal"]
    assert "lines as printed do add up to $133,200" in personnel.message
    assert "DevOps/Infra Engineer (+$19,200)" in personnel.message
    assert "Designer (UI/UX) (+$9,600)" in personnel.message


def test_rounding_to_printed_precision_is_not_a_finding(plan):
    wheres = {f.where for f in audit(plan)}
    # $0.005 for 400 / 75,000 = 0.00533; $0.023 for 1,125 / 50,000 = 0.0225; $0.12 for 0.11692
    for code in ("M5", "M6", "M8"):
        assert not any(w.startswith(f"{code} ·") and "Cost Per User" in w for w in wheres)
    assert not any("Consolidated" in w or "TOTAL" in w or "Trajectory" in w for w in wheres)


def test_audit_reports_a_claim_printed_twice_once(plan):
    """An edit that breaks M1's monthly ops gives one finding per claim, naming every place the
    seed prints it, not one per printed copy."""
    oc = plan.operating_costs
    code = {int(i): c for i, c in zip(plan.milestones.ids, plan.milestones.column("code"))}
    pos = next(p for p in range(len(oc)) if code[oc.get(p, "milestone")] == "M1"
               and oc.get(p, "driver") == "Bandwidth (estimated)")
    edit = set_cell(plan, "operating_costs", int(oc.ids[pos]), "amount", 510)
    edit.apply(plan)
    try:
        new = [f for f in audit(plan) if f.where not in TEAM_FINDINGS and f.where not in SUBTOTAL_FINDINGS]
    finally:
        edit.revert(plan)
    assert [(f.where, f.stated, f.computed) for f in new] == [
        ("M1 · Variable Costs Total Monthly Ops Cost", 40, 540),
        ("M1 · Cost Per User/Month", 0.08, 540 / 500),
    ]
    assert "also printed as M1 Cost Per User, Total Monthly Ops" in new[0].message
    assert "also printed as Cost Per User Trajectory, M1 row" in new[1].message
    assert "$540 / 500 users" in new[1].message
    assert audit(plan) and len(audit(plan)) == len(TEAM_FINDINGS) + len(SUBTOTAL_FINDINGS)


def test_bottom_up_personnel_uses_240_hours(plan):
    r = compute(plan)
    m1 = r.bottom_up["mid"][0, r.category_index("Personnel")]
    assert m1 == 162_000
