"""Scenarios: low / mid / high (and bottom-up) always exist; the Scenarios sheet adds named ones
and rows of the Overrides sheet change any input of the plan for a scenario.

A scenario is resolved to ``(plan, band)``: a copy of the plan with the scenario's overrides
applied (its bases' first, so its own win) and the build-estimate band its figures use. The
original plan is never changed. Every report (summary, economics, compare, the window) asks
:func:`scenario_plan` for the plan it computes, so one scenario name gives one set of figures
everywhere.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from ..domain import FieldError, Plan, PlanError
from ..domain.overrides import resolve, scenario_chain

BUILTIN = ("low", "mid", "high", "bottom-up")
"""Scenarios every plan has: the stated low / mid / high build estimates and the bottom-up lines."""


class ScenarioError(PlanError, KeyError):
    """An unknown scenario name, or an override that no longer fits the plan (a renamed row).
    A ``KeyError`` too, as :func:`vivim_planner.engine.summary` has always raised for an
    unknown scenario."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


def _band_key(band: str) -> str:
    return "bottom_up" if band in ("bottom-up", "bottom_up") else band


def scenario_names(plan: Plan) -> list[str]:
    """Every scenario of ``plan``: the built-in ones, then the Scenarios sheet's rows that are not
    built-in names, in row order."""
    extra = [n for n in plan.tables["scenarios"].column("name") if n.casefold() not in BUILTIN]
    return list(BUILTIN) + extra


def normalise(name: str) -> str:
    """``Bottom_Up`` -> ``bottom-up``; other names as typed (trimmed)."""
    n = name.strip()
    low = n.casefold().replace("_", "-")
    return low if low in BUILTIN else n


@dataclass(frozen=True)
class Resolved:
    """A scenario ready to compute: ``plan`` (a copy when overrides apply, else the original),
    ``band`` (``low``/``mid``/``high``/``bottom_up``: the key of the engine's build totals),
    ``name`` as the plan spells it and ``overrides``: ``[(sheet, row, column, value)]`` applied."""

    name: str
    plan: Plan
    band: str
    overrides: tuple[tuple[str, str, str, object], ...] = ()


def copy_plan(plan: Plan) -> Plan:
    """A deep copy of ``plan`` (settings shared: they are immutable). O(cells)."""
    out = copy.copy(plan)
    out.tables = {}
    for name, t in plan.tables.items():
        c = copy.copy(t)
        c._cols = {k: (v.copy() if isinstance(v, np.ndarray) else list(v)) for k, v in t._cols.items()}  # noqa: SLF001
        c.ids = t.ids.copy()
        c._pos_of_id = None  # noqa: SLF001
        out.tables[name] = c
    return out


def resolve_scenario(plan: Plan, name: str = "mid") -> Resolved:
    """The plan and band of scenario ``name`` (case-insensitive).

    Band: the scenario row's ``band``, else its name's when it is built-in, else its base's,
    else mid. Raises :class:`ScenarioError` for an unknown name or an override that does not
    apply (its message names the Overrides cell).
    """
    wanted = normalise(name)
    table = plan.tables["scenarios"]
    rid = next((int(i) for i, n in zip(table.ids, table.column("name")) if n.casefold() == wanted.casefold()), 0)
    if not rid:
        if wanted in BUILTIN:
            return Resolved(wanted, plan, _band_key(wanted))
        raise ScenarioError(f'no scenario "{name}"; the plan has {", ".join(scenario_names(plan))}')
    try:
        chain = scenario_chain(plan, rid)
    except FieldError as e:
        raise ScenarioError(f"Scenarios: {e.reason}") from None
    band = ""
    for sid in chain:  # the scenario itself first, then its bases
        pos = table.position(sid)
        own = table.get(pos, "band") or (table.get(pos, "name").casefold() if table.get(pos, "name").casefold() in BUILTIN else "")
        if own:
            band = own
            break
    band = band or "mid"
    ov = plan.tables["scenario_overrides"]
    by_scenario = ov.column("scenario")
    rows = [p for sid in reversed(chain) for p in np.flatnonzero(by_scenario == sid).tolist()]
    if not rows:
        return Resolved(table.get(table.position(rid), "name"), plan, _band_key(band))
    out = copy_plan(plan)
    applied = []
    from ..domain import SPECS

    for p in rows:
        sheet, row, column, raw = (ov.get(p, k) for k in ("sheet", "row", "field", "value"))
        where = f"Overrides!{SPECS['scenario_overrides'].address(p, 'row')}"
        try:
            target = resolve(plan, sheet, row, column)  # names as the base plan has them
            spec = SPECS[target.table]
            value = out.parse_value(spec, spec.field(target.field), raw)
        except FieldError as e:
            raise ScenarioError(f"{where}: {e.reason}") from None
        t = out.tables[target.table]
        t.set(t.position(target.row_id), target.field, value)
        applied.append((sheet, row, column, raw))
    return Resolved(table.get(table.position(rid), "name"), out, _band_key(band), tuple(applied))


def scenario_plan(plan: Plan, name: str = "mid") -> tuple[Plan, str]:
    """Shortcut: ``(plan with the overrides applied, band key)``; see :func:`resolve_scenario`."""
    r = resolve_scenario(plan, name)
    return r.plan, r.band
