"""Whatever a document holds, the import either reads it (with a report) or refuses it with a
SourceError: it never raises anything else, and every report entry points at a line."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vivim_planner.sources import SourceError, import_markdown_text

PIECES = st.sampled_from([
    "# ", "## ", "### ", "**", "|", "---", "\n", "\n\n", "- ", "1. ", "> ", "```", "$", "€", "£", "AUD ", "1,200",
    "0.5", "-", "–", "×", "x", "=", "/mo", "/yr", "/hr", "(", ")", "+", "%", "K", "M", "Subtotal", "Total", "Role",
    "Rate", "Months", "FTE", "Cost", "Low", "Mid", "High", "Milestone 1: ", "Phase 2 ", "Stage 3 (1K-10K users)",
    "Monthly", "└─ Option B", "Users", "Cost/User", "<div>", "\t", " ", "abc", "Timeline: Months 1-3",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=120).map("".join))
def test_any_markdown_is_read_or_refused_never_crashes(text):
    try:
        result = import_markdown_text(text, "fuzz.md")
    except SourceError:
        return
    lines = text.count("\n") + 1
    assert all(1 <= e.line <= lines for e in result.report.entries)
    assert len(result.plan.milestones) >= (1 if result.plan.allocations.rows() else 0)


HEADER_WORDS = st.sampled_from(["Role", "Rate", "Months", "FTE", "Cost", "Item", "Details", "Low", "Mid", "High",
                                "Milestone", "Users", "Cost/User", "Monthly Cost", "Calculation", "Metric", "Value",
                                "Source", "Revenue", "Free Tier", "Paid Tier", "Annual Salary", "Qty", ""])
CELLS = st.one_of(st.sampled_from(["$1,500", "$500–$2,000", "$75/mo × 3 = $225", "2 × $15/mo", "—", "", "3", "1.0",
                                   "**$133,200**", "**Subtotal**", "**TOTAL**", "└─ Option A", "M1: X", "100,000+",
                                   "-$0.31 (profit)", "($30,975)", "2.9% + $0.30", "€8.45", "0,5", "1e400", "$1e-320"]),
                  st.text(max_size=12))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(HEADER_WORDS, min_size=1, max_size=6), st.lists(st.lists(CELLS, max_size=7), max_size=8),
       st.sampled_from(["# Milestone 1: A (Months 1-3)\n\n### Personnel\n\n", "## Phase 2: B\n\n### Legal\n\n", "",
                        "# Plan\n\n## Cost Per User (at 500 users)\n\n"]))
def test_any_table_is_read_or_reported(header, rows, preface):
    def line(cells):
        return "| " + " | ".join(c.replace("|", "/").replace("\n", " ") for c in cells) + " |"

    text = preface + line(header) + "\n" + line(["---"] * len(header)) + "\n" + "\n".join(line(r) for r in rows) + "\n"
    try:
        result = import_markdown_text(text, "table.md")
    except SourceError:
        return
    table_line = preface.count("\n") + 1
    assert any(e.line == table_line for e in result.report.entries), [e.text() for e in result.report.entries]
