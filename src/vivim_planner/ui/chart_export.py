"""Export for every chart: PNG at 2x, SVG, and Copy (an image on the clipboard), from the chart's
context menu and a small "Export" button in its top-right corner
(shown while the mouse is over the chart).

:func:`install_export` gives any chart these three actions: a pyqtgraph ``PlotWidget`` or
``GraphicsLayoutWidget`` (PNG rendered from its scene with every line widened to the scale, SVG
from :func:`.chart_svg.scene_svg`), or any ``QWidget`` that paints itself and offers
``image(scale) -> QImage`` and ``svg_bytes() -> bytes`` (the tornado).

With ``draw``, an export is drawn afresh on an offscreen chart of the same class at
:data:`EXPORT_SIZE` (a 16:9 slide), from the same figures the view reads (``draw(copy)`` calls
its ``update_from``): a chart squeezed into a third of the window still exports at deck size,
and the exported numbers are the model's, not a screen capture's.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPoint, QRectF, QStandardPaths, Qt
from PySide6.QtGui import QAction, QColor, QGuiApplication, QImage, QPainter, QPen
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QToolButton, QWidget

EXPORT_SIZE = (1280, 720)
"""Logical pixels of an exported chart (16:9, a slide); PNG at 2x is 2560 x 1440 pixels."""
PNG_SCALE = 2.0


def _widened(pen: QPen, scale: float) -> QPen:
    out = QPen(pen)
    out.setWidthF((pen.widthF() or 1.0) * scale)  # width 0 is a 1-pixel cosmetic pen
    return out


@contextmanager
def widened_pens(view: pg.GraphicsView, scale: float) -> Iterator[None]:
    """Widen every curve, line and axis pen of ``view``'s scene ``scale`` times while exporting:
    pyqtgraph's pens are cosmetic (a width in device pixels), so a 2x image would otherwise get
    hairlines. Axis titles keep their colour (``AxisItem.setPen`` would recolour them)."""
    undo: list[Callable[[], None]] = []
    if scale != 1.0:
        for item in view.scene().items():
            if isinstance(item, pg.PlotCurveItem):
                old = pg.mkPen(item.opts["pen"])
                item.setPen(_widened(old, scale))
                undo.append(lambda item=item, old=old: item.setPen(old))
            elif isinstance(item, pg.InfiniteLine):
                old = QPen(item.pen)
                item.setPen(_widened(old, scale))
                undo.append(lambda item=item, old=old: item.setPen(old))
            elif isinstance(item, pg.AxisItem):
                old, style = QPen(item.pen()), dict(item.labelStyle)
                item.setPen(_widened(old, scale))
                item.labelStyle = dict(style)
                item._updateLabel()

                def back(item=item, old=old, style=style) -> None:  # noqa: ANN001
                    item.setPen(old)
                    item.labelStyle = style
                    item._updateLabel()
                undo.append(back)
    try:
        yield
    finally:
        for step in reversed(undo):
            step()


def chart_image(chart: QWidget, scale: float = PNG_SCALE) -> QImage:
    """``chart`` as an image of ``scale`` x its size in pixels (device pixel ratio ``scale``:
    text and lines drawn at that resolution, not scaled up), on white."""
    if not isinstance(chart, pg.GraphicsView) and hasattr(chart, "image"):
        return chart.image(scale)
    w, h = chart.width(), chart.height()
    img = QImage(max(1, round(w * scale)), max(1, round(h * scale)), QImage.Format_ARGB32_Premultiplied)
    img.setDevicePixelRatio(scale)
    img.fill(QColor("white"))
    painter = QPainter(img)
    painter.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing | QPainter.SmoothPixmapTransform)
    try:
        if isinstance(chart, pg.GraphicsView):
            with widened_pens(chart, scale):  # the scene, not QWidget.render: a view applies the ratio twice
                chart.scene().render(painter, QRectF(0, 0, w, h), QRectF(chart.viewport().rect()))
        else:
            chart.render(painter, QPoint(0, 0))
    finally:
        painter.end()
    return img


def chart_svg_bytes(chart: QWidget) -> bytes:
    """``chart`` as SVG 1.1 (UTF-8): its own ``svg_bytes()`` when it has one, else the scene's."""
    if hasattr(chart, "svg_bytes"):
        return chart.svg_bytes()
    if isinstance(chart, pg.GraphicsView):
        from .chart_svg import scene_svg

        return scene_svg(chart).encode("utf-8")
    raise TypeError(f"{type(chart).__name__} cannot be written as SVG")


