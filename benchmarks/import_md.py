"""Time the import of a founder's Markdown document (default: the VIVIM seed, seed 000).

    python benchmarks/import_md.py [DOC.md] [--repeat N] [--json]

Prints the best and median of N imports (parse with markdown-it-py, classification, the plan
with every row checked), the parse alone, and the audit of the imported plan. The issue's
target for the VIVIM seed is 0.5 s per import; nothing here fails on time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from vivim_planner.engine import audit
from vivim_planner.sources import import_markdown
from vivim_planner.sources.tree import blocks, read_text

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO / "sample_models" / "sources" / "seed_000_5ea900fb35f65773.md"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("doc", nargs="?", default=str(DEFAULT))
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
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
