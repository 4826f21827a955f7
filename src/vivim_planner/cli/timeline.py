"""``vivim-planner timeline PLAN``: the plan month by month (users, team, costs, revenue,
profit, cash), as a table, JSON or a CSV file with months across. Headless: never imports Qt."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from .common import (EXIT_OK, CliError, dump_json, fmt_int, open_readonly, output_file, plan_argument,
                     scenario_arg, table_lines)


def timeline_data(plan, scenario: str = "mid") -> dict:  # noqa: ANN001 - Plan
    """``{"plan", "currency", "scenario", "build_band", "months": [{"month", "label", "users",
    "paying_users", "fte", "team_cost", "build_cost", "operating_cost", "revenue", "fees",
    "profit", "cash_flow", "cash"}], "break_even": {"operating_month", "cash_flow_month",
    "cash_low_month"}, "runway_months", "starting_capital"}``: money in the plan's currency per month, ``profit`` =
    revenue - fees - operating cost, ``cash_flow`` = profit - build spend - startup costs;
    months that never come are ``null``. Raises ``PlanError`` for an unknown scenario."""
    from ..engine.scenarios import resolve_scenario
    from ..engine.timeline import timeline

    resolved = resolve_scenario(plan, scenario)
    tl = timeline(resolved.plan, resolved.band)
    months = []
    for m, label in zip(tl.months.tolist(), tl.labels):
        row = {"month": m, "label": label, **tl.at(m)}
        row["cash_flow"] = float(tl.cash_flow[m - 1])
        months.append(row)
    return {
        "plan": plan.settings.name, "currency": plan.settings.currency, "scenario": resolved.name,
        "build_band": resolved.band.replace("_", "-"), "months": months,
        "break_even": {"operating_month": tl.operating_break_even_month,
                       "cash_flow_month": tl.cash_flow_break_even_month,
                       "cash_low_month": tl.cash_low_month},
        "runway_months": tl.runway_months,
        "starting_capital": tl.starting_capital,
    }


def format_timeline(data: dict) -> str:
    """One line per month: users, paying, FTE, team, build, operating, revenue, profit, cash."""
    heads = ["Month", "", "Users", "Paying", "FTE", "Team", "Build", "Operating", "Revenue", "Fees",
             "Profit", "Cash"]
    rows = [[str(m["month"]), m["label"] if not m["label"].startswith("Month") else "", fmt_int(m["users"]),
             fmt_int(m["paying_users"]), f"{m['fte']:,.2f}", fmt_int(m["team_cost"]), fmt_int(m["build_cost"]),
             fmt_int(m["operating_cost"]), fmt_int(m["revenue"]), fmt_int(m["fees"]), fmt_int(m["profit"]),
             fmt_int(m["cash"])] for m in data["months"]]
    title = (f"{data['plan']}: the plan month by month in {data['currency']} (scenario: {data['scenario']}, "
             f"{data['build_band']} build estimates)")
    if not rows:
        return f"{title}\n\nThe plan names no month yet: add a milestone, a growth step or a capital line."
    be = data["break_even"]

    def month(m: int | None) -> str:
        return f"month {m}" if m else "not within the plan's months"

    runway = data["runway_months"]
    if runway is not None:
        runway_text = f"{runway:.1f} months on {data['starting_capital']:,.0f} of capital"
    else:
        runway_text = "the cash never runs out" if data["starting_capital"] else "no capital in the plan"
    tail = ["", f"Operating break-even: {month(be['operating_month'])}",
            f"Cash-flow break-even: {month(be['cash_flow_month'])}", f"Runway: {runway_text}"]
    return "\n".join([title, "", *table_lines([heads, *rows], left=2), *tail])


def _text(value: str) -> str:
    """A label as CSV text that no spreadsheet reads as a formula (OWASP: a leading apostrophe
    before =, +, -, @, tab or carriage return)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_timeline_csv(plan, out: Path, scenario: str = "mid") -> int:  # noqa: ANN001 - Plan
    """Write the timeline's rows (:func:`vivim_planner.engine.timeline_rows.timeline_rows`) to
    ``out``: section, label, unit, then one column per month (labelled as the plan labels its
    months), numbers in full precision. Returns the number of rows written."""
    from ..engine.scenarios import resolve_scenario
    from ..engine.timeline import timeline
    from ..engine.timeline_rows import timeline_rows

    resolved = resolve_scenario(plan, scenario)
    tl = timeline(resolved.plan, resolved.band)
    rows = timeline_rows(tl)
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Section", "Line", "Unit", *tl.labels])
        for r in rows:
            unit = plan.settings.currency if r.unit == "money" else r.unit
            w.writerow([r.section, _text(r.label.strip()), unit, *[repr(float(v)) for v in r.values]])
    return len(rows)


def cmd_timeline(args: argparse.Namespace) -> int:
    """Print the plan month by month (JSON with ``--json``), or write it to ``--csv OUT``."""
    from ..domain import PlanError

    out = output_file(args.csv, "the CSV file") if args.csv else None
    doc = open_readonly(args.plan)
    try:
        if out is not None:
            n = write_timeline_csv(doc.plan, out, args.scenario)
            print(f"wrote {out}: {n} rows")
            return EXIT_OK
        data = timeline_data(doc.plan, args.scenario)
    except PlanError as e:
        raise CliError(str(e)) from None
    except OSError as e:
        raise CliError(f"{out}: cannot write ({e.strerror or e})") from None
    finally:
        doc.close()
    print(dump_json(data) if args.json else format_timeline(data))
    return EXIT_OK


def add_parsers(sub) -> None:  # noqa: ANN001 - argparse subparsers action
    """Add ``timeline`` to the CLI's subcommands."""
    p = sub.add_parser("timeline", help="the plan month by month: users, team, costs, revenue, profit, cash",
                       description="Every month of the plan: active and paying users, FTE, team cost, build spend, "
                                   "operating cost, revenue, fees, profit and cash; both break-evens and the runway.")
    plan_argument(p)
    group = p.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help="print JSON instead of a table")
    group.add_argument("--csv", metavar="OUT", default=None, help="write every row of the timeline to OUT.csv")
    p.add_argument("--scenario", type=scenario_arg, default="mid", metavar="S",
                   help="low, mid, high, bottom-up or a scenario of the plan's Scenarios sheet (default: mid)")
    p.set_defaults(func=cmd_timeline, parser=p)
