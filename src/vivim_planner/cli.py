"""Command line: the window, and headless reports over the same core.

::

    vivim-planner [PLAN]                                   open the window (default: the VIVIM sample)
    vivim-planner summary PLAN [--json] [--scenario S]     milestone totals and cost per user
    vivim-planner audit PLAN [--json]                      stated figures that disagree with the inputs
    vivim-planner screenshot PLAN OUT.png [--tab NAME]     render the window offscreen to a PNG
    vivim-planner curve PLAN --users 1000,10000 [--json]   operating cost and cost per user (cli_curves)
    vivim-planner chart PLAN OUT.png|OUT.svg [--kind K]    the cost curve as a slide-ready image
    vivim-planner export PLAN OUT.xlsx | OUT_DIR --csv     the plan as a workbook (or one CSV per grid)
    vivim-planner import IN.xlsx OUT.vivim [--force]       a workbook (edited in Excel) as a new plan file

Report commands open the plan read-only and never import Qt; only the window and the
screenshot import :mod:`vivim_planner.ui` (lazily, inside their functions). A file that cannot
be read (missing, corrupt, not a plan, from a newer version) ends the program with exit code 2
and one line on stderr; usage errors also exit 2, as argparse does.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path
from typing import Callable, Sequence

from . import __version__

PROG = "vivim-planner"
COMMANDS = ("summary", "audit", "screenshot", "curve", "chart", "export", "import", "compare", "tornado")
SCENARIOS = ("low", "mid", "high", "bottom-up")
EXIT_OK, EXIT_ERROR = 0, 2


class CliError(Exception):
    """A problem reported as one line on stderr with exit code 2 (no traceback)."""


# -- helpers ---------------------------------------------------------------------------------

def _one_line(text: str) -> str:
    return " ".join(part.strip() for part in str(text).splitlines() if part.strip())


def _finite(value: object) -> object:
    """``value`` with every NaN or infinity replaced by ``None`` (JSON has neither)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _dump_json(data: object) -> str:
    return json.dumps(_finite(data), indent=2, ensure_ascii=False, allow_nan=False)


def _scenario(text: str) -> str:
    """argparse type: ``Bottom_Up`` -> ``bottom-up``; other names (the plan's Scenarios sheet) as
    typed; an unknown name is refused once the plan is open."""
    low = text.strip().lower().replace("_", "-")
    return low if low in SCENARIOS else text.strip()


VIEW_SCENARIO: str | None = None
"""``--scenario`` of a command that does not handle scenarios itself (curve, chart, export,
screenshot): :func:`_open_readonly` hands such a command the plan as the scenario leaves it."""
_OWN_SCENARIO = ("summary", "audit", "compare", "tornado", "import")  # these read --scenario themselves (or never)


def _open_readonly(path: str):  # noqa: ANN202 - PlanDocument, imported lazily with storage
    """Open a plan read-only; :class:`CliError` for anything that is not a readable plan, or
    for a ``--scenario`` (:data:`VIEW_SCENARIO`) the plan does not have."""
    from .domain import PlanError
    from .storage import PlanDocument

    try:
        doc = PlanDocument.open(path, readonly=True)
        if VIEW_SCENARIO:
            from .engine.scenarios import resolve_scenario

            try:
                doc.plan = resolve_scenario(doc.plan, VIEW_SCENARIO).plan
            except PlanError:
                doc.close()
                raise
        return doc
    except PlanError as e:
        raise CliError(str(e)) from None
    except OSError as e:  # permissions and the like
        raise CliError(f"{path}: cannot read ({e.strerror or e})") from None


def _check_plan(path: str) -> None:
    """Refuse early a PLAN the window could not open. A file from an older version passes: the
    window upgrades it, which a read-only check cannot do."""
    try:
        _open_readonly(path).close()
    except CliError as e:
        if "older VIVIM Planner" not in str(e):
            raise


# -- number formatting for the text table ----------------------------------------------------

def _fmt_int(x: float | None) -> str:
    return "" if x is None or not math.isfinite(x) else f"{x:,.0f}"


def _fmt_cost_per_user(x: float | None) -> str:
    """Four significant digits (at most six decimals, at least two): ``0.005333``, ``0.60``,
    ``12.35``; cents of a penny matter when a plan serves 100,000 users."""
    if x is None or not math.isfinite(x):
        return "n/a"
    if x == 0:
        return "0.00"
    decimals = min(6, max(2, 3 - math.floor(math.log10(abs(x)))))
    text = f"{x:,.{decimals}f}"
    while text.endswith("0") and len(text.split(".")[1]) > 2:
        text = text[:-1]
    return text


def _fmt_months(start: float | None, end: float | None) -> str:
    if start is None and end is None:
        return ""
    if start is None or end is None or start == end:
        return f"{start if start is not None else end:g}"
    return f"{start:g}-{end:g}"


