"""Stored rows into a plan table, shared by the SQLite file and the PostgreSQL team document."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..domain import Kind


def fill_table(t, rows: Sequence[Sequence[object]]) -> None:  # noqa: ANN001 - domain Table
    """Replace the rows of table ``t`` in place with ``rows``: ``(id, value of each field in
    the spec's order)`` as stored (NULL = empty text, no reference, NaN)."""
    cols = list(zip(*rows)) if rows else [[] for _ in range(len(t.spec.fields) + 1)]
    t.ids = np.asarray(cols[0], dtype=np.int64)
    for f, col in zip(t.spec.fields, cols[1:]):
        if f.kind is Kind.TEXT:
            t._cols[f.name] = ["" if v is None else str(v) for v in col]
        elif f.kind is Kind.REF:
            t._cols[f.name] = np.asarray([0 if v is None else v for v in col], dtype=np.int64)
        else:
            t._cols[f.name] = np.asarray([np.nan if v is None else v for v in col], dtype=np.float64)
    t._max_id = int(t.ids.max()) if len(t.ids) else 0
    t._pos_of_id = None
