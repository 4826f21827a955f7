"""Domain layer: fields parse what founders type, refusals name the cell, row rules hold."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vivim_planner.domain import (SPECS, CellError, Field, FieldError, Kind, Plan, PlanSettings, Table,
                                  column_letter, is_empty, parse_number_text)


def make_plan() -> Plan:
    """Two milestones, two roles, one team line, one estimate, one build line."""
    plan = Plan()
    plan.milestones.extend([
        {"id": 1, "code": "M1", "name": "MVP", "start_month": 1.0, "end_month": 3.0, "target_users": 100.0},
        {"id": 2, "code": "M2", "name": "Beta", "start_month": 4.0, "end_month": 6.0, "target_users": 1000.0},
    ])
    plan.roles.extend([
        {"id": 1, "name": "Backend Engineer", "hourly_rate": 100.0},
        {"id": 2, "name": "Designer", "hourly_rate": 80.0},
    ])
    plan.allocations.extend([{"id": 1, "milestone": 1, "role": 1, "months": 3.0, "fte": 1.0}])
    plan.estimates.extend([{"id": 1, "milestone": 1, "category": "Personnel",
                            "low": 10.0, "mid": 20.0, "high": 30.0}])
    plan.build_items.extend([{"id": 1, "milestone": 1, "category": "Legal", "low": 100.0, "high": 200.0}])
    return plan


# -- numbers as typed ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("1,200", 1200.0),
    ("$85", 85.0),
    ("12.5%", 0.125),
    ("(300)", -300.0),
    ("1.2k", 1200.0),
    ("3M", 3_000_000.0),
    ("2b", 2e9),
    ("  7 ", 7.0),
    ("1 000 000", 1e6),
    ("€1_500.50", 1500.5),
    ("($1,200)", -1200.0),
    ("-4", -4.0),
    ("0.5", 0.5),
    ("50%", 0.5),
])
def test_parse_number_text_reads_numbers_as_founders_type_them(text, expected):
    assert parse_number_text(text) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("text", ["", "   ", "abc", "k", "()", "%", "1.2.3", "nan", "inf", "1e400", "12 apples"])
def test_parse_number_text_refuses_non_numbers(text):
    with pytest.raises(ValueError):
        parse_number_text(text)


MONEY = Field("amount", "Amount", Kind.MONEY, "USD", False, 0, 1e12)
SIGNED = Field("stated_cost", "Stated cost", Kind.MONEY, "USD", False, -1e12, 1e12)
FTE = SPECS["allocations"].field("fte")
USERS = SPECS["milestones"].field("target_users")
START = SPECS["milestones"].field("start_month")
CODE = SPECS["milestones"].field("code")
ROLE_REF = SPECS["allocations"].field("role")


def test_number_fields_parse_typed_text_and_numbers():
    assert MONEY.parse("1,200") == 1200.0
    assert MONEY.parse("$85") == 85.0
    assert MONEY.parse("1.2k") == 1200.0
    assert FTE.parse("12.5%") == 0.125
    assert SIGNED.parse("(300)") == -300.0
    assert MONEY.parse(42) == 42.0 and isinstance(MONEY.parse(42), float)
    assert MONEY.parse(np.float64(2.5)) == 2.5


def test_number_field_refuses_a_negative_below_its_minimum():
    with pytest.raises(FieldError) as e:
        MONEY.parse("(300)")
    assert e.value.reason == "Amount must be between 0 and 1,000,000,000,000, got (300)"  # numbers read bare
    with pytest.raises(FieldError, match=r'^Amount must be a number, got "twelve"$'):
        Field("amount", "Amount", Kind.MONEY).parse("twelve")
    with pytest.raises(FieldError, match=r"^Amount must be a number of at least 0, got -1$"):
        Field("amount", "Amount", Kind.MONEY, minimum=0).parse(-1.0)
    with pytest.raises(FieldError, match=r"^Users must be a whole number of at most 5, got 6$"):
        Field("users", "Users", Kind.INTEGER, maximum=5).parse(6)


@pytest.mark.parametrize("raw", [None, "", "   ", float("nan")])
def test_empty_input_gives_the_empty_value_of_each_kind(raw):
    assert math.isnan(MONEY.parse(raw))
    assert math.isnan(USERS.parse(raw))
    assert Field("notes", "Notes").parse(raw) == ""
    assert Field("m", "Milestone", Kind.REF, ref_table="milestones").parse(raw) == 0


def test_required_fields_refuse_empty_input():
    for f in (CODE, START, ROLE_REF, SPECS["stated_figures"].field("value")):
        with pytest.raises(FieldError, match=f"^{f.label} is required$"):
            f.parse("  ")


def test_refusals_quote_text_and_show_numbers_bare():
    with pytest.raises(FieldError, match=r'^FTE must be between 0 and 10, got "abc"$'):
        FTE.parse("abc")
    with pytest.raises(FieldError, match=r"^FTE must be between 0 and 10, got 11$"):
        FTE.parse(" 11 ")
    with pytest.raises(FieldError, match=r"^FTE must be between 0 and 10, got 1,200$"):
        FTE.parse("1,200")
    with pytest.raises(FieldError, match=r"^FTE must be between 0 and 10, got -1$"):
        FTE.parse(-1.0)


def test_bounds_are_inclusive():
    assert FTE.parse("0") == 0.0
    assert FTE.parse("10") == 10.0
    for bad in ("10.01", "-0.01", "11"):
        with pytest.raises(FieldError, match=r"^FTE must be between 0 and 10, got"):
            FTE.parse(bad)


def test_integer_fields_refuse_fractions_and_accept_whole_numbers():
    assert START.parse("12") == 12.0
    assert USERS.parse("1.2k") == 1200.0
    assert USERS.parse(5000) == 5000.0
    with pytest.raises(FieldError, match=r"^Start month must be a whole number, got 1.5$"):
        START.parse("1.5")
    with pytest.raises(FieldError, match=r"^Target users must be a whole number, got 2.5$"):
        USERS.parse(2.5)
    with pytest.raises(FieldError, match=r"^Start month must be a whole number between 1 and 600, got 0$"):
        START.parse(0)


def test_booleans_are_not_numbers():
    with pytest.raises(FieldError):
        MONEY.parse(True)
    with pytest.raises(FieldError):
        ROLE_REF.parse(True)


def test_text_fields_strip_and_limit_length():
    assert CODE.parse("  M7 ") == "M7"
    assert CODE.parse("x" * 16) == "x" * 16
    with pytest.raises(FieldError, match="longer than 16 characters"):
        CODE.parse("x" * 17)
    assert Field("n", "Name").parse(12) == "12"


def test_ref_field_alone_accepts_ids_only():
    assert ROLE_REF.parse(3) == 3
    with pytest.raises(FieldError):
        ROLE_REF.parse("Designer")


# -- cells of a plan ----------------------------------------------------------------------------

def test_refusal_names_the_cell_like_a_spreadsheet():
    plan = make_plan()
    with pytest.raises(CellError) as e:
        plan.parse_cell("allocations", 0, "fte", "abc")
    assert str(e.value) == 'Team!F2: FTE must be between 0 and 10, got "abc"'
    assert (e.value.sheet, e.value.cell, e.value.where) == ("Team", "F2", "Team!F2")
    assert e.value.reason == 'FTE must be between 0 and 10, got "abc"'
    with pytest.raises(CellError) as e:
        plan.parse_cell("milestones", 6, "start_month", "1.5")
    assert str(e.value) == "Milestones!D8: Start month must be a whole number, got 1.5"
    with pytest.raises(CellError) as e:
        plan.parse_cell("roles", None, "name", "")
    assert str(e.value) == "Rate card: Role is required"


def test_cell_addresses_follow_field_order():
    spec = SPECS["allocations"]
    assert [spec.address(0, f.name) for f in spec.fields][:6] == ["A2", "B2", "C2", "D2", "E2", "F2"]
    assert column_letter(0) == "A" and column_letter(25) == "Z" and column_letter(26) == "AA"
    assert column_letter(27) == "AB" and column_letter(701) == "ZZ" and column_letter(702) == "AAA"


def test_references_resolve_by_code_or_name_case_insensitively():
    plan = make_plan()
    assert plan.parse_cell("allocations", 0, "milestone", "m2") == 2
    assert plan.parse_cell("allocations", 0, "milestone", " M1 ") == 1
    assert plan.parse_cell("allocations", 0, "role", "designer") == 2
    assert plan.parse_cell("allocations", 0, "role", 1) == 1
    assert plan.parse_cell("stated_figures", 0, "milestone", "") == 0
    assert plan.ref_label("roles", 2) == "Designer"
    assert plan.ref_label("milestones", 1) == "M1"
    assert plan.ref_label("milestones", 0) == ""


def test_unknown_references_are_refused_with_the_sheet_they_point_to():
    plan = make_plan()
    with pytest.raises(CellError) as e:
        plan.parse_cell("allocations", 0, "milestone", "M9")
    assert str(e.value) == 'Team!A2: Milestone must be an existing milestone (Milestones), got "M9"'
    with pytest.raises(CellError) as e:
        plan.parse_cell("allocations", 3, "role", "CEO")
    assert str(e.value) == 'Team!B5: Role must be an existing role (Rate card), got "CEO"'
    with pytest.raises(CellError, match=r"^Team!B2: Role 99 does not exist$"):
        plan.parse_cell("allocations", 0, "role", 99)
    with pytest.raises(CellError, match=r"^Team!A2: Milestone is required$"):
        plan.parse_cell("allocations", 0, "milestone", "")


def test_stated_figure_metric_and_bound_must_be_known():
    plan = make_plan()
    assert plan.parse_cell("stated_figures", 0, "metric", "operating_total") == "operating_total"
    assert plan.parse_cell("stated_figures", 0, "bound", "mid") == "mid"
    with pytest.raises(CellError, match=r"^Stated figures!B2: Metric must be one of"):
        plan.parse_cell("stated_figures", 0, "metric", "profit")
    with pytest.raises(CellError, match=r"^Stated figures!D2: Bound must be one of"):
        plan.parse_cell("stated_figures", 0, "bound", "max")


# -- row rules ---------------------------------------------------------------------------------

def _row(plan: Plan, table: str, pos: int, **changes):
    row = plan.tables[table].row(pos)
    row.pop("id")
    row.update(changes)
    return row


def test_check_row_accepts_valid_rows():
    plan = make_plan()
    for table in ("milestones", "roles", "allocations", "estimates", "build_items"):
        plan.check_row(table, 0, _row(plan, table, 0), row_id=int(plan.tables[table].ids[0]))


def test_end_month_before_start_is_refused_at_the_end_month():
    plan = make_plan()
    with pytest.raises(CellError) as e:
        plan.check_row("milestones", 1, _row(plan, "milestones", 1, start_month=5.0, end_month=2.0), row_id=2)
    assert str(e.value) == "Milestones!E3: End month 2 is before start month 5"
    plan.check_row("milestones", 1, _row(plan, "milestones", 1, start_month=5.0, end_month=5.0), row_id=2)


def test_duplicate_milestone_code_and_role_name_are_refused_case_insensitively():
    plan = make_plan()
    with pytest.raises(CellError) as e:
        plan.check_row("milestones", 1, _row(plan, "milestones", 1, code="m1"), row_id=2)
    assert str(e.value) == 'Milestones!A3: Code "m1" is already used by row 2'
    with pytest.raises(CellError) as e:
        plan.check_row("roles", None, {"name": "DESIGNER"})
    assert e.value.reason == 'Role "DESIGNER" is already used by row 3'
    # a row may keep its own code
    plan.check_row("milestones", 0, _row(plan, "milestones", 0, code="m1"), row_id=1)


def test_estimate_bounds_low_high_and_mid_inside():
    plan = make_plan()
    with pytest.raises(CellError) as e:
        plan.check_row("estimates", 0, _row(plan, "estimates", 0, low=40.0, mid=math.nan), row_id=1)
    assert str(e.value) == "Estimates!E2: High 30 is below low 40"
    with pytest.raises(CellError) as e:
        plan.check_row("estimates", 0, _row(plan, "estimates", 0, mid=35.0), row_id=1)
    assert str(e.value) == "Estimates!D2: Mid 35 lies outside low 10 to high 30"
    with pytest.raises(CellError, match=r"^Estimates!D2: Mid 5 lies outside"):
        plan.check_row("estimates", 0, _row(plan, "estimates", 0, mid=5.0), row_id=1)
    # partial estimates are fine
    plan.check_row("estimates", 0, _row(plan, "estimates", 0, low=math.nan, high=math.nan, mid=1e6), row_id=1)
    plan.check_row("estimates", 0, _row(plan, "estimates", 0, low=50.0, mid=60.0, high=math.nan), row_id=1)


def test_build_line_range_low_above_high_is_refused():
    plan = make_plan()
    with pytest.raises(CellError, match=r"^Build costs!I2: High 200 is below low 300$"):
        plan.check_row("build_items", 0, _row(plan, "build_items", 0, low=300.0), row_id=1)


def test_check_row_refuses_missing_required_values_and_dangling_references():
    plan = make_plan()
    with pytest.raises(CellError, match=r"^Team!B2: Role is required$"):
        plan.check_row("allocations", 0, _row(plan, "allocations", 0, role=0), row_id=1)
    with pytest.raises(CellError, match=r"^Team!A2: Milestone refers to a milestone that does not exist$"):
        plan.check_row("allocations", 0, _row(plan, "allocations", 0, milestone=7), row_id=1)
    with pytest.raises(CellError, match=r"^Milestones!D3: Start month is required$"):
        plan.check_row("milestones", 1, _row(plan, "milestones", 1, start_month=math.nan), row_id=2)


def test_new_row_values_are_valid_and_unique():
    plan = make_plan()
    m = plan.new_row_values("milestones")
    assert m["code"] == "M3" and m["start_month"] == 7.0 and m["end_month"] == 7.0
    plan.check_row("milestones", None, m)
    r = plan.new_row_values("roles")
    assert r["name"] == "New role 3"
    plan.check_row("roles", None, r)
    a = plan.new_row_values("allocations")
    assert (a["milestone"], a["role"], a["fte"], a["months"]) == (2, 1, 1.0, 1.0)
    plan.check_row("allocations", None, a)


# -- settings ----------------------------------------------------------------------------------

def test_settings_currency_is_a_three_letter_code():
    assert PlanSettings.parse("currency", " eur ") == "EUR"
    for bad in ("EURO", "US", "12$", "", None):
        with pytest.raises(CellError) as e:
            PlanSettings.parse("currency", bad)
        assert e.value.where == "Plan" and e.value.reason.startswith("Currency must be")
        assert "3-letter ISO code" in e.value.reason


def test_settings_hours_per_month_bounds():
    assert PlanSettings.parse("hours_per_month", "160") == 160.0
    assert PlanSettings.parse("hours_per_month", 1) == 1.0
    assert PlanSettings.parse("hours_per_month", "744") == 744.0
    assert PlanSettings.parse("hours_per_month", "2.4e2") == 240.0
    for bad in ("0", "0.5", "745", "1,000", "abc", "", -3, float("nan"), True):
        with pytest.raises(CellError) as e:
            PlanSettings.parse("hours_per_month", bad)
        assert str(e.value).startswith("Plan: Hours per month must be between 1 and 744, got ")


def test_settings_name_required_and_unknown_key():
    assert PlanSettings.parse("name", "  Seed plan ") == "Seed plan"
    with pytest.raises(CellError, match=r"^Plan: Plan name is required$"):
        PlanSettings.parse("name", "  ")
    assert PlanSettings.parse("notes", None) == ""
    with pytest.raises(KeyError):
        PlanSettings.parse("colour", "red")
    assert PlanSettings().keys() == ("name", "currency", "hours_per_month", "notes", "start_date", "horizon_months",
                                     "number_locale")


# -- table storage ------------------------------------------------------------------------------

def test_table_insert_delete_keep_ids_and_columns_aligned():
    t = Table(SPECS["roles"])
    a = t.insert(0, {"name": "A", "hourly_rate": 1.0})
    b = t.insert(0, {"name": "B"})
    c = t.insert(1, {"name": "C", "hourly_rate": 3.0})
    assert (a, b, c) == (1, 2, 3)
    assert t.ids.tolist() == [2, 3, 1]
    assert t.column("name") == ["B", "C", "A"]
    assert np.isnan(t.column("hourly_rate")[0]) and t.column("hourly_rate")[1:].tolist() == [3.0, 1.0]
    assert t.position(1) == 2
    row = t.delete(1)
    assert row["id"] == 3 and row["name"] == "C"
    assert t.ids.tolist() == [2, 1] and t.position(1) == 1 and not t.has_id(3)
    assert t.next_id() == 4  # ids are never reused in a session
    with pytest.raises(ValueError):
        t.insert(0, {"name": "X"}, row_id=2)
    for bad in (-1, 3):  # outside the table: refused before any column changes
        with pytest.raises(IndexError):
            t.insert(bad, {"name": "X"})
    assert len(t.column("name")) == len(t.column("hourly_rate")) == len(t) == 2
    assert t.extend([{"name": "D"}, {"id": 10, "name": "E"}, {"name": "F"}]) == [4, 10, 11]
    before = (t.ids.tolist(), list(t.column("name")), np.nan_to_num(t.column("hourly_rate"), nan=-1).tolist())
    with pytest.raises(ValueError, match="duplicate"):
        t.extend([{"id": 20, "name": "G"}, {"id": 4, "name": "H"}])
    with pytest.raises(ValueError, match="duplicate"):
        t.extend([{"id": 30, "name": "G"}, {"id": 30, "name": "H"}])
    # a refused extend leaves the table as it was (it used to append first and complain after)
    assert (t.ids.tolist(), list(t.column("name")),
            np.nan_to_num(t.column("hourly_rate"), nan=-1).tolist()) == before


def test_is_empty_matches_each_kinds_stored_empty_value():
    assert is_empty(None) and is_empty("") and is_empty(math.nan)
    assert is_empty(0)  # a reference to no row
    assert not is_empty(0.0) and not is_empty("x") and not is_empty(3) and not is_empty(False)
    for f in (MONEY, CODE, ROLE_REF):
        assert is_empty(f.empty_value())


@pytest.mark.parametrize("typed, stored", [("2026-01", "2026-01"), ("2026-1-15", "2026-01"), ("01/2026", "2026-01"),
                                           ("Jan 2026", "2026-01"), ("september 2027", "2027-09"), ("", "")])
def test_start_month_accepts_the_ways_a_founder_writes_a_month(typed, stored):
    assert PlanSettings.parse("start_date", typed) == stored


@pytest.mark.parametrize("typed", ["soon", "2026-13", "Janvier 2026", "13/2026"])
def test_start_month_refuses_what_is_not_a_month(typed):
    with pytest.raises(CellError, match=r'^Plan: Start month must be a month such as 2026-01 or Jan 2026, got "'):
        PlanSettings.parse("start_date", typed)


def test_month_labels_follow_the_start_month_across_a_new_year():
    from vivim_planner.domain.plan import month_labels

    assert month_labels("2026-11", 3) == ["Nov 2026", "Dec 2026", "Jan 2027"]
    assert month_labels("", 2) == ["Month 1", "Month 2"]


@pytest.mark.parametrize("typed", ["2.5", "-1", "601", "many"])
def test_horizon_is_a_whole_number_of_months(typed):
    with pytest.raises(CellError, match=r"^Plan: Horizon must be a whole number of months"):
        PlanSettings.parse("horizon_months", typed)
    assert PlanSettings.parse("horizon_months", "36") == 36.0
    assert PlanSettings.parse("horizon_months", "") == 0.0
