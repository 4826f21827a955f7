"""What an import says about the cells it reads besides their values: a header's unit suffix,
columns the analyst inserted, formulas typed in input cells, metrics written as words. Helpers
of :mod:`.importer`; every note is ``Sheet!A1: ...`` so a person finds the cell."""

from __future__ import annotations

import functools
import re

from ..domain import Plan, PlanSettings, column_letter, text_key
from ..domain.table import TableSpec
from .base import ROW_ID
from .reader import SheetCells

@functools.lru_cache(maxsize=None)
def known_headers(spec: TableSpec) -> frozenset[str]:
    """Keys of every header the export writes on ``spec``'s sheet: inputs, computed columns
    (their labels do not depend on the plan), the stated figures' audit columns and Row ID."""
    from .formulas import derived_columns

    derived = derived_columns(spec, Plan(PlanSettings()))
    return frozenset({text_key(f.label) for f in spec.fields} | {text_key(d.label) for d in derived}
                     | {text_key(ROW_ID), "computed", "difference", "audit"})


def shown(value: object) -> str:
    """A cell value as a note quotes it: 0.75, 12, 'abc'."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, str) else str(value)


def metric_codes(spec: TableSpec, f) -> tuple[str, ...]:  # noqa: ANN001 - Field
    """Every code a metric column holds: its choices, or the stated figures' metrics."""
    from ..domain.schema import METRICS

    return tuple(f.choices) if f.choices else METRICS


UNIT_SUFFIX = re.compile(r"\s*\([^()]*\)\s*$")
"""A header's unit in parentheses at its end, as the export writes it."""


def formula_notes(spec: TableSpec, sheet: SheetCells, cols: dict[str, int]) -> list[str]:
    """A formula the analyst typed in an input cell (``cols``: field -> column): its value is
    imported, and said so per cell (at most 20 a sheet). A bare number (how the export keeps a
    17th digit) is not one."""
    inputs = {c: spec.field(name).label for name, c in cols.items()}
    found = []
    for (r, c), text in sorted(sheet.formulas.items()):
        if c not in inputs or r == 0:
            continue
        try:
            float(text)
            continue
        except ValueError:
            found.append((r, c, text))
    notes = []
    for r, c, text in found[:20]:
        formula = f"={text}" if text else "a copied formula"
        notes.append(f"{spec.sheet}!{column_letter(c)}{r + 1}: {inputs[c]} holds a formula ({formula}); "
                     f"its value {shown(sheet.value(r, c))} was imported, not the formula")
    if len(found) > 20:
        notes.append(f"{spec.sheet}: {len(found) - 20} more input cells hold formulas; their values were imported")
    return notes


def extra_column_notes(spec: TableSpec, head: list) -> list[str]:
    """A column the analyst inserted (not an input, a computed column or Row ID) is not read:
    say so, once per column, instead of dropping it silently."""
    known = known_headers(spec)
    return [f'{spec.sheet}!{column_letter(c)}1: column "{v.strip()}" is not one VIVIM Planner reads; its cells '
            f"were not imported" for c, v in enumerate(head)
            if isinstance(v, str) and v.strip() and text_key(v) not in known
            and text_key(UNIT_SUFFIX.sub("", v)) not in known]