def format_summary(data: dict) -> str:
    """A fixed-width table of :func:`vivim_planner.engine.summary` output, one row per
    milestone and a totals row. Build costs in the plan's currency; operating cost, revenue and
    cost per user per month (cost per user = (operating cost - revenue) / users)."""
    scenario = data["scenario"]
    currency = data["currency"]
    headers = ["Milestone", "Months", "Users", "Low", "Mid", "High", "Bottom-up",
               f"Cumul. {scenario}", "Ops/month", "Revenue/mo", "Cost/user/mo"]
    rows = []
    for m in data["milestones"]:
        name = f"{m['code']} {m['name']}".strip()
        if len(name) > 30:
            name = name[:29] + "…"
        b = m["build"]
        rows.append([name, _fmt_months(m["start_month"], m["end_month"]), _fmt_int(m["users"]),
                     _fmt_int(b["low"]), _fmt_int(b["mid"]), _fmt_int(b["high"]), _fmt_int(b["bottom_up"]),
                     _fmt_int(m["cumulative_build_cost"]), _fmt_int(m["monthly_operating_cost"]),
                     _fmt_int(m["monthly_revenue"]), _fmt_cost_per_user(m["cost_per_user"])])
    t = data["totals"]
    total = ["Total", "", "", _fmt_int(t["low"]), _fmt_int(t["mid"]), _fmt_int(t["high"]),
             _fmt_int(t["bottom_up"]), _fmt_int(data["total_build_cost"]), "", "", ""]
    widths = [max(len(r[i]) for r in [headers, total, *rows]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        out = [cells[0].ljust(widths[0]), cells[1].ljust(widths[1])]
        out += [c.rjust(w) for c, w in zip(cells[2:], widths[2:])]
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    title = (f"{data['plan']}: build cost and cost per user in {currency} "
             f"(scenario: {scenario}; {data['hours_per_month']:g} hours per FTE-month)")
    out = [title, "", line(headers), rule, *(line(r) for r in rows), rule, line(total)]
    return "\n".join(out + _format_unit_economics(data.get("unit_economics"), currency))


def _format_unit_economics(ue: dict | None, currency: str) -> list[str]:
    """Lines under the summary table: each paid tier's price, cost per user and margin; the
    break-even, runway and dividend pool (only what the plan has)."""
    if not ue:
        return []
    lines = []
    for t in ue["tiers"]:
        if t["price"]:
            margin = "n/a" if t["margin"] is None else f"{t['margin'] * 100:.1f}%"
            lines.append(f"  {t['name']}: {t['price']:,.2f}/month, cost per user "
                         f"{_fmt_cost_per_user(t['cost_per_user'])}, gross margin {margin}")
    if ue["break_even_subscribers"] is not None:
        lines.append(f"  Break-even: {ue['break_even_subscribers']:,} paying subscribers cover "
                     f"{ue['fixed_monthly_cost']:,.2f} of fixed monthly cost")
    if ue["break_even_month"] is not None:
        lines.append(f"  Revenue covers the month's costs from month {ue['break_even_month']}")
    if ue["starting_capital"]:
        runway = "the cash never runs out" if ue["runway_months"] is None else f"{ue['runway_months']:.1f} months"
        lines.append(f"  Runway on {ue['starting_capital']:,.0f} of capital: {runway}")
    if ue["dividend_policy"]:
        lines.append(f"  Dividend pool ({ue['dividend_policy']}): {ue['dividend_pool']:,.0f}, "
                     f"of which users {ue['dividend_to_users']:,.0f}")
    return ["", f"Unit economics ({currency}):", *lines] if lines else []


def format_findings(findings: list[dict]) -> str:
    """One finding per line (``cell  where: message``) and a count line."""
    lines = []
    for f in findings:
        cell = f"[{f['cell']}] " if f.get("cell") else ""
        message = _one_line(f["message"])
        line_name = f["where"].split(" · ")[-1]
        if message.startswith(line_name + ":"):  # "M1 · Team · Designer: Designer: $60/h..."
            message = message[len(line_name) + 1:].lstrip()
        lines.append(f"{cell}{f['where']}: {message}")
    n = len(findings)
    lines.append(f"{n} finding{'' if n == 1 else 's'}" if n else
                 "0 findings: every stated figure matches its recomputation")
    return "\n".join(lines)


# -- commands --------------------------------------------------------------------------------

def cmd_summary(args: argparse.Namespace) -> int:
    """Print the plan's summary (JSON with ``--json``, else a table) for one scenario."""
    from .domain import PlanError
    from .engine import summary

    doc = _open_readonly(args.plan)
    try:
        data = summary(doc.plan, args.scenario)
    except PlanError as e:  # an unknown scenario, an override that no longer fits
        raise CliError(str(e)) from None
    finally:
        doc.close()
    print(_dump_json(data) if args.json else format_summary(data))
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    """Print every stated figure that disagrees with its recomputation. Findings are a report,
    not an error: the exit code is 0 either way."""
    from .domain import PlanError
    from .engine import audit
    from .engine.scenarios import resolve_scenario

    doc = _open_readonly(args.plan)
    try:
        from .engine.economics_audit import economics_findings

        plan = resolve_scenario(doc.plan, args.scenario).plan
        findings = [f.to_json() for f in audit(plan) + economics_findings(plan)]
    except PlanError as e:
        raise CliError(str(e)) from None
    finally:
        doc.close()
    print(_dump_json(findings) if args.json else format_findings(findings))
    return EXIT_OK


def cmd_screenshot(args: argparse.Namespace) -> int:
    """Render the main window offscreen on ``--tab`` and save it as a PNG at ``OUT``."""
    out = Path(args.out)
    if out.is_dir():
        raise CliError(f"{out}: is a folder; give the PNG file to write")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise CliError(f"{out}: the folder {folder} does not exist")
    _check_plan(args.plan)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from .domain import PlanError
    from .ui.app import screenshot
    from .ui.scenario_bar import ScenarioState

    ScenarioState.initial = VIEW_SCENARIO or "mid"  # the window opens on the scenario
    try:
        screenshot(str(args.plan), str(out), args.tab)
    except PlanError as e:
        raise CliError(str(e)) from None
    except OSError as e:
        raise CliError(str(e) if not e.strerror else f"{out}: {e.strerror}") from None
    except ValueError as e:  # unknown tab: a usage error
        args.parser.error(_one_line(str(e)))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Write the plan to an .xlsx workbook (formulas with cached values), or with ``--csv``
    one CSV file per grid into the folder OUT."""
    from .excel import export_csv, export_workbook

    out = Path(args.out)
    if not args.csv and out.is_dir():
        raise CliError(f"{out}: is a folder; give the .xlsx file to write (or --csv to write CSV files there)")
    folder = out if args.csv else (out.parent if str(out.parent) else Path("."))
    if not args.csv and not folder.is_dir():
        raise CliError(f"{out}: the folder {folder} does not exist")
    doc = _open_readonly(args.plan)
    try:
        if args.csv:
            paths = export_csv(doc.plan, out)
            print(f"wrote {len(paths)} CSV files to {out}")
        else:
            export_workbook(doc.plan, out)
            print(f"wrote {out}")
    except OSError as e:
        raise CliError(f"{out}: cannot write ({e.strerror or e})") from None
    finally:
        doc.close()
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """Read a workbook into a new plan file. A bad workbook prints one line per bad cell
    (``Team!F7: FTE must be between 0 and 10, got -1``) and exits 2 without writing."""
    from .domain import PlanError
    from .excel import WorkbookError, import_workbook
    from .storage import PlanDocument

    out = Path(args.out)
    if out.exists() and not args.force:
        raise CliError(f"{out}: exists already; pass --force to replace it")
    try:
        result = import_workbook(args.workbook)
    except WorkbookError as e:
        for line in e.errors:
            print(f"{PROG}: {_one_line(line)}", file=sys.stderr)
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


def cmd_window(plan: str | None) -> int:
    """Open the window on ``plan`` (``None``: the bundled VIVIM sample); returns its exit code."""
    if plan is None:
        from .samples import sample_path

        try:
            sample_path("vivim")
        except FileNotFoundError as e:
            raise CliError(str(e)) from None
    else:
        _check_plan(plan)
    from .domain import PlanError
    from .ui.app import run_window

    try:
        return int(run_window(plan) or 0)
    except PlanError as e:
        raise CliError(str(e)) from None


# -- parsers ---------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    """The parser of the report commands (``summary``, ``audit``, ``screenshot``)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        usage=f"{PROG} [PLAN]\n       {PROG} {{summary,audit,screenshot}} ...",
        description="VIVIM Planner: a spreadsheet-style cost planner for startup founders. "
                    "With no command it opens the window on PLAN (default: the bundled VIVIM sample plan).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", prog=PROG)

    p = sub.add_parser("summary", help="milestone build costs, cumulative totals and cost per user",
                       description="Build cost per milestone (low / mid / high / bottom-up), the chosen "
                                   "scenario's cumulative total, monthly operating cost, revenue and cost per user.")
    p.add_argument("plan", metavar="PLAN", help="a .vivim plan file")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--scenario", type=_scenario, default="mid", metavar="S",
                   help="low, mid, high, bottom-up or a scenario of the plan's Scenarios sheet (default: mid)")
    p.set_defaults(func=cmd_summary, parser=p)

    p = sub.add_parser("audit", help="stated figures that disagree with their recomputation",
                       description="Compare every figure the plan states with what its inputs give. "
                                   "Exit code 0 whether or not there are findings.")
    p.add_argument("plan", metavar="PLAN", help="a .vivim plan file")
    p.add_argument("--json", action="store_true", help="print a JSON list instead of lines")
    p.add_argument("--scenario", type=_scenario, default="mid", metavar="S",
                   help="audit the plan as this scenario's overrides leave it (default: mid, the plan as it is)")
    p.set_defaults(func=cmd_audit, parser=p)

    p = sub.add_parser("screenshot", help="render the window offscreen and save a PNG",
                       description="Open PLAN in the main window offscreen, show one tab, save a PNG, exit.")
    p.add_argument("plan", metavar="PLAN", help="a .vivim plan file")
    p.add_argument("out", metavar="OUT.png", help="the PNG file to write")
    p.add_argument("--tab", metavar="NAME", default=None,
                   help="tab to show: Milestones, Rate card, Team, Build costs, Operations, Summary, Audit")
    p.set_defaults(func=cmd_screenshot, parser=p)

    from . import cli_curves, cli_economics

    cli_economics.add_parsers(sub)

    cli_curves.add_parsers(sub)

    p = sub.add_parser("export", help="the plan as an Excel workbook (or CSV files) for investors",
                       description="Write PLAN to OUT.xlsx: a Summary, one sheet per grid, every derived figure a "
                                   "live formula with its value. With --csv write one CSV file per grid into OUT.")
    p.add_argument("plan", metavar="PLAN", help="a .vivim plan file")
    p.add_argument("out", metavar="OUT", help="the .xlsx file to write (with --csv: a folder)")
    p.add_argument("--csv", action="store_true", help="write one CSV file per grid into the folder OUT")
    p.set_defaults(func=cmd_export, parser=p)

    p = sub.add_parser("import", help="a workbook exported (and edited) in Excel as a new plan file",
                       description="Read the inputs of IN.xlsx, check every cell and write the plan to OUT.vivim. "
                                   "Bad cells are listed one per line as Sheet!Cell: reason (exit code 2).")
    p.add_argument("workbook", metavar="IN.xlsx", help="a workbook written by vivim-planner export")
    p.add_argument("out", metavar="OUT.vivim", help="the plan file to create")
    p.add_argument("--force", action="store_true", help="replace OUT.vivim if it exists")
    p.set_defaults(func=cmd_import, parser=p)

    for name, p in sub.choices.items():  # every other report takes --scenario too (see VIEW_SCENARIO)
        if name not in _OWN_SCENARIO:
            p.add_argument("--scenario", dest="view_scenario", type=_scenario, default=None, metavar="S",
                           help="the plan as scenario S leaves it (low, mid, high, bottom-up or a named one)")
    return parser


