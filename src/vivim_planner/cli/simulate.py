"""``vivim-planner simulate PLAN``: Monte Carlo over every range of the plan: percentiles of
cash by month, of total build cost and of the runway, the probability of running out of cash,
and the inputs that drive it. Headless: never imports Qt."""

from __future__ import annotations

import argparse

from .common import EXIT_OK, dump_json, fmt_int, plan_argument, read_report, scenario_arg, table_lines


def simulation_data(plan, scenario: str = "mid", draws: int = 10_000, seed: int = 0) -> dict:  # noqa: ANN001
    """:meth:`vivim_planner.engine.simulation.Simulation.to_json` of ``plan`` as ``scenario``
    leaves it, with ``plan``, ``scenario`` and ``sentences`` (the probabilities in words).
    Raises ``PlanError`` for an unknown scenario or an Uncertainty row that names no input."""
    from ..engine.scenarios import resolve_scenario
    from ..engine.simulation import simulate

    resolved = resolve_scenario(plan, scenario)
    sim = simulate(resolved.plan, resolved.band, draws=draws, seed=seed)
    data = {"plan": plan.settings.name, "scenario": resolved.name, **sim.to_json()}
    data["sentences"] = sim.sentences()
    return data


def format_simulation(data: dict) -> str:
    """The percentiles as text: headline sentences, cash by month (P10 / P50 / P90), drivers."""
    head = (f"{data['plan']}: {data['draws']:,} draws (seed {data['seed']}) of {data['inputs']} uncertain inputs, "
            f"scenario {data['scenario']}, in {data['currency']}")
    rows = [["Month", "", "Cash P10", "Cash P50", "Cash P90", "P(cash < 0)"]]
    for m, p in zip(data["months"], data["p_cash_negative_by_month"]):
        rows.append([str(m["month"]), "" if m["label"].startswith("Month") else m["label"],
                     fmt_int(m["cash_p10"]), fmt_int(m["cash_p50"]), fmt_int(m["cash_p90"]), f"{p:.0%}"])
    drivers = [f"  {d['input']}: {d['correlation']:+.2f}" for d in data["drivers"][:10]]
    out = [head, "", *data["sentences"]]
    if len(rows) > 1:
        out += ["", *table_lines(rows, left=2)]
    if drivers:
        out += ["", "Inputs that move the ending cash most (rank correlation):", *drivers]
    return "\n".join(out)


def _draws(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'draws must be a whole number, got "{text}"') from None
    if not 1 <= n <= 1_000_000:
        raise argparse.ArgumentTypeError(f"draws must be between 1 and 1,000,000, got {n}")
    return n


def cmd_simulate(args: argparse.Namespace) -> int:
    """Print the simulation (JSON with ``--json``)."""

    data = read_report(args.plan, lambda plan: simulation_data(plan, args.scenario, args.draws, args.seed))
    print(dump_json(data) if args.json else format_simulation(data))
    return EXIT_OK


def add_parsers(sub) -> None:  # noqa: ANN001 - argparse subparsers action
    """Add ``simulate`` to the CLI's subcommands."""
    p = sub.add_parser("simulate", help="Monte Carlo over every range: cash percentiles, runway, drivers",
                       description="Draw every uncertain input (its own low-high, or a row of the Uncertainty sheet) "
                                   "N times and recompute the timeline: P10 / P50 / P90 of cash by month and of "
                                   "total build cost, the runway's distribution, P(cash < 0) and the drivers.")
    plan_argument(p)
    p.add_argument("--draws", type=_draws, default=10_000, help="number of draws (default 10,000)")
    p.add_argument("--seed", type=int, default=0, help="random seed; the same seed gives the same result (default 0)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--scenario", type=scenario_arg, default="mid", metavar="S",
                   help="simulate the plan as scenario S leaves it (default: mid)")
    p.set_defaults(func=cmd_simulate, parser=p)
