"""``vivim-planner compare PLAN``: every scenario of a plan side by side, with the variance of each
against a base scenario (mid unless ``--base`` says otherwise); and ``vivim-planner tornado PLAN``:
the inputs that move total cost and break-even most. Headless: never imports Qt.

Figures per scenario (plan currency; see :mod:`vivim_planner.engine.economics`): build cost of
the scenario's band, operating cost and revenue over the plan's months, total cost, ending
cash, break-even subscribers and month, runway, the dividend pool, and each tier's margin.
"""

from __future__ import annotations

import argparse
import math

from .common import EXIT_OK, CliError, dump_json, plan_argument, read_report, scenario_arg


def _cell(value: object, kind: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if kind == "pct":
        return f"{value * 100:.1f}%"
    if kind == "months":
        return f"{value:,.1f}"
    if kind == "int":
        return f"{value:,.0f}"
    return f"{value:,.0f}"


def _variance(value: object, pct: object, kind: str) -> str:
    if value is None or value == 0:
        return ""
    sign = "+" if value > 0 else "−"
    if kind == "pct":
        return f"{sign}{abs(value) * 100:.1f} pt"
    text = f"{sign}{abs(value):,.1f}" if kind == "months" else f"{sign}{abs(value):,.0f}"
    return f"{text} ({pct:+.0f}%)".replace("-", "−") if isinstance(pct, (int, float)) else text


def format_compare(data: dict) -> str:
    """A text table: one row per figure, per scenario its value and (below the base) its variance."""
    from ..engine.compare import ROWS

    scen = data["scenarios"]
    keys = list(ROWS) + sorted({(k, f"Margin {k.split(':', 1)[1]}", "pct") for x in scen for k in x["figures"]
                                if k.startswith("margin:")}, key=lambda r: r[0])
    headers = ["", *[f"{x['scenario']}" for x in scen]]
    lines = [[label, *[_cell(x["figures"].get(k), kind) for x in scen]] for k, label, kind in keys]
    var_lines = [[f"  vs {data['base']}", *[_variance(x["variance"].get(k), x["variance_pct"].get(k), kind)
                                           for x in scen]] for k, label, kind in keys]
    body = []
    for a, b in zip(lines, var_lines):
        body.append(a)
        if any(b[1:]):
            body.append(b)
    widths = [max(len(r[i]) for r in [headers, *body]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        return "  ".join([cells[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(cells[1:], widths[1:])]).rstrip()

    bands = "  ".join(f"{x['scenario']}: {x['build_band']} estimates, {x['overrides']} override(s)" for x in scen)
    title = f"{data['plan']}: scenarios side by side in {data['currency']} (variance against {data['base']})"
    return "\n".join([title, bands, "", line(headers), "  ".join("-" * w for w in widths), *map(line, body)])


def cmd_compare(args: argparse.Namespace) -> int:
    from ..engine.compare import compare_data

    data = read_report(args.plan, lambda plan: compare_data(plan, args.scenario or None, args.base))
    print(dump_json(data) if args.json else format_compare(data))
    return EXIT_OK


def format_tornado(data: dict) -> str:
    """One line per input: total cost at its low and high value and the spread, biggest first."""
    cur = data["currency"]
    head = (f"{data['scenario']} scenario: total cost {data['base_total_cost']:,.0f} {cur}; break-even month "
            f"{data['base_break_even_month'] or '—'}; {data['inputs_swung']} inputs swung (own range, else ±20%)")
    rows = [["Input", "Low", "High", "Range", "Cost at low", "Cost at high", "Spread", "Break-even month",
             "Break-even subs"]]
    for s in data["swings"]:
        be = f"{s['break_even_month_at_low'] or '—'} / {s['break_even_month_at_high'] or '—'}"
        subs = f"{s['break_even_subscribers_at_low'] or '—'} / {s['break_even_subscribers_at_high'] or '—'}"
        rows.append([s["input"], f"{s['low']:,.6g}", f"{s['high']:,.6g}", s["range"], f"{s['total_cost_at_low']:,.0f}",
                     f"{s['total_cost_at_high']:,.0f}", f"{abs(s['total_cost_at_high'] - s['total_cost_at_low']):,.0f}", be, subs])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join([r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:])]).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join([head, "", *lines])


def cmd_tornado(args: argparse.Namespace) -> int:
    """Rank the inputs by how much they move total cost (or break-even); optionally draw the chart."""
    from pathlib import Path

    from ..engine.sensitivity import tornado

    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in (".png", ".svg"):
        args.parser.error(f"{out}: give a .png or .svg file to write")
    t = read_report(args.plan, lambda plan: tornado(plan, args.scenario, by=args.by, top=args.top))
    if out is not None:
        from ..ui.tornado_chart import render_tornado

        try:
            render_tornado(t, out)
        except OSError as e:
            raise CliError(str(e)) from None
        print(f"wrote {out}")
        return EXIT_OK
    print(dump_json(t.to_json()) if args.json else format_tornado(t.to_json()))
    return EXIT_OK


def add_parsers(sub) -> None:  # noqa: ANN001 - argparse's subparsers action
    """Register ``compare`` and ``tornado`` on the ``vivim-planner`` parser."""
    p = sub.add_parser("tornado", help="the inputs that move total cost (or break-even) most",
                       description="Swing every numeric input between its own low and high (else ±20%) and rank "
                                   "the inputs by the spread of the plan's total cost or break-even.")
    plan_argument(p)
    p.add_argument("out", metavar="OUT", nargs="?", default=None, help="optional OUT.png (2x) or OUT.svg: draw the chart")
    p.add_argument("--scenario", type=scenario_arg, default="mid", metavar="S", help="scenario (default: mid)")
    p.add_argument("--by", choices=("cost", "break-even"), default="cost", help="rank by total cost (default) or break-even")
    p.add_argument("--top", type=int, default=12, help="how many inputs (default 12)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_tornado, parser=p)

    p = sub.add_parser("compare", help="scenarios side by side with variances",
                       description="Every scenario of PLAN (low, mid, high, bottom-up and the Scenarios sheet's) "
                                   "side by side: build and operating cost, revenue, cash, break-even, runway, "
                                   "dividend pool and tier margins, with the variance against the base scenario.")
    plan_argument(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--scenario", action="append", metavar="S",
                   help="compare only these scenarios (repeat the option); default: all")
    p.add_argument("--base", default="mid", metavar="S", help="scenario the variances are measured against (default: mid)")
    p.set_defaults(func=cmd_compare, parser=p)
