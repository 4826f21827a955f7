"""``export`` and ``import``: the plan as an Excel workbook (or CSV files) and back."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import EXIT_ERROR, EXIT_OK, PROG, CliError, one_line, open_readonly, plan_argument


def cmd_export(args: argparse.Namespace) -> int:
    """Write the plan to an .xlsx workbook (formulas with cached values), or with ``--csv``
    one CSV file per grid into the folder OUT."""
    from ..excel import export_csv, export_workbook

    out = Path(args.out)
    if not args.csv and out.is_dir():
        raise CliError(f"{out}: is a folder; give the .xlsx file to write (or --csv to write CSV files there)")
    folder = out if args.csv else (out.parent if str(out.parent) else Path("."))
    if not args.csv and not folder.is_dir():
        raise CliError(f"{out}: the folder {folder} does not exist")
    doc = open_readonly(args.plan)
    try:
        if args.csv:
            paths = export_csv(doc.plan, out)
            print(f"wrote {len(paths)} CSV files to {out}")
        else:
            info = export_workbook(doc.plan, out, draws=args.draws, seed=args.seed)
            sim = f"; Simulation: {args.draws:,} draws, seed {args.seed}" if "Simulation" in info.sheets else ""
            print(f"wrote {out} ({len(info.sheets)} sheets{sim})")
    except OSError as e:
        raise CliError(f"{out}: cannot write ({e.strerror or e})") from None
    finally:
        doc.close()
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """Read a workbook into a new plan file. A bad workbook prints one line per bad cell
    (``Team!F7: FTE must be between 0 and 10, got -1``) and exits 2 without writing."""
    from ..domain import PlanError
    from ..excel import WorkbookError, import_workbook
    from ..storage import PlanDocument

    out = Path(args.out)
    if out.exists() and not args.force:
        raise CliError(f"{out}: exists already; pass --force to replace it")
    try:
        result = import_workbook(args.workbook)
    except WorkbookError as e:
        for line in e.errors:
            print(f"{PROG}: {one_line(line)}", file=sys.stderr)
        return EXIT_ERROR
    try:
        PlanDocument.create(out, result.plan, overwrite=args.force).close()
    except PlanError as e:
        raise CliError(str(e)) from None
    except OSError as e:
        raise CliError(f"{out}: cannot write ({e.strerror or e})") from None
    counts = ", ".join(f"{len(t):,} {t.spec.noun}{'s' * (len(t) != 1)}" for t in result.plan.tables.values() if len(t))
    print(f"wrote {out}: {counts or 'an empty plan'}")
    return EXIT_OK


def _draws(text: str) -> int:
    """``--draws``: a whole number from 0 (no Simulation sheet) to 100,000."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"draws must be a whole number, got {text!r}") from None
    if not 0 <= n <= 100_000:
        raise argparse.ArgumentTypeError(f"draws must be between 0 and 100,000, got {n}")
    return n


def add_parsers(sub) -> None:  # noqa: ANN001 - argparse subparsers action
    """Add ``export`` and ``import`` to the CLI's subcommands."""
    p = sub.add_parser("export", help="the plan as an Excel workbook (or CSV files) for investors",
                       description="Write PLAN to OUT.xlsx: a Summary, one sheet per grid, every derived figure a "
                                   "live formula with its value. With --csv write one CSV file per grid into OUT.")
    plan_argument(p)
    p.add_argument("out", metavar="OUT", help="the .xlsx file to write (with --csv: a folder)")
    p.add_argument("--csv", action="store_true", help="write one CSV file per grid into the folder OUT")
    p.add_argument("--draws", type=_draws, default=2000, metavar="N",
                   help="Monte Carlo draws of the Simulation sheet of a plan with ranges (default 2000; 0: none)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="seed of those draws (default 0)")
    p.set_defaults(func=cmd_export, parser=p)

    p = sub.add_parser("import", help="a workbook exported (and edited) in Excel as a new plan file",
                       description="Read the inputs of IN.xlsx, check every cell and write the plan to OUT.vivim. "
                                   "Bad cells are listed one per line as Sheet!Cell: reason (exit code 2).")
    p.add_argument("workbook", metavar="IN.xlsx", help="a workbook written by vivim-planner export")
    p.add_argument("out", metavar="OUT.vivim", help="the plan file to create")
    p.add_argument("--force", action="store_true", help="replace OUT.vivim if it exists")
    p.set_defaults(func=cmd_import, parser=p)
