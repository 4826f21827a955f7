"""``vivim-planner import PLAN.md OUT.vivim``: the report, and bad Markdown refused or reported
with line numbers (a 50 MB file, a 10,000-column table, binary data renamed .md, nested HTML,
a table whose cells are all text), nothing written on a refusal."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from vivim_planner.cli import main
from vivim_planner.engine import audit
from vivim_planner.storage import PlanDocument

REPO = Path(__file__).resolve().parents[1]
SEED_000 = REPO / "sample_models" / "sources" / "seed_000_5ea900fb35f65773.md"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _plan(path: Path):
    doc = PlanDocument.open(path, readonly=True)
    try:
        return doc.plan
    finally:
        doc.close()


def test_seed_000_imports_on_the_command_line_with_its_report(tmp_path, capsys):
    out = tmp_path / "vivim.vivim"
    code, text, err = run(capsys, "import", str(SEED_000), str(out), "--name", "VIVIM")
    assert code == 0, err
    assert text.startswith(f"wrote {out}\n")
    assert "10 Milestones" in text and "46 Team" in text
    assert 'line 68: table under "Personnel (3 months)" -> 4 team lines of M1 + 1 stated subtotal' in text
    assert "line 880: table under \"APPENDIX: DATA SOURCES\" -> skipped: not read: no amounts" in text
    plan = _plan(out)
    assert plan.settings.name == "VIVIM" and plan.settings.hours_per_month == 240
    assert len(audit(plan)) == 27
    code, text, err = run(capsys, "import", str(SEED_000), str(out))
    assert code == 2 and "exists already; pass --force" in err


def test_the_report_as_json(tmp_path, capsys):
    code, text, _ = run(capsys, "import", str(SEED_000), str(tmp_path / "v.vivim"), "--json")
    assert code == 0
    report = json.loads(text)
    assert report["counts"]["Team"] == 46
    entry = next(e for e in report["entries"] if e["line"] == 26)
    assert entry["skipped"] and entry["help"]  # Infrastructure Costs (2025): reference prices only


def test_a_50_mb_file_is_refused_without_being_read(tmp_path, capsys):
    big = tmp_path / "huge.md"
    with open(big, "wb") as f:
        f.truncate(50 * 1024 * 1024)
    out = tmp_path / "out.vivim"
    code, _, err = run(capsys, "import", str(big), str(out))
    assert code == 2
    assert "huge.md: 52.4 MB is more than the 1 MiB a cost document can be" in err
    assert not out.exists()


@pytest.mark.parametrize("data, words", [
    (b"# Plan\n\n| a | b |\n" + os.urandom(2000) + b"\0\x01\x02", "binary data (a NUL byte)"),
    (b"# Plan\n\nline two\n\xff\xfe\xfa not utf-8\n", "line 4: not UTF-8 text (byte 0xFF)"),
    (bytes(range(1, 32)) * 200, "control characters: binary data"),
])
def test_binary_data_renamed_md_is_refused_with_its_line(tmp_path, capsys, data, words):
    src = tmp_path / "photo.md"
    src.write_bytes(data)
    out = tmp_path / "out.vivim"
    code, _, err = run(capsys, "import", str(src), str(out))
    assert code == 2 and words in err, err
    assert not out.exists()


def test_a_table_of_10000_columns_is_reported_and_the_rest_read(tmp_path, capsys):
    wide = "|" + "|".join(f"c{i}" for i in range(10_000)) + "|\n|" + "---|" * 10_000 + "\n|" + "$1|" * 10_000 + "\n"
    src = tmp_path / "wide.md"
    src.write_text("# Milestone 1: Launch (Months 1-2)\n\n" + wide + "\n## Tools\n\n| Item | Cost |\n|---|---|\n"
                   "| Laptop | $1,500 |\n", encoding="utf-8")
    code, text, err = run(capsys, "import", str(src), str(tmp_path / "out.vivim"))
    assert code == 0, err
    assert ('line 3: table under "Milestone 1: Launch (Months 1-2)" -> skipped: not read: 10,000 columns, '
            "more than the 64 a cost table can have") in text
    plan = _plan(tmp_path / "out.vivim")
    assert plan.build_items.get(0, "amount") == 1500 and len(plan.build_items) == 1


def test_nested_html_is_reported_never_interpreted(tmp_path, capsys):
    html = "<div>" * 5000 + "<table><tr><td>Server</td><td>$900</td></tr></table>" + "</div>" * 5000
    src = tmp_path / "html.md"
    src.write_text(f"# Milestone 1: Beta\n\n{html}\n\n<script>alert(1)</script>\n\n- Domain: $12/yr\n", encoding="utf-8")
    code, text, err = run(capsys, "import", str(src), str(tmp_path / "out.vivim"))
    assert code == 0, err
    assert "line 3: HTML block -> skipped: not read (HTML is never interpreted)" in text
    plan = _plan(tmp_path / "out.vivim")
    assert len(plan.build_items) + len(plan.operating_costs) == 1  # the domain only, never the $900 in HTML
    assert "$900" not in "".join(str(v) for r in plan.build_items.rows() for v in r.values())


def test_a_table_whose_cells_are_all_text_is_reported(tmp_path, capsys):
    src = tmp_path / "text.md"
    src.write_text("# Phase 1: Research\n\n| Task | Owner | Notes |\n|---|---|---|\n| Interviews | Ana | twenty |\n"
                   "| Survey | Ben | online |\n", encoding="utf-8")
    code, text, _ = run(capsys, "import", str(src), str(tmp_path / "out.vivim"))
    assert code == 0
    assert 'line 3: table under "Phase 1: Research" -> skipped: not read: no amounts in any cell (a text table)' in text


def test_an_exported_workbook_still_goes_to_the_workbook_import(tmp_path, capsys):
    xlsx = tmp_path / "plan.xlsx"
    code, _, err = run(capsys, "export", str(REPO / "sample_models" / "vivim.vivim"), str(xlsx))
    assert code == 0, err
    code, text, err = run(capsys, "import", str(xlsx), str(tmp_path / "back.vivim"))
    assert code == 0, err
    assert "wrote" in text and "46 team lines" in text
