"""``import`` of documents this app did not write: a founder's Markdown cost breakdown, or any
spreadsheet or CSV whose columns are mapped to a grid's fields.

::

    vivim-planner import PLAN.md OUT.vivim [--force] [--json] [--name N] [--currency C] [--hours H]
    vivim-planner import SHEET.csv|SHEET.xlsx OUT.vivim --map "Hourly Rate=rate,Qty=fte" [--table T] [--sheet S]

It takes over the ``import`` command that :mod:`.workbook` registers: a Markdown file, a CSV file or
``--map`` come here; a workbook exported by this app goes on to the workbook import as before.
The report (every table and list with what it became or why it was skipped, at its line) is
printed to stdout; a document that cannot be read at all, or bad cells (``Sheet!C7: reason``),
end with exit code 2 and nothing written.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .common import EXIT_ERROR, EXIT_OK, PROG, CliError, one_line

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".txt")
TEXT_TABLE_SUFFIXES = (".csv", ".tsv")


def _write(out: Path, plan, force: bool) -> None:  # noqa: ANN001 - Plan
    from ..domain import PlanError
    from ..storage import PlanDocument

    try:
        PlanDocument.create(out, plan, overwrite=force).close()
    except PlanError as e:
        raise CliError(str(e)) from None
    except OSError as e:
        raise CliError(f"{out}: cannot write ({e.strerror or e})") from None


def cmd_import_markdown(args: argparse.Namespace) -> int:
    """Read a Markdown document into a new plan file and print the import report."""
    from ..sources import ImportOptions, SourceError, import_markdown

    out = Path(args.out)
    if out.exists() and not args.force:
        raise CliError(f"{out}: exists already; pass --force to replace it")
    options = ImportOptions(name=args.name, currency=args.currency, hours_per_month=args.hours)
    try:
        result = import_markdown(args.workbook, options)
    except SourceError as e:
        raise CliError(str(e)) from None
    _write(out, result.plan, args.force)
    if args.json:
        print(json.dumps({"wrote": str(out), **result.report.to_json()}, indent=2))
    else:
        print(f"wrote {out}")
        print("\n".join(result.report.lines()))
    return EXIT_OK


def cmd_import_sheet(args: argparse.Namespace) -> int:
    """Read a foreign spreadsheet or CSV, its columns mapped by ``--map`` (and synonyms), into a
    new plan file. Bad cells are listed one per line as ``Sheet!C7: reason`` (exit code 2)."""
    from ..sources.spreadsheet import MappingError, import_sheet, parse_map

    out = Path(args.out)
    if out.exists() and not args.force:
        raise CliError(f"{out}: exists already; pass --force to replace it")
    try:
        mapping = parse_map(args.map or "")
        result = import_sheet(args.workbook, mapping=mapping, table=args.table, sheet=args.sheet)
    except MappingError as e:
        for line in e.errors:
            print(f"{PROG}: {one_line(line)}", file=sys.stderr)
        return EXIT_ERROR
    _write(out, result.plan, args.force)
    if args.json:
        print(json.dumps({"wrote": str(out), **result.report.to_json()}, indent=2))
    else:
        print(f"wrote {out}")
        print("\n".join(result.report.lines()))
    return EXIT_OK


def _exported_by_us(path: str) -> bool:
    """True unless ``path`` is a readable workbook without the ``Plan`` sheet this app's export
    writes (a workbook that cannot be read goes to the workbook import, which says why)."""
    from ..excel import WorkbookError
    from ..excel.export import PLAN_SHEET
    from ..excel.reader import read_workbook

    try:
        return PLAN_SHEET in read_workbook(path, sheets={PLAN_SHEET}).sheets
    except WorkbookError:
        return True


def add_parsers(sub) -> None:  # noqa: ANN001 - argparse subparsers action
    """Extend the ``import`` command registered by the workbook module (it must come first)."""
    p = sub.choices.get("import")
    if p is None:  # no workbook import: register the command here
        p = sub.add_parser("import")
        p.add_argument("workbook", metavar="IN")
        p.add_argument("out", metavar="OUT.vivim")
        p.add_argument("--force", action="store_true", help="replace OUT.vivim if it exists")
    previous = p.get_default("func")
    p.description = ((p.description or "") + " A Markdown cost document (.md) is read into a plan with a report "
                     "of what each table and list became; a CSV file or any workbook with --map is read into one grid.")
    p.add_argument("--map", metavar="'Header=field,...'", default=None,
                   help='spreadsheet/CSV: which column is which field, e.g. "Hourly Rate=rate,Qty=fte" '
                        "(other headers are matched by their usual names)")
    p.add_argument("--table", metavar="GRID", default=None,
                   help="spreadsheet/CSV: the grid the rows go to (team, roles, build, operations, milestones...; "
                        "default: guessed from the headers)")
    p.add_argument("--sheet", metavar="NAME", default=None, help="workbook: the sheet to read (default: the first)")
    p.add_argument("--json", action="store_true", help="print the import report as JSON")
    p.add_argument("--name", default=None, help="Markdown: the plan's name (default: the document's title)")
    p.add_argument("--currency", default=None, help="Markdown: the plan's currency (default: the document's)")
    p.add_argument("--hours", type=float, default=None,
                   help="Markdown: hours per FTE-month (default: stated, else what the team lines fit, else 160)")

    def dispatch(args: argparse.Namespace) -> int:
        suffix = Path(args.workbook).suffix.lower()
        if suffix in MARKDOWN_SUFFIXES:
            return cmd_import_markdown(args)
        if suffix in TEXT_TABLE_SUFFIXES or args.map is not None or args.table is not None:
            return cmd_import_sheet(args)
        if previous is None or not _exported_by_us(args.workbook):
            return cmd_import_sheet(args)  # someone's own workbook: its columns by their names
        return previous(args)

    p.set_defaults(func=dispatch)
