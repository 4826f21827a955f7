"""Command line: cost-per-user curves.

::

    vivim-planner curve PLAN --users 1000,10000,100000 [--json]
    vivim-planner chart PLAN OUT.png|OUT.svg [--kind total|per-user]

``curve`` never imports Qt; ``chart`` renders with pyqtgraph offscreen.
"""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path

from .common import EXIT_OK, CliError, check_plan, dump_json, open_readonly, output_file, plan_argument

def _user_counts(text: str) -> list[float]:
    """argparse type: ``1000,10K,1e5`` -> [1000.0, 10000.0, 100000.0]; refuses negatives and text."""
    from ..domain import parse_number_text

    out = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            value = parse_number_text(part)
        except (ValueError, OverflowError):
            raise argparse.ArgumentTypeError(f'user counts must be numbers, got "{part}"') from None
        if value < 0 or not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"user counts must be 0 or more, got {part}")
        out.append(value)
    if not out:
        raise argparse.ArgumentTypeError("give at least one user count, e.g. 1000,10000")
    return out


def curve_points(plan, users: list[float]) -> list[dict]:  # noqa: ANN001 - Plan
    """One dict per user count: ``users``, ``monthly_cost`` (USD/month, mid of the band),
    ``cost_per_user`` (USD per user per month, None at 0 users), ``low``, ``high`` and
    ``components`` {name: USD/month}."""
    from ..engine.usage import UsageModel

    c = UsageModel(plan).evaluate(users)
    per_user = c.cost_per_user
    points = []
    for i, u in enumerate(c.users):
        points.append({
            "users": int(u) if float(u).is_integer() else float(u),
            "monthly_cost": round(float(c.total[i]), 10),
            "cost_per_user": None if math.isnan(per_user[i]) else round(float(per_user[i]), 12),
            "low": round(float(c.low[i]), 10),
            "high": round(float(c.high[i]), 10),
            "components": {name: round(v, 10) for name, v in c.at(i).items()},
        })
    return points


def format_curve(points: list[dict], currency: str) -> str:
    """A table of the points for a terminal: users, monthly cost (low-high), cost per user."""
    from ..domain.currency import currency_prefix

    sym = currency_prefix(currency)
    lines = [f"{'Users':>12}  {'Monthly cost':>14}  {'Low-high':>23}  {'Per user':>12}"]
    for p in points:
        band = "" if p["low"] == p["high"] else f"{sym}{p['low']:,.2f}-{sym}{p['high']:,.2f}"
        per = "" if p["cost_per_user"] is None else f"{sym}{p['cost_per_user']:,.4f}"
        cost = f"{sym}{p['monthly_cost']:,.2f}"
        lines.append(f"{p['users']:>12,}  {cost:>14}  {band:>23}  {per:>12}")
    return "\n".join(lines)


def cmd_curve(args: argparse.Namespace) -> int:
    """Print the operating cost at each ``--users`` count (JSON list with ``--json``)."""
    doc = open_readonly(args.plan)
    try:
        points = curve_points(doc.plan, args.users)
        currency = doc.plan.settings.currency
    finally:
        doc.close()
    print(dump_json(points) if args.json else format_curve(points, currency))
    return EXIT_OK


def cmd_chart(args: argparse.Namespace) -> int:
    """Render the cost curve of PLAN to ``OUT`` (PNG at 2x, or SVG, by extension)."""
    out = Path(args.out)
    if out.suffix.lower() not in (".png", ".svg"):
        args.parser.error(f"{out}: give a .png or .svg file to write")
    output_file(out, "the image file")
    check_plan(args.plan)
    doc = open_readonly(args.plan)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ..ui.curve_export import render_chart

    try:
        render_chart(doc.plan, out, kind=args.kind)
    except OSError as e:
        raise CliError(str(e) if not e.strerror else f"{out}: {e.strerror}") from None
    finally:
        doc.close()
    print(f"wrote {out}")
    return EXIT_OK


def add_parsers(sub) -> None:  # noqa: ANN001 - argparse subparsers action
    """Add ``curve`` and ``chart`` to the CLI's subcommands."""
    p = sub.add_parser("curve", help="monthly operating cost and cost per user at given user counts",
                       description="Price the plan's infrastructure tiers, usage-priced services and LLM usage "
                                   "at each user count.")
    plan_argument(p)
    p.add_argument("--users", type=_user_counts, default=[100, 1_000, 10_000, 100_000, 1_000_000],
                   help="comma-separated user counts (default: 100,1000,10000,100000,1000000)")
    p.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    p.set_defaults(func=cmd_curve, parser=p)

    p = sub.add_parser("chart", help="save the cost curve as a PNG (2x) or SVG for a slide",
                       description="Render total monthly cost or cost per user against users (log axis).")
    plan_argument(p)
    p.add_argument("out", metavar="OUT", help="OUT.png or OUT.svg")
    p.add_argument("--kind", choices=("total", "per-user"), default="total",
                   help="total monthly cost (default) or cost per user")
    p.set_defaults(func=cmd_chart, parser=p)
