"""Budget amendments: an edit of a milestone's budget (an estimate's low, mid or high) made
after actuals exist is recorded in *Budget amendments* (milestone, category, estimate, old, new,
when, why) in the same undo step, as seed 001's ``budget_amendments`` keeps "budget changes".

:func:`record_amendments` wraps a validated :class:`SetCells`; :func:`amend_budget` is the
whole action with its reason (the Plan vs actual view's *Amend budget…*).
"""

from __future__ import annotations

import datetime as dt
import math

from ..domain import CellError, Plan, text_key
from .edits import Command, Compound, InsertRows, SetCells, insert_rows, set_cells

BOUNDS = ("low", "mid", "high")


class AmendedEdit(Compound):
    """A cell edit with the amendments it records, as one undo step. ``edits`` are the cell
    edit's own (what callers of :func:`~.edits.set_cells` read to tell a no-op)."""

    @property
    def edits(self) -> list[tuple[str, int, str, object]]:
        return self.commands[0].edits


def now_text() -> str:
    """The current UTC time as an amendment records it: ``2026-03-31 17:05 UTC``."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _amendment_rows(plan: Plan, command: SetCells, why: str, when: str) -> list[dict[str, object]]:
    rows = []
    est = plan.tables["estimates"]
    for table, rid, name, new in command.edits:
        if table != "estimates" or name not in BOUNDS:
            continue
        pos = est.position(rid)
        old = float(est.get(pos, name))
        rows.append({"milestone": int(est.get(pos, "milestone")), "category": est.get(pos, "category"),
                     "bound": name, "old_value": None if math.isnan(old) else old,
                     "new_value": None if isinstance(new, float) and math.isnan(new) else new, "changed_at": when,
                     "reason": why})
    return rows


def record_amendments(plan: Plan, command: SetCells, why: str = "", when: str | None = None) -> Command:
    """``command`` itself, or, when it changes an estimate's low / mid / high of a plan that holds
    actuals, one :class:`AmendedEdit` of ``command`` and the :class:`InsertRows` of its amendments
    (one per changed bound; ``when`` defaults to :func:`now_text`).
    Nothing is applied here."""
    if not len(plan.tables["actuals"]) or not any(e[0] == "estimates" and e[2] in BOUNDS for e in command.edits):
        return command
    rows = _amendment_rows(plan, command, why, when or now_text())
    if not rows:
        return command
    table = plan.tables["budget_amendments"]
    add = InsertRows("budget_amendments", [(len(table) + i, r) for i, r in enumerate(rows)], "Record amendment")
    return AmendedEdit([command, add], command.label)


def amend_budget(plan: Plan, milestone: str, category: str, bound: str, new: object, why: str,
                 when: str | None = None) -> Command:
    """Change the ``bound`` (low / mid / high) estimate of ``milestone``'s ``category`` to the raw
    value ``new`` and record why (the amendment is recorded whether or not actuals exist yet).
    A category without an estimate row gets one. Raises :class:`CellError`
    (``Budget amendments: M9 has no milestone of that code``, a refused value); nothing changes."""
    mid = plan.find_ref("milestones", milestone)
    if mid is None:
        raise CellError("Budget amendments", "", f'Milestone "{milestone}" does not exist')
    if bound not in BOUNDS:
        raise CellError("Budget amendments", "", f'Estimate must be one of low, mid, high, got "{bound}"')
    if not str(why).strip():
        raise CellError("Budget amendments", "", "Say why the budget changes (the amendment keeps the reason)")
    est = plan.tables["estimates"]
    pos = next((p for p in range(len(est)) if int(est.get(p, "milestone")) == mid
                and text_key(est.get(p, "category")) == text_key(category)), None)
    parts: list[Command] = []
    when = when or now_text()
    if pos is None:
        parts.append(insert_rows(plan, "estimates", len(est), [{"milestone": mid, "category": category, bound: new}]))
        value = plan.parse_cell("estimates", len(est), bound, new)
        old = None
    else:
        edit = set_cells(plan, "estimates", [(int(est.ids[pos]), bound, new)])
        parts.append(edit.commands[0] if isinstance(edit, Compound) else edit)  # the amendment is recorded below
        value = plan.parse_cell("estimates", pos, bound, new)
        old_v = float(est.get(pos, bound))
        old = None if math.isnan(old_v) else old_v
    row = {"milestone": mid, "category": category, "bound": bound, "old_value": old,
           "new_value": None if isinstance(value, float) and math.isnan(value) else value, "changed_at": when,
           "reason": str(why).strip()}
    parts.append(insert_rows(plan, "budget_amendments", len(plan.tables["budget_amendments"]), [row]))
    return Compound(parts, f"Amend {milestone} {category} budget")