def build_window_parser() -> argparse.ArgumentParser:
    """The parser of ``vivim-planner [PLAN]`` (the window)."""
    parser = argparse.ArgumentParser(prog=PROG, usage=f"{PROG} [PLAN]",
                                     description="Open the VIVIM Planner window.")
    parser.add_argument("plan", metavar="PLAN", nargs="?", default=None,
                        help="a .vivim plan file (default: the bundled VIVIM sample plan)")
    return parser


def _run(action: Callable[[], int]) -> int:
    try:
        return action()
    except SystemExit as e:  # argparse: --help, --version, usage errors
        return e.code if isinstance(e.code, int) else (0 if e.code is None else EXIT_ERROR)
    except CliError as e:
        print(f"{PROG}: {_one_line(str(e))}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # `vivim-planner summary x | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``vivim-planner`` and ``python -m vivim_planner``; returns the exit code.

    A first argument naming a command (or ``-h``/``--help``/``--version``) runs that command;
    anything else is the window with an optional PLAN.
    """
    args_in = list(sys.argv[1:] if argv is None else argv)

    def go() -> int:
        if args_in and (args_in[0] in COMMANDS or args_in[0] in ("-h", "--help", "--version")):
            args = build_parser().parse_args(args_in)
            global VIEW_SCENARIO
            VIEW_SCENARIO = getattr(args, "view_scenario", None)
            if args.command is None:
                return cmd_window(None)
            return args.func(args)
        args = build_window_parser().parse_args(args_in)
        return cmd_window(args.plan)

    return _run(go)


def gui_main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``vivim-planner-gui`` (no console): the window on an optional PLAN."""
    args_in = list(sys.argv[1:] if argv is None else argv)
    plan = build_window_parser().parse_args(args_in).plan
    from .ui.app import run_window

    return int(run_window(plan, dialogs=True) or 0)  # no console: a bad file gets a dialog
