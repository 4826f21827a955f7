"""Importing the founders' own Markdown: seed 000 (VIVIM) against the committed hand-built sample.

The imported plan must give the seed's consolidated totals, every milestone's cost per user and
exactly the audit findings of ``sample_models/vivim.vivim``; the report must account for every
table and list of the seed with its line number.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from vivim_planner.engine import audit, summary
from vivim_planner.sources import import_markdown, import_markdown_text
from vivim_planner.storage import PlanDocument

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "sample_models" / "sources"  # the founders' seeds (shared/seeds), copied as they came
SEED_000 = SOURCES / "seed_000_5ea900fb35f65773.md"
SAMPLE = REPO / "sample_models" / "vivim.vivim"


@pytest.fixture(scope="module")
def imported():
    return import_markdown(SEED_000)


@pytest.fixture(scope="module")
def sample():
    doc = PlanDocument.open(SAMPLE, readonly=True)
    try:
        return doc.plan
    finally:
        doc.close()


def _blocks(text: str) -> list[int]:
    """Lines (1-based) where a table or list starts, counted without the importer: a table is a
    line starting with '|' after a non-table line, a list item a line starting with '- ' or 'N. '
    after a non-list line."""
    out, prev = [], ""
    for i, line in enumerate(text.splitlines(), 1):
        kind = "table" if line.startswith("|") else "list" if line.startswith("- ") or line[:3].rstrip(" .").isdigit() and ". " in line[:4] else ""
        if kind and kind != prev:
            out.append(i)
        prev = kind
    return out


def test_seed_000_gives_the_consolidated_totals(imported):
    s = summary(imported.plan)
    assert (s["totals"]["low"], s["totals"]["mid"], s["totals"]["high"]) == (1_275_800, 2_019_805, 3_544_300)


def test_seed_000_gives_every_milestones_cost_per_user_as_the_sample(imported, sample):
    got = {m["code"]: m for m in summary(imported.plan)["milestones"]}
    want = {m["code"]: m for m in summary(sample)["milestones"]}
    assert list(got) == [f"M{i}" for i in range(1, 11)] == list(want)
    for code, m in want.items():
        for key in ("start_month", "end_month", "users", "monthly_operating_cost", "monthly_revenue",
                    "net_monthly_operating_cost", "cost_per_user", "build"):
            assert got[code][key] == m[key], (code, key)
    # the seed's own trajectory: $0.08 at 500 users ... -$0.26 (profit) at M10
    assert got["M1"]["cost_per_user"] == 40 / 500 and got["M10"]["cost_per_user"] == -26_475 / 100_000


def test_seed_000_has_the_audit_findings_of_the_hand_built_sample(imported, sample):
    def key(findings):
        return sorted((f.where, f.stated, f.computed) for f in findings)

    got, want = audit(imported.plan), audit(sample)
    assert len(want) == 27
    assert key(got) == key(want)
    messages = {f.where: f.message for f in got}
    assert "$80/h × 240 h × 3 months × 0.5 FTE = $28,800" in messages["M1 · Team · DevOps/Infra Engineer"]
    assert "$60 too high" in messages["M5 · Infrastructure Subtotal"]


def test_seed_000_hours_per_month_are_inferred_from_the_team_lines_and_said(imported):
    assert imported.plan.settings.hours_per_month == 240
    assert any("hours per month: 240" in n and "28 of 45 team lines" in n for n in imported.report.notes)


def test_seed_000_rows_match_the_sample_table_by_table(imported, sample):
    for table in ("milestones", "allocations", "build_items", "estimates", "operating_costs", "revenues",
                  "stated_figures"):
        assert len(imported.plan.tables[table]) == len(sample.tables[table]), table
    bi = {(imported.plan.ref_label("milestones", r["milestone"]), r["description"]): r
          for r in imported.plan.build_items.rows()}
    db = bi[("M2", "Database (Production)")]  # $75/mo × 3 = $225
    assert (db["quantity"], db["unit_cost"], db["stated_cost"]) == (3, 75, 225)
    assert bi[("M4", "GDPR Compliance Review")]["category"] == "Compliance"  # "Compliance & Legal"
    assert bi[("M6", "Privacy Counsel (ongoing)")]["category"] == "Legal/Compliance"  # "Legal (4 months)"
    assert bi[("M1", "LLM API Testing")]["category"] == "Third-Party"  # "Third-Party Services (3 months)"
    assert bi[("M9", "Documentation Hosting")]["stated_cost"] == 800  # its row misses a cell
    stripe = bi[("M9", "Stripe (Payment Processing)")]
    assert math.isnan(stripe["amount"]) and "2.9% + $0.30 per transaction" in stripe["details"]
    oc = {(imported.plan.ref_label("milestones", r["milestone"]), r["driver"]): r
          for r in imported.plan.operating_costs.rows()}
    t3 = oc[("M4", "Server Compute")]  # "8 × t3.small" priced by the reference table's $15/mo
    assert (t3["quantity"], t3["unit_cost"], t3["stated_cost"]) == (8, 15, 120)
    al = {(imported.plan.ref_label("milestones", r["milestone"]), r["title"]): r
          for r in imported.plan.allocations.rows()}
    eng = al[("M7", "Engineering (Maintain)")]  # "— | — | 4.0 | $180,000"
    assert (eng["lump_sum"], eng["fte"]) == (180_000, 4.0) and math.isnan(eng["months"])
    ms = imported.plan.milestones
    assert ms.get(9, "target_users") == 100_000  # M10: from the trajectory's "100,000+"
    assert ms.get(0, "phase") == "Core Infrastructure + Multi-Provider Chat"


def test_seed_000_report_names_every_table_and_list_at_its_line(imported):
    text = SEED_000.read_text(encoding="utf-8")
    reported = {e.line for e in imported.report.entries}
    missing = [line for line in _blocks(text) if line not in reported]
    assert not missing, f"blocks without a report entry: {missing}"
    by_line = {e.line: e for e in imported.report.entries}
    assert by_line[26].skipped and "reference prices" in by_line[26].became  # Infrastructure Costs (2025)
    assert by_line[880].skipped and "no amounts" in by_line[880].became  # APPENDIX: DATA SOURCES
    assert "4 team lines of M1" in by_line[68].became


def test_a_document_without_milestones_becomes_one_milestone():
    doc = import_markdown_text("# Side project\n\n## Build\n\n| Item | Cost |\n|---|---|\n| Logo | $500 |\n"
                               "| App store fee | $99 |\n| **Total** | **$600** |\n", "side.md")
    plan = doc.plan
    assert len(plan.milestones) == 1 and plan.milestones.get(0, "name") == "Side project"
    assert len(plan.build_items) == 2
    findings = audit(plan)
    assert [(f.stated, f.computed) for f in findings] == [(600, 599)]
    assert any("names no milestone" in n for n in doc.report.notes)
