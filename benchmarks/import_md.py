"""Time the import of a founder's Markdown document (default: the VIVIM seed, seed 000).

    python benchmarks/import_md.py [DOC.md] [--repeat N] [--json]
    python benchmarks/import_md.py --hostile

Prints the best and median of N imports (parse with markdown-it-py, classification, the plan
with every row checked), the parse alone, and the audit of the imported plan. The issue's
target for the VIVIM seed is 0.5 s per import. ``--hostile`` times ``vivim-planner import`` on
bad Markdown (a 50 MB file, a 10,000-column table, binary data renamed .md, nested HTML, an
all-text table, 1 MiB of pathological emphasis) and prints each exit code and message.
Nothing here fails on time.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import tempfile
import statistics
import sys
import time
from pathlib import Path

from vivim_planner.engine import audit
from vivim_planner.sources import import_markdown
from vivim_planner.sources.tree import blocks, read_text

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO / "sample_models" / "sources" / "seed_000_5ea900fb35f65773.md"


def hostile() -> int:
    """Time the CLI on each bad document (written to a temporary folder)."""
    from vivim_planner.cli import main as cli

    d = Path(tempfile.mkdtemp())
    cases = {}
    big = d / "huge.md"
    with open(big, "wb") as f:
        f.truncate(50 * 1024 * 1024)
    cases["50 MB file"] = big
    cases["10,000-column table"] = d / "wide.md"
    cases["10,000-column table"].write_text("# Milestone 1: A\n\n|" + "|".join(f"c{i}" for i in range(10_000)) + "|\n|"
                                            + "---|" * 10_000 + "\n|" + "$1|" * 10_000 + "\n")
    cases["binary renamed .md"] = d / "photo.md"
    cases["binary renamed .md"].write_bytes(os.urandom(200_000) + b"\0")
    cases["nested HTML (40,000 levels)"] = d / "html.md"
    cases["nested HTML (40,000 levels)"].write_text("# Milestone 1: A\n\n" + "<div>" * 40_000 + "$900" +
                                                    "</div>" * 40_000 + "\n")
    cases["all-text table (5,000 rows)"] = d / "text.md"
    cases["all-text table (5,000 rows)"].write_text("# Phase 1: A\n\n| Task | Owner |\n|---|---|\n" +
                                                    "| write | ana |\n" * 5_000)
    cases["1 MiB of *a*a*a (emphasis)"] = d / "emph.md"
    cases["1 MiB of *a*a*a (emphasis)"].write_text("# P\n\n" + "*a" * 500_000 + "\n")
    for name, p in cases.items():
        out, err = io.StringIO(), io.StringIO()
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli(["import", str(p), str(d / "out.vivim"), "--force"])
        dt = time.perf_counter() - t0
        every = (err.getvalue() + out.getvalue()).splitlines()
        lines = [ln for ln in every if "skipped" in ln or "vivim-planner:" in ln] or every[-1:]
        print(f"{name:30s} exit {code}  {dt * 1e3:8.0f} ms  {lines[0][:100] if lines else ''}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("doc", nargs="?", default=str(DEFAULT))
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--hostile", action="store_true", help="time the import of bad Markdown instead")
    args = ap.parse_args(argv)
    if args.hostile:
        return hostile()
    text = read_text(args.doc)
    times, parse = [], []
    result = None
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        blocks(text)
        parse.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        result = import_markdown(args.doc)
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    findings = audit(result.plan)
    t_audit = time.perf_counter() - t0
    figures = {
        "document": Path(args.doc).name, "bytes": len(text.encode()), "lines": text.count("\n") + 1,
        "import_best_s": min(times), "import_median_s": statistics.median(times),
        "parse_best_s": min(parse), "audit_s": t_audit, "rows": sum(len(t) for t in result.plan.tables.values()),
        "report_entries": len(result.report.entries), "findings": len(findings), "target_s": 0.5,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"{figures['document']}: {figures['bytes']:,} bytes, {figures['lines']:,} lines -> "
              f"{figures['rows']:,} rows, {figures['report_entries']} report entries, {figures['findings']} findings")
        print(f"  import   best {min(times) * 1e3:7.1f} ms   median {statistics.median(times) * 1e3:7.1f} ms   "
              f"(target 500 ms)")
        print(f"  parse    best {min(parse) * 1e3:7.1f} ms   (markdown-it-py alone)")
        print(f"  audit         {t_audit * 1e3:7.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
