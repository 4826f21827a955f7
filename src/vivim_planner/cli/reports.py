"""``summary`` and ``audit``: the plan's figures and the stated figures its inputs do not
reproduce, as a table or JSON. Headless: never imports Qt."""

from __future__ import annotations

import argparse

from .common import (EXIT_OK, CliError, dump_json, fmt_cost_per_user, fmt_int, fmt_months, one_line,
                     open_readonly, plan_argument, read_report, scenario_arg, table_lines)


def format_summary(data: dict) -> str:
    """A fixed-width table of :func:`vivim_planner.engine.summary` output: one row per milestone
    (or growth step) and a totals row, then break-even, runway and unit economics. Build costs
    in the plan's currency; operating cost, revenue and cost per user per month, read in the
    row's month of the timeline (cost per user = (operating cost - revenue) / users)."""
    scenario = data["scenario"]
    currency = data["currency"]
    with_build = data.get("periods", "milestones") == "milestones"
    build_heads = ["Low", "Mid", "High", "Bottom-up", f"Cumul. {scenario}"] if with_build else []
    headers = ["Milestone" if with_build else "Growth step", "Months", "Month", "Users", *build_heads,
               "Ops/month", "Revenue/mo", "Cost/user/mo"]
    rows = []
    for m in data["milestones"]:
        name = f"{m['code']} {m['name']}".strip()
        if len(name) > 30:
            name = name[:29] + "…"
        b = m["build"]
        build = [fmt_int(b["low"]), fmt_int(b["mid"]), fmt_int(b["high"]), fmt_int(b["bottom_up"]),
                 fmt_int(m["cumulative_build_cost"])] if with_build else []
        rows.append([name, fmt_months(m["start_month"], m["end_month"]), str(m.get("month") or ""),
                     fmt_int(m["users"]), *build, fmt_int(m["monthly_operating_cost"]),
                     fmt_int(m["monthly_revenue"]), fmt_cost_per_user(m["cost_per_user"])])
    t = data["totals"]
    total_build = [fmt_int(t["low"]), fmt_int(t["mid"]), fmt_int(t["high"]), fmt_int(t["bottom_up"]),
                   fmt_int(data["total_build_cost"])] if with_build else []
    total = ["Total", "", "", "", *total_build, "", "", ""]
    table = table_lines([headers, *rows, total], left=2)
    table.insert(len(table) - 1, table[1])  # a rule above the total too
    title = (f"{data['plan']}: build cost and cost per user in {currency} "
             f"(scenario: {scenario}; {data['hours_per_month']:g} hours per FTE-month; "
             f"{data.get('months', 0)} months)")
    if not rows:
        table = ["No milestones or growth steps: add one to place users, costs and revenue in months."]
    out = [title, "", *table]
    return "\n".join(out + _format_break_even(data) + _format_unit_economics(data.get("unit_economics"), currency))


def _format_break_even(data: dict) -> list[str]:
    """Lines naming both break-evens and the runway (only what the plan has)."""
    be = data.get("break_even") or {}
    if not data.get("months"):
        return []

    def month(m: int | None) -> str:
        return f"month {m}" if m else f"not within the {data['months']} months"

    lines = [f"  Operating break-even (revenue covers fees and operating cost): {month(be.get('operating_month'))}",
             f"  Cash-flow break-even (revenue covers all spend, team and build included): "
             f"{month(be.get('cash_flow_month'))}"]
    return ["", "Break-even:", *lines]


def _format_unit_economics(ue: dict | None, currency: str) -> list[str]:
    """Lines under the summary table: each paid tier's price, cost per user and margin; the
    break-even subscribers, runway and dividend pool (only what the plan has)."""
    if not ue:
        return []
    lines = []
    for t in ue["tiers"]:
        if t["price"]:
            margin = "n/a" if t["margin"] is None else f"{t['margin'] * 100:.1f}%"
            lines.append(f"  {t['name']}: {t['price']:,.2f}/month, cost per user "
                         f"{fmt_cost_per_user(t['cost_per_user'])}, gross margin {margin}")
    if ue["break_even_subscribers"] is not None:
        lines.append(f"  Break-even: {ue['break_even_subscribers']:,} paying subscribers cover "
                     f"{ue['fixed_monthly_cost']:,.2f} of fixed monthly cost")
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
        message = one_line(f["message"])
        line_name = f["where"].split(" · ")[-1]
        if message.startswith(line_name + ":"):  # "M1 · Team · Designer: Designer: $60/h..."
            message = message[len(line_name) + 1:].lstrip()
        lines.append(f"{cell}{f['where']}: {message}")
    n = len(findings)
    lines.append(f"{n} finding{'' if n == 1 else 's'}" if n else
                 "0 findings: every stated figure matches its recomputation")
    return "\n".join(lines)


def cmd_summary(args: argparse.Namespace) -> int:
    """Print the plan's summary (JSON with ``--json``, else a table) for one scenario."""
    from ..engine import summary

    data = read_report(args.plan, lambda plan: summary(plan, args.scenario))
    print(dump_json(data) if args.json else format_summary(data))
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    """Print every stated figure that disagrees with its recomputation. Findings are a report,
    not an error: the exit code is 0 either way."""
    from ..domain import PlanError
    from ..engine import audit
    from ..engine.scenarios import resolve_scenario

    doc = open_readonly(args.plan)
    try:
        from ..engine.economics_audit import economics_findings

        plan = resolve_scenario(doc.plan, args.scenario).plan
        findings = [f.to_json() for f in audit(plan) + economics_findings(plan)]
    except PlanError as e:
        raise CliError(str(e)) from None
    finally:
        doc.close()
    print(dump_json(findings) if args.json else format_findings(findings))
    return EXIT_OK


def add_parsers(sub) -> None:  # noqa: ANN001 - argparse subparsers action
    """Add ``summary`` and ``audit`` to the CLI's subcommands."""
    p = sub.add_parser("summary", help="milestone build costs, cumulative totals and cost per user",
                       description="Build cost per milestone (low / mid / high / bottom-up), the chosen "
                                   "scenario's cumulative total, monthly operating cost, revenue and cost per user.")
    plan_argument(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--scenario", type=scenario_arg, default="mid", metavar="S",
                   help="low, mid, high, bottom-up or a scenario of the plan's Scenarios sheet (default: mid)")
    p.set_defaults(func=cmd_summary, parser=p)

    p = sub.add_parser("audit", help="stated figures that disagree with their recomputation",
                       description="Compare every figure the plan states with what its inputs give. "
                                   "Exit code 0 whether or not there are findings.")
    plan_argument(p)
    p.add_argument("--json", action="store_true", help="print a JSON list instead of lines")
    p.add_argument("--scenario", type=scenario_arg, default="mid", metavar="S",
                   help="audit the plan as this scenario's overrides leave it (default: mid, the plan as it is)")
    p.set_defaults(func=cmd_audit, parser=p)
