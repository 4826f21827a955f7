"""The workbook printed (LibreOffice's PDF export, what a mail preview or a printer shows): every
page belongs to a visible sheet that holds rows, never to an empty (hidden) grid's header; the
page counts are printed for the report.

Needs LibreOffice and pdftotext (Debian: ``libreoffice-calc-nogui``, ``poppler-utils``); under CI
a missing tool fails the test, elsewhere it skips with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_excel_libreoffice import RECALC_ALWAYS, SAMPLES, _soffice  # noqa: E402

from vivim_planner.excel import export_workbook  # noqa: E402
from vivim_planner.storage import PlanDocument  # noqa: E402


def _pdftotext() -> str:
    exe = shutil.which("pdftotext")
    if exe:
        return exe
    reason = "pdftotext is not installed: apt-get install poppler-utils"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def to_pdf(tmp_path_factory):  # noqa: ANN201 - function(Path) -> list[str] (text per page)
    exe, text = _soffice(), _pdftotext()
    base = tmp_path_factory.mktemp("pdf")
    profile = base / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS)

    def run(path: Path) -> list[str]:
        out = base / path.stem
        out.mkdir(exist_ok=True)
        r = subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                            "--convert-to", "pdf", "--outdir", str(out), str(path)],
                           capture_output=True, text=True, timeout=240)
        pdf = out / f"{path.stem}.pdf"
        assert r.returncode == 0 and pdf.exists(), r.stdout + r.stderr
        pages = subprocess.run([text, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        return pages.split("\f")[:-1] if pages.endswith("\f") else pages.split("\f")

    return run


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_every_printed_page_belongs_to_a_sheet_with_rows(sample, to_pdf, tmp_path):
    doc = PlanDocument.open(sample, readonly=True)
    plan = doc.plan
    doc.close()
    out = tmp_path / f"{sample.stem}.xlsx"
    info = export_workbook(plan, out)
    wb = openpyxl.load_workbook(out)
    pages = to_pdf(out)
    hidden = {ws.title for ws in wb.worksheets if ws.sheet_state != "visible"}
    assert hidden, "an empty grid is hidden, so this test checks something"
    printed: dict[str, int] = {}
    for i, page in enumerate(pages):
        lines = [line for line in page.splitlines() if line.strip()]
        assert lines, f"page {i + 1} is blank"
        head = lines[0].split()
        sheet = next((s for s in sorted(info.sheets, key=len, reverse=True) if lines[0].rstrip().endswith(s)), None)
        assert sheet is not None, (i + 1, head)
        assert sheet not in hidden, f"page {i + 1} prints the hidden sheet {sheet}"
        printed[sheet] = printed.get(sheet, 0) + 1
        # a grid's page holds rows, not just its header: more lines than header + footer
        assert len(lines) > 3, f"page {i + 1} ({sheet}) holds only a header: {lines}"
    print(f"\n{sample.stem}: {len(pages)} pages: {printed}")
    assert "Summary" in printed and "Timeline" in printed
