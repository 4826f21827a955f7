"""Spreadsheet formulas that reproduce the engine's rules, cell by cell.

Each core grid gets derived columns after its inputs (the same columns the window shows in
grey): a :class:`Derived` gives the header, a formula for one row and the engine's value for
every row (the cached value written beside the formula). The rules mirror
:mod:`vivim_planner.engine.rollup` exactly, including empty cells:

* an empty number cell is "no value", never 0: ``IF(x<>"", ...)`` tests replace NumPy's NaN,
  and a formula with no value returns ``""`` (SUMIFS, MIN and MAX skip text, as the engine's
  sums skip NaN);
* products keep the engine's order of operations (rate x hours x months x FTE, left to right),
  so Excel and LibreOffice round exactly as NumPy does;
* text matching (SUMIFS, COUNTIFS, MATCH) is case-insensitive like the engine's
  ``category_key``; wildcard characters and leading operators in a name are escaped
  (:func:`criterion`), so a category called ``R&D *`` matches itself only.

Tables without derived columns (and every table added later) are plain inputs.
"""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np

from ..domain import Plan, column_letter
from ..domain.table import TableSpec
from ..engine import PlanResult
from ..engine.rollup import estimate_bottom_up, positions_of

HOURS_NAME = "HoursPerMonth"
CURRENCY_NAME = "Currency"
PLAN_NAME = "PlanName"
ROLLUP_SHEET = "Build roll-up"

_SAFE_SHEET = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
_WILD = re.compile(r"[*?~]")


