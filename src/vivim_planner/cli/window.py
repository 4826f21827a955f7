"""The window and ``screenshot``: the only commands that import :mod:`vivim_planner.ui`
(lazily, inside their functions)."""

from __future__ import annotations

import argparse
import os

from .common import EXIT_OK, CliError, ViewScenario, check_plan, one_line, output_file, plan_argument


def cmd_screenshot(args: argparse.Namespace) -> int:
    """Render the main window offscreen on ``--tab`` and save it as a PNG at ``OUT``."""
    out = output_file(args.out, "the PNG file")
    check_plan(args.plan)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ..domain import PlanError
    from ..ui.app import screenshot
    from ..ui.scenario_bar import ScenarioState

    ScenarioState.initial = ViewScenario.name or "mid"  # the window opens on the scenario
    from ..ui.app import parse_size

    try:
        size = parse_size(args.size)
    except ValueError as e:
        args.parser.error(str(e))
    try:
        screenshot(str(args.plan), str(out), args.tab, size)
    except PlanError as e:
        raise CliError(str(e)) from None
    except OSError as e:
        raise CliError(str(e) if not e.strerror else f"{out}: {e.strerror}") from None
    except ValueError as e:  # unknown tab: a usage error
        args.parser.error(one_line(str(e)))
    return EXIT_OK


def cmd_window(plan: str | None) -> int:
    """Open the window on ``plan`` (``None``: the last plan, else the bundled VIVIM sample's
    copy); returns its exit code."""
    if plan is None:
        from ..samples import sample_path

        try:
            sample_path("vivim")
        except FileNotFoundError as e:
            raise CliError(str(e)) from None
    else:
        check_plan(plan)
    from ..domain import PlanError
    from ..ui.app import run_window

    try:
        return int(run_window(plan) or 0)
    except PlanError as e:
        raise CliError(str(e)) from None


def add_parsers(sub) -> None:  # noqa: ANN001 - argparse subparsers action
    """Add ``screenshot`` to the CLI's subcommands."""
    p = sub.add_parser("screenshot", help="render the window offscreen and save a PNG",
                       description="Open PLAN in the main window offscreen, show one tab, save a PNG, exit.")
    plan_argument(p)
    p.add_argument("out", metavar="OUT.png", help="the PNG file to write")
    p.add_argument("--tab", metavar="NAME", default=None,
                   help="view to show (default Dashboard): Milestones, Rate card, Team, Build costs, Summary, "
                        "Operations, Curves, Economics, Timeline, Audit... as the sidebar names them")
    p.add_argument("--size", metavar="WxH", default="1280x800",
                   help="window size in pixels (default 1280x800), e.g. 1280x720 or 1920x1080")
    p.set_defaults(func=cmd_screenshot, parser=p)