def save_chart(chart: QWidget, path: str | Path, scale: float = PNG_SCALE) -> Path:
    """Write ``chart`` to ``path``: ``.png`` at ``scale`` x, or ``.svg``. Raises ``ValueError``
    for another extension, ``OSError`` when the file cannot be written. Returns the path."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".svg":
        path.write_bytes(chart_svg_bytes(chart))
    elif suffix == ".png":
        if not chart_image(chart, scale).save(str(path), "PNG"):
            raise OSError(f"{path}: cannot write the PNG")
    else:
        raise ValueError(f"{path}: the chart is written as .png or .svg")
    return path


@contextmanager
def offscreen_copy(chart: QWidget, draw: Callable[[QWidget], object],
                   size: tuple[int, int] = EXPORT_SIZE) -> Iterator[QWidget]:
    """A new chart of ``chart``'s class, laid out offscreen at ``size`` logical pixels and drawn
    by ``draw(copy)``; closed afterwards. Needs a QApplication."""
    copy = type(chart)()
    try:
        copy.setAttribute(Qt.WA_DontShowOnScreen, True)
        copy.resize(*size)
        copy.show()
        draw(copy)
        QApplication.processEvents()  # the layout settles at the final size
        draw(copy)  # again at that size (labels placed by the plot's pixel size)
        yield copy
    finally:
        copy.close()
        copy.deleteLater()


class ChartExport(QObject):
    """The export of one chart: actions ``copy_action`` ("Copy chart"), ``png_action`` ("Export
    PNG (2x)…") and ``svg_action`` ("Export SVG…"), shown by the chart's context menu and its
    ``button``. Made by :func:`install_export`; see there for the arguments."""

    def __init__(self, chart: QWidget, name: str | Callable[[], str], draw: Callable[[QWidget], object] | None = None,
                 copy: Callable[[], object] | None = None, before: Callable[[], object] | None = None,
                 message: Callable[[str], object] | None = None, size: tuple[int, int] = EXPORT_SIZE,
                 button: bool = True):
        super().__init__(chart)
        self.chart, self._name, self._draw, self._copy = chart, name, draw, copy
        self._before, self._message, self.size = before, message, size
        self.copy_action = QAction("Copy chart", chart)
        self.copy_action.setToolTip("Copy the chart to the clipboard as an image (2x), for a slide")
        self.png_action = QAction("Export PNG (2x)…", chart)
        self.png_action.setToolTip(f"Save a {size[0] * 2} x {size[1] * 2} PNG")
        self.svg_action = QAction("Export SVG…", chart)
        self.svg_action.setToolTip("Save the chart as SVG (vector lines, editable text)")
        self.copy_action.triggered.connect(lambda _checked=False: self.copy_to_clipboard())
        self.png_action.triggered.connect(lambda _checked=False: self.export_dialog(".png"))
        self.svg_action.triggered.connect(lambda _checked=False: self.export_dialog(".svg"))
        self.menu = QMenu(chart)
        self.menu.addActions(self.actions())
        chart.setContextMenuPolicy(Qt.CustomContextMenu)
        chart.customContextMenuRequested.connect(self._context_menu)
        self.button: QToolButton | None = None
        if button:
            b = QToolButton(chart)
            b.setObjectName("chartExportButton")
            b.setText("Export")
            b.setToolTip("Copy this chart, or save it as PNG (2x) or SVG")
            b.setPopupMode(QToolButton.InstantPopup)
            b.setMenu(self.menu)
            b.setAutoRaise(True)
            b.setStyleSheet("QToolButton { color: #33404f; background: rgba(255,255,255,220); border: 1px solid "
                            "#dfe5ee; border-radius: 3px; padding: 1px 4px; font-size: 8pt; }")
            self.button = b
            b.hide()  # shown while the mouse is over the chart (it would cover a narrow chart's title)
            chart.installEventFilter(self)
            self.menu.aboutToHide.connect(self._hide_button_unless_hovered)
            self._place_button()

    def actions(self) -> list[QAction]:
        """Copy, PNG, SVG, in menu order."""
        return [self.copy_action, self.png_action, self.svg_action]

    @property
    def name(self) -> str:
        """The chart's name in file names and messages (``"monthly burn"``)."""
        return self._name() if callable(self._name) else self._name

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if obj is self.chart and self.button is not None:
            kind = event.type()
            if kind in (QEvent.Resize, QEvent.Show):
                self._place_button()
            elif kind == QEvent.Enter:
                self._place_button()
                self.button.show()
            elif kind == QEvent.Leave and not self.menu.isVisible():
                self.button.hide()
        return False

    def _hide_button_unless_hovered(self) -> None:
        if self.button is not None and not self.chart.underMouse():
            self.button.hide()

    def _place_button(self) -> None:
        b = self.button
        b.adjustSize()
        b.move(max(0, self.chart.width() - b.width() - 4), 4)
        b.raise_()

    def _context_menu(self, pos: QPoint) -> None:
        area = self.chart.viewport() if hasattr(self.chart, "viewport") else self.chart
        self.menu.popup(area.mapToGlobal(pos))  # popup, not exec: the event loop goes on

    def _say(self, text: str) -> None:
        if self._message is not None:
            self._message(text)

    @contextmanager
    def target(self) -> Iterator[QWidget]:
        """The chart to write: the offscreen copy at :attr:`size` when there is a ``draw`` (or
        ``copy``), else the chart itself."""
        if self._before is not None:
            self._before()
        if self._copy is not None:
            with self._copy() as chart:
                yield chart
        elif self._draw is not None:
            with offscreen_copy(self.chart, self._draw, self.size) as chart:
                yield chart
        else:
            yield self.chart

    def image(self, scale: float = PNG_SCALE) -> QImage:
        """What Copy puts on the clipboard: the chart at ``scale`` x."""
        with self.target() as chart:
            return chart_image(chart, scale)

    def export(self, path: str | Path, scale: float = PNG_SCALE) -> Path:
        """Write the chart to ``path`` (``.png`` at ``scale`` x or ``.svg``) and say so on the
        status bar. Raises ``ValueError`` / ``OSError`` as :func:`save_chart`."""
        with self.target() as chart:
            out = save_chart(chart, path, scale)
        self._say(f"Chart saved to {out}")
        return out

    def copy_to_clipboard(self) -> None:
        """Put the chart on the clipboard as an image (2x), ready to paste into a slide.

        An image only: a ``QMimeData`` made in Python (to carry the SVG too) crashes PySide6 at
        exit while the clipboard still holds it (PYSIDE-2254); Export SVG gives the vectors."""
        QGuiApplication.clipboard().setImage(self.image())
        self._say(f"Chart copied ({self.name}): paste it into a slide or a document")

    def export_dialog(self, suffix: str) -> Path | None:
        """Ask where to save (``.png`` or ``.svg``), then write; a write error goes to the status bar."""
        kind = "PNG (2x)" if suffix == ".png" else "SVG"
        folder = Path(QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation))
        pattern = "PNG images (*.png)" if suffix == ".png" else "SVG images (*.svg)"
        path, _ = QFileDialog.getSaveFileName(self.chart, f"Export {self.name} as {kind}",
                                              str(folder / f"{self.name}{suffix}"), pattern)
        if not path:
            return None
        if not path.lower().endswith(suffix):
            path += suffix
        try:
            return self.export(path)
        except (OSError, ValueError) as e:
            self._say(f"Export chart: {e}")
            return None