def sheet_ref(sheet: str) -> str:
    """A sheet name as formulas write it: ``Team``, ``'Rate card'`` (quotes doubled inside)."""
    if _SAFE_SHEET.match(sheet) and not re.match(r"^[A-Za-z]{1,3}[0-9]+$", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def whole_column(sheet: str, col: int) -> str:
    """An absolute whole-column reference, e.g. ``Team!$J:$J`` (rows added later count too)."""
    letter = column_letter(col)
    return f"{sheet_ref(sheet)}!${letter}:${letter}"


def string_literal(text: str) -> str:
    """``text`` as a formula string literal: in double quotes, inner double quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


def needs_escape(text: str) -> bool:
    """True when ``text`` would not match itself as a SUMIFS / MATCH criterion: it holds a
    wildcard (``* ? ~``), starts with a comparison operator, or is empty."""
    return not text or bool(_WILD.search(text)) or text[0] in "=<>"


def criterion(cell: str, text: str) -> str:
    """The criterion argument matching the text ``text`` held in ``cell``: the cell reference
    itself when that is safe, else an escaped literal such as ``"=R&D ~*"``."""
    if not needs_escape(text):
        return cell
    escaped = text.replace("~", "~~").replace("*", "~*").replace("?", "~?")
    return string_literal("=" + escaped)


def lookup_value(cell: str, text: str) -> str:
    """The lookup value of an exact MATCH on ``text`` (wildcards escaped like :func:`criterion`)."""
    if not _WILD.search(text):
        return cell
    return string_literal(text.replace("~", "~~").replace("*", "~*").replace("?", "~?"))


def nth(texts: list[str], p: int) -> str:
    """Row ``p``'s text of a column, for escaping its criterion; a row past the plan's (a spare
    row the workbook leaves for the analyst) has none, so its formula uses the cell as typed."""
    return texts[p] if 0 <= p < len(texts) else "x"


# -- derived columns --------------------------------------------------------------------------

@dataclass(frozen=True)
class Derived:
    """A formula column of a grid sheet.

    ``key`` names it for other formulas; ``label`` is its header (as in the window);
    ``formula(refs, p)`` returns the formula of table row ``p`` where ``refs`` maps field names
    and derived keys to this row's cell addresses (``"J2"``); ``values(plan, result)`` gives the
    engine's value for every row (float64, NaN where the formula returns ``""``, or a list of
    text); ``style`` is ``"money"``, ``"rate"``, ``"number"`` or ``"integer"``.
    """

    key: str
    label: str
    formula: Callable[[dict[str, str], int], str]
    values: Callable[[Plan, PlanResult], np.ndarray]
    style: str = "money"
    help: str = ""
    blank: object = ""
    """What the column holds in a row with no inputs (a spare row): ``""``, or 0 for the
    numeric helpers the Timeline sums over."""


def _team_formulas(plan: Plan) -> tuple[Derived, ...]:
    from ..domain.schema import ROLES

    roles_sheet = ROLES.sheet
    names = whole_column(roles_sheet, ROLES.column_index("name"))
    rates = whole_column(roles_sheet, ROLES.column_index("hourly_rate"))
    al = plan.allocations
    role_names = [plan.ref_label("roles", int(r)) for r in al.column("role")]

    def rate(refs: dict[str, str], p: int) -> str:
        look = f"INDEX({rates},MATCH({lookup_value(refs['role'], nth(role_names, p))},{names},0))"
        return f'=IF({refs["hourly_rate"]}<>"",{refs["hourly_rate"]},IF({look}="","",{look}))'

    def hours(refs: dict[str, str], p: int) -> str:
        m, f = refs["months"], refs["fte"]
        return f'=IF(OR({m}="",{f}=""),"",{HOURS_NAME}*{m}*{f})'

    def cost(refs: dict[str, str], p: int) -> str:
        lump, r, m, f = refs["lump_sum"], refs["rate_used"], refs["months"], refs["fte"]
        return f'=IF({lump}<>"",{lump},IF(OR({r}="",{m}="",{f}=""),"",{r}*{HOURS_NAME}*{m}*{f}))'

    return (
        Derived("rate_used", "Rate used", rate, lambda p, r: r.allocation_rate, "rate",
                "The line's own hourly rate, else its role's rate on the rate card"),
        Derived("hours", "Hours", hours,
                lambda p, r: r.hours_per_month * p.allocations.column("months") * p.allocations.column("fte"),
                "number", "Hours per month x months x FTE"),
        Derived("cost", "Cost", cost, lambda p, r: r.allocation_cost, "money",
                "Lump sum, else rate used x hours per month x months x FTE"),
    )


def _build_formulas(plan: Plan) -> tuple[Derived, ...]:
    def cost(refs: dict[str, str], p: int) -> str:
        q, u, a, lo, hi = (refs[k] for k in ("quantity", "unit_cost", "amount", "low", "high"))
        mid = f'IF({lo}="",IF({hi}="","",{hi}),IF({hi}="",{lo},({lo}+{hi})/2))'
        return f'=IF(AND({q}<>"",{u}<>""),{q}*{u},IF({a}<>"",{a},{mid}))'

    def band(field: str) -> Callable[[dict[str, str], int], str]:
        return lambda refs, p: f'=IF({refs[field]}<>"",{refs[field]},{refs["cost"]})'

    return (
        Derived("cost", "Cost", cost, lambda p, r: r.build_cost, "money",
                "Qty x unit cost, else the amount, else the midpoint of low-high"),
        Derived("cost_low", "Cost low", band("low"), lambda p, r: r.build_low, "money",
                "Low, else the cost"),
        Derived("cost_high", "Cost high", band("high"), lambda p, r: r.build_high, "money",
                "High, else the cost"),
    )


def _estimate_formulas(plan: Plan) -> tuple[Derived, ...]:
    es = plan.estimates
    codes = [plan.ref_label("milestones", int(m)) for m in es.column("milestone")]
    cats = list(es.column("category"))
    bu = whole_column(ROLLUP_SHEET, ROLLUP_COLUMNS.index("bu_mid"))
    rm = whole_column(ROLLUP_SHEET, 0)
    rc = whole_column(ROLLUP_SHEET, 1)

    def bottom_up(refs: dict[str, str], p: int) -> str:
        return (f"=SUMIFS({bu},{rm},{criterion(refs['milestone'], nth(codes, p))},"
                f"{rc},{criterion(refs['category'], nth(cats, p))})")

    def variance(refs: dict[str, str], p: int) -> str:
        return f'=IF({refs["mid"]}="","",{refs["mid"]}-{refs["bottom_up"]})'

    return (
        Derived("bottom_up", "Bottom-up", bottom_up, estimate_bottom_up, "money",
                f"The milestone's lines of this category (sheet {ROLLUP_SHEET})"),
        Derived("variance", "Mid - bottom-up", variance,
                lambda p, r: p.estimates.column("mid") - estimate_bottom_up(p, r), "money",
                "The stated mid estimate against the bottom-up figure"),
    )


def _operating_formulas(plan: Plan) -> tuple[Derived, ...]:
    def monthly(refs: dict[str, str], p: int) -> str:
        q, u, a = refs["quantity"], refs["unit_cost"], refs["amount"]
        return f'=IF(AND({q}<>"",{u}<>""),{q}*{u},IF({a}<>"",{a},""))'

    return (Derived("monthly_cost", "Monthly cost", monthly, lambda p, r: r.operating_amount, "money",
                    "Qty x unit cost, else the monthly amount"),)


def _milestone_formulas(plan: Plan) -> tuple[Derived, ...]:
    return (Derived("duration", "Duration",
                    lambda refs, p: f"={refs['end_month']}-{refs['start_month']}+1",
                    lambda p, r: p.milestones.column("end_month") - p.milestones.column("start_month") + 1,
                    "integer", "End month - start month + 1 (months)"),)


def role_use(plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """Per role: team lines using it, and of those the lines with their own rate or a lump sum."""
    al = plan.allocations
    rpos = positions_of(plan.roles.ids, al.column("role"))
    ok = rpos >= 0
    n = len(plan.roles)
    own = ~np.isnan(al.column("hourly_rate")) | ~np.isnan(al.column("lump_sum"))
    return (np.bincount(rpos[ok], minlength=n).astype(float),
            np.bincount(rpos[ok], weights=own[ok].astype(float), minlength=n))


def _role_formulas(plan: Plan) -> tuple[Derived, ...]:
    from ..domain.schema import ALLOCATIONS

    team = ALLOCATIONS.sheet
    role_col = whole_column(team, ALLOCATIONS.column_index("role"))
    rate_col = whole_column(team, ALLOCATIONS.column_index("hourly_rate"))
    lump_col = whole_column(team, ALLOCATIONS.column_index("lump_sum"))
    names = list(plan.roles.column("name"))

    def lines(refs: dict[str, str], p: int) -> str:
        return f"=COUNTIFS({role_col},{criterion(refs['name'], nth(names, p))})"

    def own(refs: dict[str, str], p: int) -> str:
        c = criterion(refs["name"], nth(names, p))
        return (f'=COUNTIFS({role_col},{c},{rate_col},"<>")'
                f'+COUNTIFS({role_col},{c},{rate_col},"",{lump_col},"<>")')

    return (
        Derived("team_lines", "Team lines", lines, lambda p, r: role_use(p)[0], "integer",
                "Team lines of this role"),
        Derived("own_rate", "Own rate", own, lambda p, r: role_use(p)[1], "integer",
                "Of those, lines with their own hourly rate or a lump sum: a rate card change does not reach them"),
    )


DERIVED: dict[str, Callable[[Plan], tuple[Derived, ...]]] = {
    "milestones": _milestone_formulas,
    "roles": _role_formulas,
    "allocations": _team_formulas,
    "build_items": _build_formulas,
    "estimates": _estimate_formulas,
    "operating_costs": _operating_formulas,
}
"""Table name -> its derived columns for a given plan (per-row formulas escape that row's names)."""


_memo = threading.local()


@contextmanager
def derived_memo() -> Iterator[None]:
    """Within the block, :func:`derived_columns` builds each sheet's columns once per plan (an
    export asks for them hundreds of times; the plan must not change inside the block)."""
    _memo.cache = {}
    try:
        yield
    finally:
        _memo.cache = None


def derived_columns(spec: TableSpec, plan: Plan, helpers: bool = True) -> tuple[Derived, ...]:
    """The derived columns of ``spec``'s sheet (empty for plain input tables); ``helpers``: with
    the columns the workbook's Timeline sheet reads (:mod:`.helper_columns`) after them."""
    from .helper_columns import HELPERS

    cache = getattr(_memo, "cache", None)
    key = (spec.name, id(plan), helpers)
    if cache is not None and key in cache:
        return cache[key]
    make, extra = DERIVED.get(spec.name), HELPERS.get(spec.name)
    out = (make(plan) if make else ()) + (extra(plan) if extra and helpers else ())
    if cache is not None:
        cache[key] = out
    return out


# -- build roll-up: milestone x category ----------------------------------------------------

ROLLUP_COLUMNS = ("milestone", "category", "bu_low", "bu_mid", "bu_high", "stated_low", "stated_mid",
                  "stated_high", "est_low", "est_mid", "est_high")
ROLLUP_HEADERS = ("Milestone", "Category", "Bottom-up low", "Bottom-up mid", "Bottom-up high",
                  "Stated low", "Stated mid", "Stated high", "Estimate low", "Estimate mid", "Estimate high")
