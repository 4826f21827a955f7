"""The window's navigation: a sidebar of views grouped by the questions a founder asks
(*Plan*, *Run costs*, *Money*, *What if*, *Check*) beside the page of the view picked.

A view joins with one call, ``window.nav.add_view("Money", "Plan vs actual", widget)`` (or
``add_lazy_view(group, title, factory)`` to build it on first show); it lands at the end of
its group (a new group goes at the end). :class:`Navigator` also answers
the ``QTabWidget`` calls the window and its tests use (``count``, ``widget``, ``indexOf``,
``currentIndex``, ``setCurrentIndex``, ``currentWidget``, ``setCurrentWidget``, ``tabText``,
``setTabText``, ``currentChanged``), with indexes in the sidebar's order.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QStackedWidget, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

GROUPS = ("Start", "Plan", "Run costs", "Money", "What if", "Check")
"""The sidebar's groups in order; :meth:`Navigator.add_view` adds any other at the end."""

SIDEBAR_WIDTH = 168  # px: the longest title ("Infrastructure", "Uncertainty (1,000)") fits


class LazyPage(QWidget):
    """A view built on first use: ``factory()`` makes the real page (with its charts and
    their imports) the first time it is shown or asked for by :meth:`page`."""

    def __init__(self, factory: Callable[[], QWidget], parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.factory = factory
        self.built: QWidget | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)

    def page(self) -> QWidget:
        """The real page, built now if it was not yet."""
        if self.built is None:
            self.built = self.factory()
            self.layout().addWidget(self.built)
        return self.built


def real_page(widget: QWidget) -> QWidget:
    """The page a sidebar entry shows (a lazy view's real page, built if need be)."""
    return widget.page() if isinstance(widget, LazyPage) else widget


class Navigator(QWidget):
    """Grouped sidebar + stacked pages. ``currentChanged(int)`` as ``QTabWidget``'s."""

    currentChanged = Signal(int)

    def __init__(self, parent=None):  # noqa: ANN001
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self.sidebar = QTreeWidget(self)
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setHeaderHidden(True)
        self.sidebar.setRootIsDecorated(False)
        self.sidebar.setIndentation(10)
        self.sidebar.setFixedWidth(SIDEBAR_WIDTH)
        self.sidebar.setSelectionMode(QAbstractItemView.SingleSelection)
        self.sidebar.setStyleSheet(
            "QTreeWidget#sidebar { background: #f4f6f9; border: none; border-right: 1px solid #dfe5ee; }"
            "QTreeWidget#sidebar::item { padding: 3px 2px; }"
            "QTreeWidget#sidebar::item:selected { background: #dbe7f7; color: #14263d; }")
        self.stack = QStackedWidget(self)
        lay.addWidget(self.sidebar)
        lay.addWidget(self.stack, 1)
        self._groups: dict[str, QTreeWidgetItem] = {}
        self._items: list[QTreeWidgetItem] = []  # in sidebar order
        self._pages: list[QWidget] = []
        self._group_of: list[str] = []
        self.sidebar.currentItemChanged.connect(self._on_item)

    # -- registration ----------------------------------------------------------------------
    def add_view(self, group: str, title: str, widget: QWidget, tip: str = "") -> int:
        """Show ``widget`` as view ``title`` at the end of ``group``; returns its index."""
        head = self._group(group)
        item = QTreeWidgetItem([title])
        if tip:
            item.setToolTip(0, tip)
        head.addChild(item)
        pos = self._insert_position(group)
        self._items.insert(pos, item)
        self._pages.insert(pos, widget)
        self._group_of.insert(pos, group)
        self.stack.addWidget(widget)
        return pos

    def _group(self, name: str) -> QTreeWidgetItem:
        if name not in self._groups:
            item = QTreeWidgetItem([name.upper()])
            font = QFont()
            font.setBold(True)
            font.setPointSizeF(max(font.pointSizeF() * 0.85, 7))
            item.setFont(0, font)
            item.setForeground(0, Qt.darkGray)
            item.setFlags(Qt.ItemIsEnabled)  # a heading, not a view
            order = [g for g in GROUPS if g in self._groups or g == name] + [
                g for g in self._groups if g not in GROUPS]
            if name not in GROUPS:
                order.append(name)
            self.sidebar.insertTopLevelItem(order.index(name), item)
            item.setExpanded(True)
            self._groups[name] = item
        return self._groups[name]

    def _insert_position(self, group: str) -> int:
        rank = {g: i for i, g in enumerate(self._groups_in_tree())}
        pos = 0
        while pos < len(self._group_of) and rank[self._group_of[pos]] <= rank[group]:
            pos += 1
        return pos

    def _groups_in_tree(self) -> list[str]:
        by_item = {id(item): name for name, item in self._groups.items()}
        return [by_item[id(self.sidebar.topLevelItem(i))] for i in range(self.sidebar.topLevelItemCount())]

    def add_lazy_view(self, group: str, title: str, factory: Callable[[], QWidget], tip: str = "") -> int:
        """As :meth:`add_view`, for a page ``factory()`` builds when it is first shown (or
        asked for): the window starts without importing its charts."""
        return self.add_view(group, title, LazyPage(factory), tip)

    def container(self, index: int) -> QWidget:
        """The sidebar entry's own widget (a lazy view's holder, built or not)."""
        return self._pages[index]

    # -- QTabWidget's calls ----------------------------------------------------------------
    def count(self) -> int:
        return len(self._pages)

    def widget(self, index: int) -> QWidget | None:
        """The view's page (built now if it is a lazy one)."""
        return real_page(self._pages[index]) if 0 <= index < len(self._pages) else None

    def indexOf(self, widget: QWidget) -> int:  # noqa: N802
        for i, page in enumerate(self._pages):
            if page is widget or isinstance(page, LazyPage) and page.built is widget and widget is not None:
                return i
        return -1

    def tabText(self, index: int) -> str:  # noqa: N802
        return self._items[index].text(0)

    def setTabText(self, index: int, text: str) -> None:  # noqa: N802
        self._items[index].setText(0, text)

    def group_of(self, index: int) -> str:
        """The group view ``index`` belongs to."""
        return self._group_of[index]

    def currentIndex(self) -> int:  # noqa: N802
        return self.indexOf(self.stack.currentWidget())

    def currentWidget(self) -> QWidget | None:  # noqa: N802
        current = self.stack.currentWidget()
        return real_page(current) if current is not None else None

    def setCurrentIndex(self, index: int) -> None:  # noqa: N802
        if 0 <= index < len(self._items):
            self.sidebar.setCurrentItem(self._items[index])

    def setCurrentWidget(self, widget: QWidget) -> None:  # noqa: N802
        self.setCurrentIndex(self.indexOf(widget))

    def _on_item(self, item: QTreeWidgetItem | None, _previous=None) -> None:  # noqa: ANN001
        if item is None:
            return
        if item.parent() is None:  # a group heading: its first view
            if item.childCount():
                self.sidebar.setCurrentItem(item.child(0))
            return
        index = next(i for i, it in enumerate(self._items) if it is item)
        real_page(self._pages[index])
        if self.stack.currentWidget() is not self._pages[index]:
            self.stack.setCurrentWidget(self._pages[index])
            self.currentChanged.emit(index)
