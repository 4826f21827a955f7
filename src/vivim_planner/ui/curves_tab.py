"""The Curves tab: what the plan's operating costs come to at any number of users.

A :class:`CurveChart` of the monthly operating cost or the cost per user (100 to 1M users,
log axis) with the breakpoints where the bill changes its rule; a toggle between the two
views, a menu of series to show, a read-out under the mouse, and export to PNG (2x) / SVG or
the clipboard. The chart redraws after every edit or undo that reaches its inputs (the
operating-cost tables, the milestones and their operating costs, the currency and name).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QButtonGroup, QFileDialog, QHBoxLayout, QLabel, QMenu, QPushButton, QToolButton,
                               QVBoxLayout, QWidget)

from ..commands import ChangeSet
from ..domain.usage_schema import USAGE_TABLES
from .chart_export import install_export
from .controller import PlanController
from .curve_chart import EXPORT_SIZE, CurveChart, breakpoint_text
from .curve_export import exporting_copy

# what the curve reads: the usage model's tables (not the stated figures) and the milestones'
# target users and operating costs
CURVE_INPUTS = frozenset(s.name for s in USAGE_TABLES if s.name != "usage_figures") | {
    "milestones", "operating_costs"}
CURVE_SETTINGS = frozenset({"currency", "name"})
HINT = "Hover over the chart to read the cost at any number of users."
MAX_LISTED = 12  # breakpoints listed under the chart


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class CurvesTab(QWidget):
    """Cost curves of the controller's plan; see the module docstring."""

    def __init__(self, controller: PlanController, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.controller = controller
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 10, 10, 10)
        bar = QHBoxLayout()
        self.kind_buttons: dict[str, QPushButton] = {}
        group = QButtonGroup(self)
        for kind, text, tip in (("total", "Total monthly cost", "Monthly operating cost (per month) by active users"),
                                ("per-user", "Cost per user", "Monthly operating cost / users (per user per month)")):
            b = QPushButton(text, self)
            b.setCheckable(True)
            b.setToolTip(tip)
            b.clicked.connect(lambda _checked=False, kind=kind: self.set_kind(kind))
            group.addButton(b)
            bar.addWidget(b)
            self.kind_buttons[kind] = b
        self.kind_buttons["total"].setChecked(True)
        self.series_button = QToolButton(self)
        self.series_button.setText("Series")
        self.series_button.setToolTip("Show or hide the total, the range, each component, milestones, breakpoints")
        self.series_button.setPopupMode(QToolButton.InstantPopup)
        self.series_menu = QMenu(self)
        self.series_menu.aboutToShow.connect(self._fill_series_menu)
        self.series_button.setMenu(self.series_menu)
        bar.addWidget(self.series_button)
        bar.addStretch(1)
        for text, slot, tip in (
                ("Copy chart", self.copy_chart, "Copy the chart to the clipboard as an image (2x)"),
                ("Export chart PNG (2x)…", self.export_png_dialog,
                 f"Save a {EXPORT_SIZE[0] * 2}x{EXPORT_SIZE[1] * 2} PNG for a slide"),
                ("Export chart SVG…", self.export_svg_dialog, "Save the chart as SVG (vector)")):
            b = QPushButton(text, self)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            bar.addWidget(b)
        outer.addLayout(bar)
        self.chart = CurveChart(self)
        outer.addWidget(self.chart, 1)
        install_export(self.chart, lambda: f"{self.chart.kind} cost curve", copy=self._copy, controller=controller,
                       button=False)  # the bar above has the buttons
        self.readout = QLabel(HINT, self)
        self.readout.setTextFormat(Qt.RichText)
        self.readout.setWordWrap(True)
        self.readout.setMinimumHeight(2 * self.readout.fontMetrics().lineSpacing() + 8)
        self.readout.setStyleSheet("color: #33404f; background: #f6f8fb; border: 1px solid #dfe5ee; padding: 4px;")
        outer.addWidget(self.readout)
        self.breaks_label = QLabel(self)
        self.breaks_label.setWordWrap(True)
        self.breaks_label.setStyleSheet("color: #5b6572;")
        self.breaks_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        outer.addWidget(self.breaks_label)
        self.chart.hovered.connect(lambda html: self.readout.setText(html or HINT))
        controller.changed.connect(self._on_changed)
        controller.document_replaced.connect(self.refresh)
        self.refresh()

    # -- drawing ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Redraw from the plan as it is now (the controller's shared usage model and result)."""
        c = self.controller
        self.chart.update_from(c.plan, c.result, c.usage, c.timeline)
        breaks = self.chart.breaks
        text = "; ".join(_escape(bp.label) for bp in breaks[:MAX_LISTED])
        if len(breaks) > MAX_LISTED:
            text += f"; and {len(breaks) - MAX_LISTED} more"
        text = f"<b>Breakpoints</b> (100 to 1M users): {text}" if text else "No breakpoints between 100 and 1M users."
        if text != self.breaks_label.text():
            self.breaks_label.setText(text)

    def _on_changed(self, cs: ChangeSet) -> None:
        if cs.tables() & CURVE_INPUTS or cs.settings & CURVE_SETTINGS:
            self.refresh()

    def set_kind(self, kind: str) -> None:
        """Show ``"total"`` (USD/month) or ``"per-user"`` (USD per user per month)."""
        self.chart.set_kind(kind)
        self.kind_buttons[kind].setChecked(True)

    def _fill_series_menu(self) -> None:
        self.series_menu.clear()
        for name in self.chart.series_names():
            action = self.series_menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(self.chart.is_shown(name))
            action.toggled.connect(lambda on, name=name: self.chart.set_shown(name, on))

    # -- export ----------------------------------------------------------------------------
    def _copy(self) -> CurveChart:
        """An offscreen chart at the deck size showing what this one shows (use in ``with``)."""
        return exporting_copy(self.chart, self.controller.plan, self.controller.result, self.controller.usage)

    def export(self, path: str | Path, scale: float = 2.0) -> Path:
        """Write the chart as PNG (``scale`` x, default 2) or SVG by extension, at the deck
        size (:data:`EXPORT_SIZE`) with the series and view shown here. Reports on the
        status bar; raises ``OSError`` when the file cannot be written."""
        with self._copy() as chart:
            out = chart.save(path, scale)
        self.controller.message.emit(f"Chart saved to {out}")
        return out

    def copy_chart(self) -> None:
        """Put the chart on the clipboard as an image (2x), ready to paste into a slide."""
        with self._copy() as chart:
            QGuiApplication.clipboard().setImage(chart.image(2.0))
        self.controller.message.emit("Chart copied: paste it into a slide or a document")

    def _ask(self, title: str, suffix: str, pattern: str) -> str:
        folder = Path(QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation))
        stem = f"{self.controller.document.path.stem} {self.chart.kind} cost curve"
        path, _ = QFileDialog.getSaveFileName(self, title, str(folder / f"{stem}{suffix}"), pattern)
        if path and not path.lower().endswith(suffix):
            path += suffix
        return path

    def export_png_dialog(self) -> None:
        path = self._ask("Export chart PNG (2x)", ".png", "PNG images (*.png)")
        if path:
            self._export_reporting(path)

    def export_svg_dialog(self) -> None:
        path = self._ask("Export chart SVG", ".svg", "SVG images (*.svg)")
        if path:
            self._export_reporting(path)

    def _export_reporting(self, path: str) -> None:
        try:
            self.export(path)
        except OSError as e:
            self.controller.message.emit(f"Export chart: {e}")

    def breakpoint_texts(self) -> list[str]:
        """The breakpoint labels the chart shows (short form), in user order."""
        return [breakpoint_text(bp) for bp in self.chart.breaks]
