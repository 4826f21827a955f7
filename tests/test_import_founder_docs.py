"""Founders' documents the importer was not written against: three of our own in different
styles (lists of "role: $X × N = $Y" with phases and monthly budgets; tables with alternatives,
subtotals and AUD in the headers; euro stages with salaried team tables), and seeds 001-004.

Every subtotal or total a document prints must become a stated figure that the audit checks,
and the audit must find exactly the slips written into the documents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vivim_planner.engine import audit, summary
from vivim_planner.sources import import_markdown

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "tests" / "fixtures" / "founder_docs"
SOURCES = REPO / "sample_models" / "sources"

# the slips each document holds on purpose: where -> (stated, computed)
SLIPS = {
    "tidepool_lists.md": {
        "P1 · Team subtotal": (56_000, 54_000),  # $36,000 + $18,000
        "P2 · Monthly budget": (1_900, 1_299),  # its own running costs add up to $1,299
    },
    "koala_alternatives.md": {
        "M1 · Team · Designer": (7_200, 14_400),  # 90 × 160 h × 2 × 0.5
        "M1 · Personnel subtotal": (96_800, 104_000),
        "M1 · Build Cost Summary Total": (131_000, 132_000),  # the high column adds up to 132,000
        "M1 · Monthly running costs Total monthly": (280, 270),
    },
    "verde_stages_eur.md": {
        "S2 · Subtotal": (72_500, 70_500),  # €60,000 + €10,500
    },
    "lumen_bold_weeks_cad.md": {  # bold-line milestones of 4 and 8 weeks, "All amounts in Canadian dollars"
        "M2 · Subtotal": (36_250, 36_125),  # 2 × $9,000/mo for its 2 months + $125
    },
}
CURRENCY = {"tidepool_lists.md": "USD", "koala_alternatives.md": "AUD", "verde_stages_eur.md": "EUR",
            "lumen_bold_weeks_cad.md": "CAD"}
_TOTAL_LINE = re.compile(r"\b(sub)?total\b.*\d", re.IGNORECASE)


@pytest.fixture(scope="module", params=sorted(SLIPS))
def doc(request):
    path = DOCS / request.param
    return path, import_markdown(path)


def test_the_audit_finds_exactly_the_slips_written_in(doc):
    path, result = doc
    got = {f.where: (f.stated, f.computed) for f in audit(result.plan)}
    assert got == SLIPS[path.name]


def test_every_printed_subtotal_and_total_is_a_stated_figure(doc):
    path, result = doc
    labels = [r["label"] for r in result.plan.stated_figures.rows()]
    printed = [line for line in path.read_text(encoding="utf-8").splitlines() if _TOTAL_LINE.search(line)]
    assert printed
    for line in printed:
        name = re.sub(r"[*|:]", " ", line).split("$")[0].split("€")[0]
        name = " ".join(w for w in name.split() if not re.match(r"^[\d,.–-]+$", w))
        assert any(name.lower() in label.lower() for label in labels), (line, labels)


def test_currency_and_report(doc):
    path, result = doc
    assert result.plan.settings.currency == CURRENCY[path.name]
    assert result.report.entries and all(e.line > 0 for e in result.report.entries)


def test_tidepool_lists_become_team_build_and_running_lines():
    plan = import_markdown(DOCS / "tidepool_lists.md").plan
    assert plan.settings.hours_per_month == 160  # "Hours per month: 160"
    al = {r["title"]: r for r in plan.allocations.rows() if plan.ref_label("milestones", r["milestone"]) == "P2"}
    assert (al["Designer"]["fte"], al["Designer"]["months"], al["Designer"]["hourly_rate"]) == (2, 3, 4_500 / 160)
    assert al["Marketing lead"]["months"] == 3 and al["Marketing lead"]["stated_cost"] == 24_000
    oc = {r["driver"]: r for r in plan.operating_costs.rows() if plan.ref_label("milestones", r["milestone"]) == "P2"}
    assert oc["Email"]["amount"] == 50  # $600/yr
    bi = {r["description"]: r for r in plan.build_items.rows()}
    assert (bi["Laptops"]["quantity"], bi["Laptops"]["unit_cost"], bi["Laptops"]["stated_cost"]) == (2, 1_800, 3_600)
    assert (bi["Paid ads test"]["low"], bi["Paid ads test"]["high"]) == (1_500, 3_000)
    rows = {m["code"]: m for m in summary(plan)["milestones"]}
    assert (rows["P1"]["users"], rows["P2"]["users"]) == (200, 2_000)


def test_koala_alternatives_are_kept_beside_their_line_not_summed():
    result = import_markdown(DOCS / "koala_alternatives.md")
    bi = {r["description"]: r for r in result.plan.build_items.rows()}
    hosting = bi["Compliance hosting"]
    assert (hosting["amount"], hosting["low"], hosting["high"]) == (4_000, 3_200, 4_000)
    assert "Option B: Azure Australia East" in hosting["details"]
    assert "Option A: AWS Sydney" not in bi and len(result.plan.build_items) == 5
    by_line = {e.line: e for e in result.report.entries}
    assert "2 alternatives kept beside their line, not summed" in by_line[20].became


def test_lumen_bold_milestones_in_weeks_follow_each_other_and_its_subtotals_span_team_and_build():
    result = import_markdown(DOCS / "lumen_bold_weeks_cad.md")
    ms = result.plan.milestones
    assert [(ms.get(p, "code"), ms.get(p, "start_month"), ms.get(p, "end_month")) for p in range(len(ms))] == [
        ("M1", 1, 1), ("M2", 2, 3)]  # 4 weeks, then 8 weeks
    assert {r["metric"] for r in result.plan.stated_figures.rows()} == {"estimate_total"}
    assert any('"All amounts in Canadian dollars."' in n for n in result.report.notes)


def test_verde_salaried_team_lines_cost_their_salary_share():
    plan = import_markdown(DOCS / "verde_stages_eur.md").plan
    s = summary(plan)
    s2 = next(m for m in s["milestones"] if m["code"] == "S2")
    assert (s2["start_month"], s2["end_month"], s2["users"]) == (7, 12, 10_000)
    oc = {r["driver"]: r for r in plan.operating_costs.rows()}
    assert oc["Domain"]["amount"] == 1.0  # €12/yr
    assert (s["totals"]["low"], s["totals"]["high"]) == (42_000 + 7_250 + 67_000, 42_000 + 7_250 + 88_000)


# -- seeds 001-004: what each table became, and what needs hand help -------------------------------

def _seed(prefix: str):
    path = next(SOURCES.glob(f"seed_{prefix}_*.md"))
    return path, import_markdown(path)


def test_seed_001_summary_table_becomes_the_ten_milestones():
    path, result = _seed("001")
    plan = result.plan
    assert [plan.milestones.get(i, "code") for i in range(len(plan.milestones))] == [f"M{i}" for i in range(1, 11)]
    assert plan.settings.currency == "EUR"
    assert summary(plan)["totals"]["mid"] == 1_894_685  # "Total 22-Month Cost: €1,894,685 (mid estimate)"
    entry = next(e for e in result.report.entries if "Cost Model Summary" in e.what)
    assert "10 milestones made from its rows" in entry.became and entry.help
    # the cost per user it prints needs operating costs the document does not give
    assert {f.where.split(" · ")[0] for f in audit(plan)} == {f"M{i}" for i in range(1, 11)}


def test_seed_002_stages_with_their_slip_and_the_alternative_option():
    path, result = _seed("002")
    codes = [result.plan.milestones.get(i, "code") for i in range(len(result.plan.milestones))]
    assert codes[:4] == ["S1", "S2", "S3", "S4"]
    findings = {f.where: f for f in audit(result.plan)}
    # Stage 3's components add up to $2,550-6,000, not the $2,350-6,100 printed
    s3 = findings["S3 · Total (midpoint of 2,350-6,100)"]
    assert (s3.stated, s3.computed) == (4_225, 4_275)
    by_line = {e.line: e for e in result.report.entries}
    assert "alternative" in by_line[20].became and by_line[20].help  # Option B: Managed Kubernetes
    assert "preformatted list" in by_line[29].what


@pytest.mark.parametrize("prefix", ["003", "004"])
def test_seeds_003_004_report_what_needs_hand_help_and_invent_nothing(prefix):
    path, result = _seed(prefix)
    assert result.report.needs_help
    assert len(result.plan.allocations) == 0
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    for e in result.report.entries:  # every entry points at a real line of the document
        assert 1 <= e.line <= len(lines)
    if prefix == "004":
        e = next(e for e in result.report.entries if "Summary Table" in e.what)
        assert "10 stated costs at user counts" in e.became and "Services" in e.help
        figures = result.plan.tables["usage_figures"].rows()
        assert [(f["users"], f["value"], f["decimals"]) for f in figures][:3] == [(100, 20, 2), (500, 20, 2),
                                                                                  (1_000, 20.02, 2)]
        # with no service modelled yet, the audit lists every stated cost the plan cannot reproduce
        assert sum(f.table == "usage_figures" for f in audit(result.plan)) == len(figures) == 20


def _block_starts(text: str) -> list[int]:
    """Lines where a top-level table, list or fenced code block starts, found without the importer
    (outside code fences: a line starting with '|', '- ', '* ' or 'N. ' after a line of another kind)."""
    out, prev, fenced = [], "", False
    for i, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("```"):
            if not fenced:
                out.append(i)
            fenced, prev = not fenced, ""
            continue
        if fenced:
            continue
        marker = re.match(r"^ {0,3}(?:[-*] |\d+\. )", line)  # CommonMark: a marker indented up to 3 spaces
        kind = ("table" if line.startswith("|") else
                "list" if marker else
                prev if prev == "list" and (line.startswith("  ") or not line.strip()) else "")
        if kind and kind != prev:
            out.append(i)
        prev = kind
    return out


@pytest.mark.parametrize("path", sorted(SOURCES.glob("seed_*.md")) + sorted(DOCS.glob("*.md")), ids=lambda p: p.name[:12])
def test_the_report_has_an_entry_for_every_table_list_and_code_block(path):
    result = import_markdown(path)
    reported = {e.line for e in result.report.entries}
    missing = [n for n in _block_starts(path.read_text(encoding="utf-8")) if n not in reported]
    assert not missing, f"{path.name}: no report entry for the blocks at lines {missing}"


def test_seed_004_costs_at_user_counts_audited_against_the_vercel_sample():
    """Seed 004's two tables of cost by user count, imported as stated usage figures into the
    hand-built Vercel sample (which models the service): all but the seed's own two roundings agree."""
    from vivim_planner.commands import insert_rows
    from vivim_planner.engine.usage_audit import usage_findings
    from vivim_planner.storage import PlanDocument

    _, result = _seed("004")
    doc = PlanDocument.open(REPO / "sample_models" / "vercel_per_user.vivim", readonly=True)
    plan = doc.plan
    doc.close()
    n = len(plan.tables["usage_figures"])
    rows = [{k: v for k, v in f.items() if k != "id"} for f in result.plan.tables["usage_figures"].rows()]
    insert_rows(plan, "usage_figures", n, rows).apply(plan)
    new = [(f.where, f.stated, round(f.computed, 4)) for f in usage_findings(plan) if f.row_id > n]
    assert new == [("Step 6: Summary Table (All User Scales), 2,000 users (Total)", 20.98, 20.9891),
                   ("Step 6: Summary Table (All User Scales), 20,000 users (Total)", 39.89, 39.8987)]


def test_seed_002_finds_the_disagreements_of_the_hand_built_infra_sample():
    """The hand-built infra_stages.vivim finds Stage 1-3's headline costs and Stage 3's Total at odds
    with their components (low and high); imported, seed 002 finds the same four claims (at the
    ranges' midpoints, which the components' midpoints add up to)."""
    from vivim_planner.storage import PlanDocument

    doc = PlanDocument.open(REPO / "sample_models" / "infra_stages.vivim", readonly=True)
    sample = doc.plan
    doc.close()

    def claim(where: str) -> tuple[int, str]:
        stage = int(re.search(r"(?:Stage |S)(\d)", where).group(1))
        return stage, "total" if "Total" in where else "headline"

    want = {claim(f.where) for f in audit(sample)}
    _, result = _seed("002")
    got = {claim(f.where) for f in audit(result.plan)}
    assert want == got == {(1, "headline"), (2, "headline"), (3, "headline"), (3, "total")}
