"""Keep a model's row keys in step with its source using remove / insert signals (never a
reset for one edit), so selections and scroll positions survive."""

from __future__ import annotations

from typing import Callable, Hashable

from PySide6.QtCore import QAbstractItemModel, QModelIndex


def sync_rows(model: QAbstractItemModel, keys: list[Hashable], current: list[Hashable],
              on_remove: Callable[[int, int], None] | None = None,
              on_insert: Callable[[int, int], None] | None = None) -> None:
    """Edit ``keys`` in place until it equals ``current``, emitting row signals on ``model``.

    Runs of missing keys are removed (bottom up), then runs of new keys inserted (top down);
    ``on_remove(start, end)`` / ``on_insert(start, end)`` let the model adjust its own per-row
    arrays between the begin and end calls. A pure re-ordering falls back to a layout change.
    """
    keep = set(current)
    row = len(keys) - 1
    while row >= 0:
        if keys[row] in keep:
            row -= 1
            continue
        end = row
        while row > 0 and keys[row - 1] not in keep:
            row -= 1
        model.beginRemoveRows(QModelIndex(), row, end)
        del keys[row:end + 1]
        if on_remove:
            on_remove(row, end)
        model.endRemoveRows()
        row -= 1
    mine = set(keys)
    pos = 0
    while pos < len(current):
        if current[pos] in mine:
            pos += 1
            continue
        end = pos
        while end + 1 < len(current) and current[end + 1] not in mine:
            end += 1
        model.beginInsertRows(QModelIndex(), pos, end)
        keys[pos:pos] = current[pos:end + 1]
        if on_insert:
            on_insert(pos, end)
        model.endInsertRows()
        pos = end + 1
    if keys != current:
        model.layoutAboutToBeChanged.emit()
        keys[:] = current
        model.layoutChanged.emit()
