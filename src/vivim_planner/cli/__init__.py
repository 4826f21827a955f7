"""Command line: the window, and headless reports over the same core.

::

    vivim-planner [PLAN]                                   open the window (default: the VIVIM sample)
    vivim-planner summary PLAN [--json] [--scenario S]     milestone totals and cost per user
    vivim-planner timeline PLAN [--json | --csv OUT]        the plan month by month (timeline.py)
    vivim-planner simulate PLAN [--draws N] [--seed S]     Monte Carlo over every range (simulate.py)
    vivim-planner audit PLAN [--json]                      stated figures that disagree with the inputs
    vivim-planner screenshot PLAN OUT.png [--tab NAME]     render the window offscreen to a PNG
    vivim-planner curve PLAN --users 1000,10000 [--json]   operating cost and cost per user (curves.py)
    vivim-planner chart PLAN OUT.png|OUT.svg [--kind K]    the cost curve as a slide-ready image
    vivim-planner export PLAN OUT.xlsx | OUT_DIR --csv     the plan as a workbook (or one CSV per grid)
    vivim-planner import IN.xlsx OUT.vivim [--force]       a workbook (edited in Excel) as a new plan file

Each command lives in a module of this package (``reports``, ``window``, ``workbook``,
``curves``, ``economics``) that registers its parser through ``add_parsers``; what they share
(errors, JSON, opening a plan) is in :mod:`.common`, and they never import one another.
Report commands open the plan read-only and never import Qt; only the window and the
screenshot import :mod:`vivim_planner.ui` (lazily, inside their functions). A file that cannot
be read (missing, corrupt, not a plan, from a newer version) ends the program with exit code 2
and one line on stderr; usage errors also exit 2, as argparse does.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Callable, Sequence

from .. import __version__
from . import actuals, curves, economics, import_doc, reports, simulate, team, timeline, window, workbook
from .common import EXIT_ERROR, EXIT_OK, PROG, CliError, ViewScenario, one_line, scenario_arg

COMMANDS = ("summary", "timeline", "audit", "screenshot", "curve", "chart", "export", "import", "compare",
            "tornado", "simulate")
_OWN_SCENARIO = ("summary", "timeline", "audit", "compare", "tornado", "import", "simulate")  # these read --scenario themselves (or never)
_MODULES = (reports, timeline, window, economics, simulate, curves, workbook, import_doc)  # import_doc extends workbook's import
COMMANDS, _OWN_SCENARIO, _MODULES = COMMANDS + actuals.COMMANDS, _OWN_SCENARIO + actuals.COMMANDS, _MODULES + (actuals,)
COMMANDS, _MODULES, _OWN_SCENARIO = team.register(COMMANDS, _MODULES, _OWN_SCENARIO)  # publish, pull (team plans)


def build_parser() -> argparse.ArgumentParser:
    """The parser of the commands (``summary``, ``audit``, ``export``...): each module adds its own."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        usage=f"{PROG} [PLAN]\n       {PROG} {{{','.join(COMMANDS)}}} ...",
        description="VIVIM Planner: a spreadsheet-style cost planner for startup founders. "
                    "With no command it opens the window on PLAN (default: the bundled VIVIM sample plan).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", prog=PROG)
    for module in _MODULES:
        module.add_parsers(sub)
    for name, p in sub.choices.items():  # every other report takes --scenario too (see ViewScenario)
        if name not in _OWN_SCENARIO:
            p.add_argument("--scenario", dest="view_scenario", type=scenario_arg, default=None, metavar="S",
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
        print(f"{PROG}: {one_line(str(e))}", file=sys.stderr)
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
            ViewScenario.name = getattr(args, "view_scenario", None)
            if args.command is None:
                return window.cmd_window(None)
            return args.func(args)
        args = build_window_parser().parse_args(args_in)
        return window.cmd_window(args.plan)

    return _run(go)


def gui_main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``vivim-planner-gui`` (no console): the window on an optional PLAN."""
    args_in = list(sys.argv[1:] if argv is None else argv)
    plan = build_window_parser().parse_args(args_in).plan
    from ..ui.app import run_window

    return int(run_window(plan, dialogs=True) or 0)  # no console: a bad file gets a dialog