def install_export(chart: QWidget, name: str | Callable[[], str], *, draw: Callable[[QWidget], object] | None = None,
                   copy: Callable[[], object] | None = None, before: Callable[[], object] | None = None,
                   controller=None, size: tuple[int, int] = EXPORT_SIZE, button: bool = True) -> ChartExport:  # noqa: ANN001
    """Give ``chart`` Copy / Export PNG (2x) / Export SVG in its context menu and (``button``)
    an "Export" button in its top-right corner (shown while the mouse is over the chart); returns
    the :class:`ChartExport` (also kept as ``chart.export_actions``).

    ``name``: the file name's stem and the messages' name (``"monthly burn"``), or a callable
    giving it; with a ``controller`` (:class:`~vivim_planner.ui.controller.PlanController`) it is
    prefixed with the plan file's stem and messages go to its status bar. ``draw(copy)``: draws
    an offscreen chart of the same class at ``size`` from the view's figures (without it the
    chart is written as shown); ``copy()``: a context manager yielding a ready chart instead
    (the Curves chart's own); ``before()``: runs first (a stale tornado recomputes).
    """
    if controller is not None:
        stem = name

        def name() -> str:  # noqa: F811 - the plan's file name first: "acme monthly burn.png"
            base = stem() if callable(stem) else stem
            return f"{controller.document.path.stem} {base}"
    ex = ChartExport(chart, name, draw=draw, copy=copy, before=before,
                     message=controller.message.emit if controller is not None else None, size=size, button=button)
    chart.export_actions = ex
    return ex
