"""Team plans on a PostgreSQL server: ``publish`` a local plan, ``pull`` an offline copy.

::

    vivim-planner publish PLAN.vivim postgresql://user@host/db[?plan=NAME] [--replace]
    vivim-planner pull postgresql://user@host/db?plan=NAME OUT.vivim [--force]

Every other command (and the window) opens a team plan by its URL as it opens a file
(``vivim-planner summary postgresql://...?plan=NAME``). The password comes from the URL,
``PGPASSWORD`` / ``~/.pgpass``, or a prompt when a terminal is attached; it is never printed.
"""

from __future__ import annotations

import argparse

from .common import EXIT_OK, CliError, open_readonly, output_file

COMMANDS = ("publish", "pull")


def _prompt(location) -> str | None:  # noqa: ANN001 - TeamLocation
    """Ask for the password on the terminal (never echoed); None without a terminal."""
    from ..storage.postgres_url import terminal_password_prompt

    return terminal_password_prompt(location)


def cmd_publish(args: argparse.Namespace) -> int:
    """Copy a local plan to the server; prints the URL that opens it."""
    from ..domain import PlanError
    from ..storage.postgres import TeamDocument

    doc = open_readonly(args.plan)
    try:
        url = TeamDocument.publish(doc.plan, args.url, source=doc.path.name, replace=args.replace,
                                   password_prompt=_prompt)
    except PlanError as e:
        raise CliError(str(e)) from None
    finally:
        doc.close()
    print(f"Published {doc.path.name} as {url}")
    return EXIT_OK


def cmd_pull(args: argparse.Namespace) -> int:
    """Write a team plan as it is now to a local .vivim file."""
    from ..domain import PlanError
    from ..storage.postgres import TeamDocument

    out = output_file(args.out, "the plan file")
    if out.exists() and not args.force:
        raise CliError(f"{out}: exists already; add --force to replace it")
    try:
        team = TeamDocument.open(args.url, readonly=True, password_prompt=_prompt)
    except PlanError as e:
        raise CliError(str(e)) from None
    try:
        team.pull(out, overwrite=args.force).close()
    except PlanError as e:
        raise CliError(str(e)) from None
    finally:
        team.close()
    print(f"Pulled {team.display()} (revision {team.revision}) to {out}")
    return EXIT_OK


def add_parsers(sub) -> None:  # noqa: ANN001 - argparse subparsers action
    """Add ``publish`` and ``pull`` to the CLI's subcommands."""
    p = sub.add_parser("publish", help="copy a local plan to a PostgreSQL server as a team plan",
                       description="Copy PLAN to the server as a team plan named by ?plan=NAME (default: the plan's "
                                   "name), with its history starting there. Credentials: the URL, PGPASSWORD or "
                                   "~/.pgpass, else a prompt.")
    p.add_argument("plan", metavar="PLAN", help="a .vivim plan file")
    p.add_argument("url", metavar="URL", help="postgresql://user@host/database[?plan=NAME]")
    p.add_argument("--replace", action="store_true", help="replace a team plan of that name (and its history)")
    p.set_defaults(func=cmd_publish)
    p = sub.add_parser("pull", help="write a team plan to a local .vivim file (an offline copy)",
                       description="Write the team plan at URL, as it is now, to OUT.vivim.")
    p.add_argument("url", metavar="URL", help="postgresql://user@host/database?plan=NAME")
    p.add_argument("out", metavar="OUT.vivim", help="the plan file to write")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.set_defaults(func=cmd_pull)


def register(commands: tuple[str, ...], modules: tuple, own_scenario: tuple[str, ...]) -> tuple[tuple, tuple, tuple]:
    """The CLI's command names, modules and commands without ``--scenario`` with these added
    (the one-line hook in ``cli``): a plan is published and pulled as it is, never a scenario of it."""
    import sys

    return commands + COMMANDS, modules + (sys.modules[__name__],), own_scenario + COMMANDS
