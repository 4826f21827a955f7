"""ChangeSet: what an applied or reverted command changed, so views refresh exactly that."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ChangeSet:
    """Rows and cells touched by one command.

    ``cells``: table name -> set of ``(row_id, field_name)`` whose stored value changed.
    ``inserted`` / ``deleted``: table name -> row ids added / removed (structure changed).
    ``settings``: plan setting keys that changed (``"hours_per_month"``...).
    Derived figures may change anywhere; views recompute and compare their own arrays.
    """

    cells: dict[str, set[tuple[int, str]]] = field(default_factory=dict)
    inserted: dict[str, list[int]] = field(default_factory=dict)
    deleted: dict[str, list[int]] = field(default_factory=dict)
    settings: set[str] = field(default_factory=set)

    def cell(self, table: str, row_id: int, field_name: str) -> None:
        self.cells.setdefault(table, set()).add((int(row_id), field_name))

    def insert(self, table: str, row_id: int) -> None:
        self.inserted.setdefault(table, []).append(int(row_id))

    def delete(self, table: str, row_id: int) -> None:
        self.deleted.setdefault(table, []).append(int(row_id))

    def merge(self, other: "ChangeSet") -> "ChangeSet":
        for t, cells in other.cells.items():
            self.cells.setdefault(t, set()).update(cells)
        for t, ids in other.inserted.items():
            self.inserted.setdefault(t, []).extend(ids)
        for t, ids in other.deleted.items():
            self.deleted.setdefault(t, []).extend(ids)
        self.settings |= other.settings
        return self

    def tables(self) -> set[str]:
        """Every table whose rows changed in any way."""
        return set(self.cells) | set(self.inserted) | set(self.deleted)

    def structural(self, table: str) -> bool:
        """True when rows were added to or removed from ``table``."""
        return bool(self.inserted.get(table) or self.deleted.get(table))

    def __bool__(self) -> bool:
        return bool(self.cells or self.inserted or self.deleted or self.settings)
