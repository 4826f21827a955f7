"""Bank CSV import (excel/bank_csv.py): every problem of a 1,000-row export reported by row and
nothing imported; the same file, its problems fixed, imported in full as one undo step with the
map remembered; dates, signs and a second import of the same file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vivim_planner.commands import History, set_settings
from vivim_planner.excel.bank_csv import BankImportError, plan_bank_import
from vivim_planner.storage import PlanDocument

from plan_helpers import snapshot

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures"
BANK, MAP = FIX / "bank_1000.csv", FIX / "bank_map.csv"


@pytest.fixture
def doc(tmp_path):
    path = tmp_path / "vivim.vivim"
    shutil.copy(ROOT / "sample_models" / "vivim.vivim", path)
    d = PlanDocument.open(path)
    History(d).push(set_settings(d.plan, {"start_date": "2026-01"}))
    yield d
    d.close()


def test_every_problem_of_the_1000_row_file_is_reported_by_row_and_nothing_is_imported(doc):
    before = snapshot(doc.plan)
    with pytest.raises(BankImportError) as e:
        plan_bank_import(doc.plan, BANK, MAP)
    errors = e.value.errors
    by_row = {int(line.split(" row ")[1].split(":")[0]): line for line in errors}
    assert sorted(by_row) == [101, 250, 402, 612, 777, 900]  # exactly the planted problems, each once
    assert 'no category for "ACME CONSULTING LLC"' in by_row[101]
    assert 'no category for "WEWORK 123 MAIN ST"' in by_row[402] and 'no category for "UBER *TRIP"' in by_row[777]
    assert "the same transaction as row 249" in by_row[250]
    assert "is in EUR, the plan is in USD" in by_row[612]
    assert 'date "2026-02-30" is not a day' in by_row[900]
    assert any(n.startswith("bank_1000.csv row 333: refund of 120.00 USD (DIGITALOCEAN.COM REFUND) nets against "
                            "Infrastructure in Jan 2026") for n in e.value.notes)
    assert all(line.startswith("bank_1000.csv row ") for line in errors)
    assert snapshot(doc.plan) == before  # nothing imported half


def _fixed(tmp_path: Path) -> Path:
    lines = BANK.read_text(encoding="utf-8").splitlines()
    lines[101 - 1] = lines[101 - 1].replace("ACME CONSULTING LLC", "LEGALZOOM ACME")
    lines[402 - 1] = lines[402 - 1].replace("WEWORK 123 MAIN ST", "AWS EMEA WEWORK")
    lines[777 - 1] = lines[777 - 1].replace("UBER *TRIP", "FIGMA UBER")
    lines[612 - 1] = lines[612 - 1].replace(",EUR", ",USD")
    lines[900 - 1] = lines[900 - 1].replace("2026-02-30", "2026-02-28")
    del lines[250 - 1]  # the repeated transaction
    out = tmp_path / "bank_fixed.csv"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def test_the_fixed_file_imports_in_full_as_one_undo_step_and_the_map_is_remembered(doc, tmp_path):
    fixed = _fixed(tmp_path)
    imp = plan_bank_import(doc.plan, fixed, MAP)
    assert imp.count == 999 and imp.months == [1, 2, 3]
    history = History(doc)
    before = snapshot(doc.plan)
    history.push(imp.command)
    acts = doc.plan.tables["actuals"]
    assert len(acts) == 999 and len(doc.plan.tables["category_map"]) == 11
    amounts = [float(line.split(",")[2]) for line in fixed.read_text().splitlines()[1:]]
    assert sum(acts.column("amount")) == pytest.approx(sum(amounts), abs=1e-6)
    assert sum(imp.by_category.values()) == pytest.approx(sum(amounts), abs=1e-6)
    refund = [r for r in acts.rows() if r["description"] == "DIGITALOCEAN.COM REFUND"][0]
    assert (refund["amount"], refund["category"], refund["month"], refund["source"]) == (
        -120.0, "Infrastructure", 1.0, "bank_fixed.csv row 332")  # one row up: row 250 went
    reopened = PlanDocument.open(doc.path, readonly=True)  # written through to the file
    assert len(reopened.plan.tables["actuals"]) == 999
    reopened.close()
    with pytest.raises(BankImportError) as e:  # the same file again: every row is imported already
        plan_bank_import(doc.plan, fixed)  # no --map: the plan remembers it
    assert len(e.value.errors) == 999 and "already imported (Actuals row 2," in e.value.errors[0]
    history.undo()
    assert snapshot(doc.plan) == before


def test_dates_signs_currency_symbols_and_headers(doc, tmp_path):
    def run(text: str, **kw):
        p = tmp_path / "b.csv"
        p.write_text(text, encoding="utf-8")
        return plan_bank_import(doc.plan, p, MAP, **kw)

    imp = run("Booking date;Payee;Amount\n05/02/2026;FIGMA;-12.50\n20/03/2026;Stripe fees Feb;-1.00\n",
              debits_negative=True)  # a semicolon export, payments negative, day first (20/03)
    rows = imp.command.commands[0].rows
    assert [(r["month"], r["category"], r["amount"], r["date"]) for _p, r in rows] == [
        (2.0, "Third-Party", 12.5, "2026-02-05"), (3.0, "Payment fees", 1.0, "2026-03-20")]
    with pytest.raises(BankImportError, match="3 April or March 4.*--day-first"):
        run("Date,Description,Amount\n03/04/2026,FIGMA,1\n")
    assert run("Date,Description,Amount\n03/04/2026,FIGMA,1\n", day_first=False).months == [3]
    with pytest.raises(BankImportError) as e:
        run("Date,Description,Amount\n2025-12-31,FIGMA,1\n2026-01-02,FIGMA,€4\n2026-01-03,FIGMA,\"0,5\"\n2026-01-04,,3\n")
    assert e.value.errors == [
        "b.csv row 2: 2025-12-31 is before the plan's first month (Jan 2026)",
        "b.csv row 3: amount €4 is in EUR, the plan is in USD; convert it first (no exchange rate is guessed)",
        'b.csv row 4: amount "0,5" is not a number; write 0.5',
        "b.csv row 5: no description, so no category can be found"]
    with pytest.raises(BankImportError, match="row 1: no amount column"):
        run("Date,Description,Total\n2026-01-02,FIGMA,4\n")
    doc.plan.settings = doc.plan.with_settings(start_date="")
    with pytest.raises(BankImportError, match="no start month"):
        run("Date,Description,Amount\n2026-01-02,FIGMA,4\n")


def test_a_bad_map_file_is_refused_line_by_line(doc, tmp_path):
    bad = tmp_path / "map.csv"
    bad.write_text("Pattern,Category\nFIGMA,Design tools\n,Legal\nFIGMA,Legal\nfigma,Legal\n", encoding="utf-8")
    with pytest.raises(BankImportError) as e:
        plan_bank_import(doc.plan, BANK, bad)
    assert e.value.errors == [
        'map.csv row 2: category "Design tools" is not a category of this plan; use one of Personnel, '
        "Infrastructure, Third-Party, Legal, Compliance, Legal/Compliance, Marketing, Design, Marketing (Growth), "
        "Support, Legal (IP), BD/Marketing",
        "map.csv row 3: no description pattern for category Legal",
        'map.csv row 5: "figma" is mapped already in row 4']
