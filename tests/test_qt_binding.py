"""Guards against a Qt binding that corrupts reference counts (PySide6 6.12.0 on Python 3.11
decrements None each time a Python ``data()`` override returns None to C++, which aborts
the app after a few thousand paints)."""

import sys

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt


class _NoneModel(QAbstractTableModel):
    def rowCount(self, parent=QModelIndex()):  # noqa: N802, B008
        return 1

    def columnCount(self, parent=QModelIndex()):  # noqa: N802, B008
        return 1

    def data(self, index, role=Qt.DisplayRole):  # noqa: ANN001
        return None


def test_returning_none_from_data_keeps_none_alive(qapp):
    model = _NoneModel()
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    before = sys.getrefcount(None)
    for _ in range(500):
        proxy.index(0, 0).data(Qt.ToolTipRole)  # C++ calls the Python override
    assert sys.getrefcount(None) >= before - 50  # a leak of a few is harmless; -500 is the bug
