"""Money cells as founders write them (issue 13's list), through the one number parser."""

from __future__ import annotations

import math

import pytest

from vivim_planner.domain import DECIMAL_COMMA
from vivim_planner.sources.classify import classify, milestone_heading, users_in
from vivim_planner.sources.money import parse_money


def _fields(m):
    nan = lambda x: None if isinstance(x, float) and math.isnan(x) else x  # noqa: E731
    return (nan(m.low), nan(m.high), m.per, nan(m.quantity), nan(m.unit), nan(m.stated), m.currency)


@pytest.mark.parametrize("text, want", [
    ("$1,500", (1500, 1500, "", None, None, None, "USD")),
    ("$500-$2,000", (500, 2000, "", None, None, None, "USD")),
    ("$500–$2,000", (500, 2000, "", None, None, None, "USD")),
    ("$75/mo × 3 = $225", (225, 225, "", 3, 75, 225, "USD")),
    ("2 × $15/mo", (30, 30, "month", 2, 15, None, "USD")),
    ("2 x $8,000 = $16,000", (16000, 16000, "", 2, 8000, 16000, "USD")),
    ("$15/mo", (15, 15, "month", None, None, None, "USD")),
    ("$99/yr", (99, 99, "year", None, None, None, "USD")),
    ("€8.45", (8.45, 8.45, "", None, None, None, "EUR")),
    ("~$50-70/year", (50, 70, "year", None, None, None, "USD")),
    ("$0 (free tier)", (0, 0, "", None, None, None, "USD")),
    ("$5,000+", (5000, 5000, "", None, None, None, "USD")),
    ("($30,975)", (-30975, -30975, "", None, None, None, "USD")),
    ("-$0.31 (profit)", (-0.31, -0.31, "", None, None, None, "USD")),
    ("$2K-15K", (2000, 15000, "", None, None, None, "USD")),
    ("$1.2M–$6M", (1.2e6, 6e6, "", None, None, None, "USD")),
    ("AUD 1,200", (1200, 1200, "", None, None, None, "AUD")),
    ("1,200 AUD", (1200, 1200, "", None, None, None, "AUD")),
    ("$0.021/hr ($15/mo)", (0.021, 0.021, "hour", None, None, None, "USD")),
])
def test_money_cells(text, want):
    assert _fields(parse_money(text)) == want


def test_remarks_flags_and_alternatives():
    assert parse_money("$0 (free tier)").remark == "free tier"
    assert parse_money("$5,000+").at_least and parse_money("-$0.31 (profit)").profit
    assert parse_money("$0.021/hr ($15/mo)").alternatives[0].value == 15
    assert parse_money("2 × $15/mo").count_first and not parse_money("$75/mo × 3 = $225").count_first


@pytest.mark.parametrize("text", ["2.9% + $0.30 per transaction", "—", "", "t3.small", "500MB limit", "TBD",
                                  "3 months"])
def test_cells_without_an_amount(text):
    assert parse_money(text) is None


def test_numbers_go_through_the_plans_number_parser():
    assert parse_money("1.234,5 €", DECIMAL_COMMA).low == 1234.5
    assert parse_money("€1,234.5").low == 1234.5
    assert parse_money("0,5") is None  # a decimal comma in a plan with decimal points is no number


@pytest.mark.parametrize("heading, want", [
    ("MILESTONE 3: Fork / Mux / Remux", ("M3", "Fork / Mux / Remux", None, None, None, None)),
    ("Phase 2: Launch (Months 4-6)", ("P2", "Launch", 4, 6, None, None)),
    ("**Milestone 1: Private alpha (4 weeks)**", ("M1", "Private alpha", None, None, 4, None)),
    ("Stage 2 (1K-10K users)", ("S2", "Stage 2 (1K-10K users)", None, None, None, 10_000)),
    ("🌱 Stage 1: First Production (1-1,000 users)", ("S1", "First Production", None, None, None, 1_000)),
    ("Month 7-12: Beta Launch", ("", "Beta Launch", 7, 12, None, None)),
])
def test_milestone_headings(heading, want):
    h = milestone_heading(heading)
    nan = lambda x: None if isinstance(x, float) and math.isnan(x) else x  # noqa: E731
    got = (h.code, h.name, nan(h.start), nan(h.end), nan(h.weeks), nan(h.users))
    if want[1] == "Stage 2 (1K-10K users)":  # a name that is only its number and users keeps the heading
        assert got[0] == "S2" and got[5] == 10_000
    else:
        assert got == want
    assert milestone_heading("Key Insights") is None and milestone_heading("Step 6: Summary Table") is None


def test_users_only_from_a_parenthesis_when_asked():
    assert users_in("Cost Per User (at 500 alpha users)", parenthesised=True) == 500
    assert math.isnan(users_in("3. Users Module (03_users_operations_schema.sql)", parenthesised=True))


@pytest.mark.parametrize("header, kind", [
    (["Role", "Rate", "Months", "FTE", "Cost"], "team"),
    (["Role", "Annual Salary (FTE)", "Hourly Rate (Contractor)", "Source"], "rate_card"),
    (["Category", "Low Estimate", "Mid Estimate", "High Estimate"], "estimates"),
    (["Milestone", "Low", "Mid", "High"], "milestone_totals"),
    (["Milestone", "Users", "Cost/User/Month"], "trajectory"),
    (["Cost Driver", "Calculation", "Monthly Cost"], "operating"),
    (["Metric", "Value"], "metrics"),
    (["Source", "Est. Revenue"], "revenue"),
    (["Service", "Free Tier", "Paid Tier", "Source"], "usage_pricing"),
    (["Model", "Input (per 1M tokens)", "Output (per 1M tokens)", "Source"], "llm_pricing"),
    (["Component", "Details", "Cost"], "lines"),
    (["Users", "Invocations", "Total"], "by_users"),
    (["Category", "Source", "Date"], "unknown"),
])
def test_tables_are_classified_by_their_header_words(header, kind):
    assert classify(header).kind == kind
