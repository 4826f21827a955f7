"""Columnar storage of one kind of plan row.

A :class:`Table` keeps each field as one array (float64 for numbers, int64 for references,
a list of ``str`` for text) plus a stable int64 ``id`` per row, so the engine reads whole
columns without copying and an edit touches one element. Row positions are the order users
see; ids survive re-ordering, deletion and undo.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import numpy as np

from .fields import Field, Kind, column_letter


@dataclass(frozen=True)
class TableSpec:
    """The shape of a table: its storage ``name``, the ``sheet`` name users see
    (grid tab and Excel sheet), a singular ``noun`` for messages and its ordered ``fields``.
    Field order is the column order of the grid and the exported sheet (A, B, C...).
    """

    name: str
    sheet: str
    noun: str
    fields: tuple[Field, ...]
    parent: str | None = None  # table whose deletion cascades to this one, via field "milestone"
    unique: tuple[str, ...] = ()  # field names whose values must be unique (case-insensitive)
    by_name: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})

    def field(self, name: str) -> Field:
        return self.by_name[name]

    def column_index(self, name: str) -> int:
        return [f.name for f in self.fields].index(name)

    def address(self, position: int, field_name: str) -> str:
        """A1 address of a cell as the grid and the exported sheet show it (header is row 1)."""
        return f"{column_letter(self.column_index(field_name))}{position + 2}"


class Table:
    """Rows of one :class:`TableSpec`, stored column-wise.

    Values handed to :meth:`set` and :meth:`insert` must already be parsed by
    :meth:`Field.parse` (the plan does that); this class only stores them.
    """

    def __init__(self, spec: TableSpec):
        self.spec = spec
        self.ids = np.empty(0, dtype=np.int64)
        self._cols: dict[str, np.ndarray | list] = {}
        for f in spec.fields:
            self._cols[f.name] = self._empty_column(f, 0)
        self._pos_of_id: dict[int, int] | None = {}
        self._max_id = 0

    @staticmethod
    def _empty_column(f: Field, n: int) -> np.ndarray | list:
        if f.kind is Kind.TEXT:
            return [""] * n
        if f.kind is Kind.REF:
            return np.zeros(n, dtype=np.int64)
        return np.full(n, np.nan, dtype=np.float64)

    # -- reading ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.ids)

    def column(self, name: str) -> np.ndarray | list:
        """The live column (do not mutate): float64/int64 array or list of str."""
        return self._cols[name]

    def position(self, row_id: int) -> int:
        """Position of a row id; raises ``KeyError`` for an unknown id."""
        if self._pos_of_id is None:
            self._pos_of_id = {int(i): p for p, i in enumerate(self.ids)}
        return self._pos_of_id[int(row_id)]

    def has_id(self, row_id: int) -> bool:
        try:
            self.position(row_id)
        except KeyError:
            return False
        return True

    def get(self, position: int, name: str) -> object:
        """Stored value at a position: float (NaN = empty), int id, or str."""
        v = self._cols[name][position]
        if isinstance(v, np.floating):
            return float(v)
        if isinstance(v, np.integer):
            return int(v)
        return v

    def row(self, position: int) -> dict[str, object]:
        """All values of one row plus its ``id``."""
        out = {f.name: self.get(position, f.name) for f in self.spec.fields}
        out["id"] = int(self.ids[position])
        return out

    def rows(self) -> list[dict[str, object]]:
        return [self.row(p) for p in range(len(self))]

    def next_id(self) -> int:
        return self._max_id + 1

    # -- writing ---------------------------------------------------------------------------
    def set(self, position: int, name: str, value: object) -> None:
        self._cols[name][position] = value

    def insert(self, position: int, values: Mapping[str, object], row_id: int | None = None) -> int:
        """Insert one row at ``position`` (``len(self)`` appends); returns its id.

        Missing fields take the field default or empty value.
        """
        if not 0 <= position <= len(self):  # np.insert and list.insert disagree outside the table
            raise IndexError(f"{self.spec.noun} position {position} is outside 0..{len(self)}")
        row_id = self.next_id() if row_id is None else int(row_id)
        # no position map rebuild per insert: undoing a large delete inserts row after row
        exists = row_id in self._pos_of_id if self._pos_of_id is not None else bool((self.ids == row_id).any())
        if exists:
            raise ValueError(f"{self.spec.noun} id {row_id} exists already")
        for f in self.spec.fields:
            v = values.get(f.name, f.default if f.default is not None else f.empty_value())
            col = self._cols[f.name]
            if isinstance(col, list):
                col.insert(position, v)
            else:
                self._cols[f.name] = np.insert(col, position, v)
        self.ids = np.insert(self.ids, position, row_id)
        self._max_id = max(self._max_id, row_id)
        self._pos_of_id = None
        return row_id

    def extend(self, rows: Iterable[Mapping[str, object]]) -> list[int]:
        """Append many rows at once (fast path for loading a file); each may carry an ``id``."""
        rows = list(rows)
        if not rows:
            return []
        ids = []
        for r in rows:
            rid = r.get("id")
            if rid is None:
                rid = max(self._max_id, max(ids, default=0)) + 1
            ids.append(int(rid))
        if len(set(ids)) != len(ids) or any(self.has_id(i) for i in ids):
            raise ValueError(f"duplicate {self.spec.noun} ids")  # checked before anything changes
        for f in self.spec.fields:
            default = f.default if f.default is not None else f.empty_value()
            vals = [r.get(f.name, default) for r in rows]
            col = self._cols[f.name]
            if isinstance(col, list):
                col.extend("" if v is None else v for v in vals)
            else:
                arr = np.array([default if v is None else v for v in vals], dtype=col.dtype)
                self._cols[f.name] = np.concatenate([col, arr])
        self.ids = np.concatenate([self.ids, np.asarray(ids, dtype=np.int64)])
        self._max_id = max(self._max_id, max(ids))
        self._pos_of_id = None
        return ids

    def delete(self, position: int) -> dict[str, object]:
        """Remove the row at ``position`` and return it (with ``id``) so it can be re-inserted."""
        row = self.row(position)
        for f in self.spec.fields:
            col = self._cols[f.name]
            if isinstance(col, list):
                del col[position]
            else:
                self._cols[f.name] = np.delete(col, position)
        self.ids = np.delete(self.ids, position)
        self._pos_of_id = None
        return row

    def positions_where(self, name: str, value: object) -> list[int]:
        """Positions whose field ``name`` equals ``value`` (ids for references)."""
        col = self._cols[name]
        if isinstance(col, list):
            return [p for p, v in enumerate(col) if v == value]
        return np.flatnonzero(col == value).tolist()


def is_empty(value: object) -> bool:
    """True for the stored empty values: NaN, ``""``, ``None`` and reference 0."""
    if value is None or value == "":
        return True
    if type(value) is int and value == 0:  # references are stored as int, numbers as float
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return False
