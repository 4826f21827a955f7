"""What every command of the CLI shares: the error that ends a command with one line, JSON
output, the ``--scenario`` argument, opening a plan read-only and checking output paths.

Command modules (``reports``, ``window``, ``workbook``, ``curves``, ``economics``) import from
here and never from each other; :mod:`vivim_planner.cli` only assembles their parsers.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Callable

PROG = "vivim-planner"
SCENARIOS = ("low", "mid", "high", "bottom-up")
EXIT_OK, EXIT_ERROR = 0, 2


class CliError(Exception):
    """A problem reported as one line on stderr with exit code 2 (no traceback)."""


class ViewScenario:
    """``--scenario`` of a command that does not handle scenarios itself (curve, chart, export,
    screenshot): :func:`open_readonly` hands such a command the plan as the scenario leaves it.
    Set once per run by :func:`vivim_planner.cli.main`."""

    name: str | None = None


def one_line(text: str) -> str:
    """``text`` folded onto one line (a message for stderr or the status bar)."""
    return " ".join(part.strip() for part in str(text).splitlines() if part.strip())


def finite(value: object) -> object:
    """``value`` with every NaN or infinity replaced by ``None`` (JSON has neither)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


def dump_json(data: object) -> str:
    """Indented JSON of ``data``, NaN and infinities as ``null``, non-ASCII kept."""
    return json.dumps(finite(data), indent=2, ensure_ascii=False, allow_nan=False)


def scenario_arg(text: str) -> str:
    """argparse type: ``Bottom_Up`` -> ``bottom-up``; other names (the plan's Scenarios sheet) as
    typed; an unknown name is refused once the plan is open."""
    low = text.strip().lower().replace("_", "-")
    return low if low in SCENARIOS else text.strip()


def open_readonly(path: str):  # noqa: ANN201 - PlanDocument, imported lazily with storage
    """Open a plan read-only; :class:`CliError` for anything that is not a readable plan, or
    for a ``--scenario`` (:class:`ViewScenario`) the plan does not have."""
    from ..domain import PlanError
    from ..storage.postgres_url import open_document, terminal_password_prompt

    try:
        doc = open_document(path, readonly=True, password_prompt=terminal_password_prompt)  # a file or a team URL
        if ViewScenario.name:
            from ..engine.scenarios import resolve_scenario

            try:
                doc.plan = resolve_scenario(doc.plan, ViewScenario.name).plan
            except PlanError:
                doc.close()
                raise
        return doc
    except PlanError as e:
        raise CliError(str(e)) from None
    except OSError as e:  # permissions and the like
        raise CliError(f"{path}: cannot read ({e.strerror or e})") from None


def read_report(path: str, compute: Callable):  # noqa: ANN201 - whatever ``compute`` returns
    """``compute(plan)`` on PLAN opened read-only, the file closed either way; a
    :class:`PlanError` from it (an unknown scenario, an override that no longer fits) becomes a
    :class:`CliError` with its message."""
    from ..domain import PlanError

    doc = open_readonly(path)
    try:
        return compute(doc.plan)
    except PlanError as e:
        raise CliError(str(e)) from None
    finally:
        doc.close()


def check_plan(path: str) -> None:
    """Refuse early a PLAN the window could not open. A file from an older version passes: the
    window upgrades it, which a read-only check cannot do."""
    try:
        open_readonly(path).close()
    except CliError as e:
        if "older VIVIM Planner" not in str(e):
            raise


def output_file(out: str | Path, what: str) -> Path:
    """``out`` as a file to write: :class:`CliError` if it is a folder or its folder is missing.
    ``what`` names the file in the message (``"the PNG file"``)."""
    out = Path(out)
    if out.is_dir():
        raise CliError(f"{out}: is a folder; give {what} to write")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise CliError(f"{out}: the folder {folder} does not exist")
    return out


def plan_argument(p) -> None:  # noqa: ANN001 - argparse parser
    """The PLAN positional every report takes."""
    p.add_argument("plan", metavar="PLAN", help="a .vivim plan file")


# -- number formatting for text tables --------------------------------------------------------

def fmt_int(x: float | None) -> str:
    """``1,234``; empty for None or NaN."""
    return "" if x is None or not math.isfinite(x) else f"{x:,.0f}"


def fmt_cost_per_user(x: float | None) -> str:
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


def fmt_months(start: float | None, end: float | None) -> str:
    """``1-3`` for a month range, ``4`` for one month, empty for none."""
    if start is None and end is None:
        return ""
    if start is None or end is None or start == end:
        return f"{start if start is not None else end:g}"
    return f"{start:g}-{end:g}"


def table_lines(rows: list[list[str]], left: int = 1) -> list[str]:
    """Fixed-width lines of ``rows`` (the first is the header, ruled under it); the first
    ``left`` columns are left-aligned, the others right-aligned."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]

    def line(cells: list[str]) -> str:
        out = [c.ljust(w) for c, w in zip(cells[:left], widths[:left])]
        out += [c.rjust(w) for c, w in zip(cells[left:], widths[left:])]
        return "  ".join(out).rstrip()

    return [line(rows[0]), "  ".join("-" * w for w in widths), *map(line, rows[1:])]
