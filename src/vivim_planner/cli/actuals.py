"""``vivim-planner actuals PLAN``: plan vs actual by category and closed month, the re-forecast
runway beside the plan's, and the budget amendments; ``vivim-planner import-actuals PLAN
BANK.csv [--map FILE]``: a bank export as actuals, every row checked, nothing imported on any
problem. Headless: never imports Qt."""

from __future__ import annotations

import argparse
import math
import sys

from .common import (EXIT_ERROR, EXIT_OK, PROG, CliError, dump_json, fmt_int, open_readonly, plan_argument, read_report,
                     scenario_arg, table_lines)

COMMANDS = ("actuals", "import-actuals")
"""The commands this module adds (registered by :mod:`vivim_planner.cli`)."""


def _num(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def actuals_data(plan, scenario: str = "mid") -> dict:  # noqa: ANN001 - Plan
    """``{"plan", "currency", "scenario", "closed_months", "categories": [{"category", "kind",
    "planned", "actual", "variance", "variance_pct"}] (over the closed months), "months":
    [{"month", "label", "planned_spend", "actual_spend", "variance", "categories": {name:
    {"planned", "actual", "variance", "variance_pct"}}}] (closed months), "runway": {"plan",
    "reforecast", "change"}, "cash_at_end": {"plan", "reforecast"}, "overspend", "amendments",
    "notes"}``. Money in the plan's currency; variance = actual - planned, variance_pct its share
    of planned (``null`` where nothing was planned). Raises ``PlanError`` for an unknown scenario."""
    from ..engine.actuals import plan_vs_actual
    from ..engine.scenarios import resolve_scenario
    from ..engine.timeline import timeline

    resolved = resolve_scenario(plan, scenario)
    pva = plan_vs_actual(resolved.plan, timeline(resolved.plan, resolved.band))
    td = pva.to_date()
    shown = [i for i in range(len(pva.categories)) if td["planned"][i] or td["actual"][i]]
    months = []
    for m in pva.closed_months:
        j = m - 1
        cats = {pva.categories[i]: {"planned": float(pva.planned[i, j]), "actual": float(pva.actual[i, j]),
                                    "variance": float(pva.variance[i, j]), "variance_pct": _num(pva.variance_pct[i, j])}
                for i in shown}
        months.append({"month": m, "label": pva.labels[j], "planned_spend": float(pva.spend_planned[j]),
                       "actual_spend": float(pva.spend_actual[j]),
                       "variance": float(pva.spend_actual[j] - pva.spend_planned[j]), "categories": cats})
    change = None if pva.runway is None or pva.plan_runway is None else pva.runway - pva.plan_runway
    return {
        "plan": plan.settings.name, "currency": pva.currency, "scenario": resolved.name,
        "closed_months": pva.closed_months,
        "categories": [{"category": pva.categories[i], "kind": pva.kinds[i], "planned": float(td["planned"][i]),
                        "actual": float(td["actual"][i]), "variance": float(td["variance"][i]),
                        "variance_pct": _num(td["variance_pct"][i])} for i in shown],
        "months": months,
        "runway": {"plan": pva.plan_runway, "reforecast": pva.runway, "change": change},
        "cash_at_end": {"plan": float(pva.plan_cash[-1]) if len(pva.months) else 0.0,
                        "reforecast": float(pva.cash[-1]) if len(pva.months) else 0.0},
        "overspend": pva.overspend,
        "amendments": [{"milestone": a.milestone, "category": a.category, "estimate": a.bound, "old": a.old,
                        "new": a.new, "when": a.when, "why": a.why} for a in pva.amendments],
        "notes": pva.notes,
    }


def _pct(x: float | None) -> str:
    return "" if x is None else f"{x:+.1%}"


def _runway(x: float | None) -> str:
    return "never runs out / no capital" if x is None else f"{x:.2f} months"


def format_actuals(data: dict) -> str:
    """Plan vs actual to date by category, each closed month's spend, the runways, amendments."""
    title = f"{data['plan']}: plan vs actual in {data['currency']} (scenario: {data['scenario']})"
    if not data["closed_months"]:
        return (f"{title}\n\nNo actuals yet: type them in the Actuals grid or run "
                f"{PROG} import-actuals PLAN BANK.csv --map MAP.csv")
    heads = ["Category", "Planned", "Actual", "Variance", "%"]
    rows = [[c["category"], fmt_int(c["planned"]), fmt_int(c["actual"]), f"{c['variance']:+,.0f}",
             _pct(c["variance_pct"])] for c in data["categories"]]
    month_rows = [[f"{m['month']} {m['label']}", fmt_int(m["planned_spend"]), fmt_int(m["actual_spend"]),
                   f"{m['variance']:+,.0f}"] for m in data["months"]]
    r = data["runway"]
    out = [title, "", f"To date (months {', '.join(map(str, data['closed_months']))}):",
           *table_lines([heads, *rows]), "", "Spend by closed month:",
           *table_lines([["Month", "Planned", "Actual", "Variance"], *month_rows]), "",
           f"Runway: plan {_runway(r['plan'])}, re-forecast {_runway(r['reforecast'])}"
           + (f" ({r['change']:+.2f} months; {data['overspend']:+,.0f} {data['currency']} net overspend)"
              if r["change"] is not None else "")]
    if data["amendments"]:
        out += ["", "Budget amendments:"]
        for a in data["amendments"]:
            old = "bottom-up" if a["old"] is None else f"{a['old']:,.0f}"
            new = "bottom-up" if a["new"] is None else f"{a['new']:,.0f}"
            out.append(f"  {a['when']}  {a['milestone']} {a['category']} {a['estimate']}: {old} -> {new}  {a['why']}")
    out += [f"Note: {n}" for n in data["notes"]]
    return "\n".join(out)


def cmd_actuals(args: argparse.Namespace) -> int:
    """Print plan vs actual (JSON with ``--json``)."""

    data = read_report(args.plan, lambda plan: actuals_data(plan, args.scenario))
    print(dump_json(data) if args.json else format_actuals(data))
    return EXIT_OK


def cmd_import_actuals(args: argparse.Namespace) -> int:
    """Check BANK.csv against the plan and import it in one transaction; on any problem print
    every one (one a line, on stderr) and leave the plan as it was (exit code 2)."""
    from ..domain import PlanError
    from ..excel.bank_csv import BankImportError, plan_bank_import
    from ..storage import PlanDocument

    def check(doc):  # noqa: ANN001, ANN202 - PlanDocument -> BankImport, or None after reporting
        try:
            return plan_bank_import(doc.plan, args.bank, args.map, args.day_first, args.debits_negative)
        except BankImportError as e:
            print(f"{PROG}: {args.bank}: {len(e.errors)} problem{'s' * (len(e.errors) != 1)}; nothing was imported",
                  file=sys.stderr)
            for line in e.errors + [f"note: {n}" for n in e.notes]:
                print(line, file=sys.stderr)
            return None

    doc = open_readonly(args.plan)  # checked without opening for writing: a refused file keeps its bytes
    try:
        imp = check(doc)
        lines = imp.lines(doc.plan) if imp else []
    finally:
        doc.close()
    if imp is None:
        return EXIT_ERROR
    if not args.dry_run:
        try:
            doc = PlanDocument.open(args.plan)
        except PlanError as e:
            raise CliError(str(e)) from None
        try:
            if doc.readonly:
                raise CliError(f"{args.plan}: cannot import into it: {doc.readonly_reason}")
            imp = check(doc)  # again on the plan as opened for writing
            if imp is None:
                return EXIT_ERROR
            doc.apply(imp.command)
            lines = imp.lines(doc.plan)
        except PlanError as e:
            raise CliError(str(e)) from None
        finally:
            doc.close()
    print(("Checked (--dry-run, nothing written): " if args.dry_run else "") + "\n".join(lines))
    return EXIT_OK


def add_parsers(sub) -> None:  # noqa: ANN001 - argparse subparsers action
    """Add ``actuals`` and ``import-actuals`` to the CLI's subcommands."""
    p = sub.add_parser("actuals", help="plan vs actual by category and month, and the re-forecast runway",
                       description="Planned, actual, variance (actual - planned) and variance % per category over "
                                   "the months that hold actuals, each such month's spend, the plan's runway beside "
                                   "the re-forecast's (actuals in place of the plan in those months), and the "
                                   "budget amendments.")
    plan_argument(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--scenario", type=scenario_arg, default="mid", metavar="S",
                   help="low, mid, high, bottom-up or a scenario of the plan's Scenarios sheet (default: mid)")
    p.set_defaults(func=cmd_actuals, parser=p)
    p = sub.add_parser("import-actuals", help="import a bank or accounting CSV export as actuals",
                       description="Read BANK.csv (columns date, description, amount; optional currency and "
                                   "reference), find each description's category through the plan's Category map "
                                   "and --map FILE (pattern,category; remembered in the plan), check every row and "
                                   "import all of them as one step, or none and list every problem by row.")
    plan_argument(p)
    p.add_argument("bank", metavar="BANK.csv", help="the bank export (payments positive unless --debits-negative)")
    p.add_argument("--map", metavar="FILE", default=None, help="CSV of pattern,category lines")
    order = p.add_mutually_exclusive_group()
    order.add_argument("--day-first", dest="day_first", action="store_const", const=True, default=None,
                       help="03/04/2026 is 3 April")
    order.add_argument("--month-first", dest="day_first", action="store_const", const=False,
                       help="03/04/2026 is March 4")
    p.add_argument("--debits-negative", action="store_true", help="payments are negative amounts in the file")
    p.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    p.set_defaults(func=cmd_import_actuals, parser=p)
