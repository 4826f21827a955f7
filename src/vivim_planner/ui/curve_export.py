"""The Curves chart written headless or at deck size: :func:`exporting_copy` (an offscreen
:class:`~vivim_planner.ui.curve_chart.CurveChart` showing what a chart on screen shows) and
:func:`render_chart` (the CLI's ``chart`` command)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import Qt

from ..domain import Plan
from ..engine import PlanResult, compute
from ..engine.usage import UsageModel
from .chart_export import EXPORT_SIZE
from .curve_chart import KINDS, CurveChart


@contextmanager
def exporting_copy(source: CurveChart | None, plan: Plan, result: PlanResult, usage: UsageModel | None = None,
                   kind: str | None = None, size: tuple[int, int] = EXPORT_SIZE, line=None):  # noqa: ANN201, ANN001
    """A chart laid out offscreen at ``size`` (logical pixels) for export, drawn from ``plan``;
    with ``source`` it shows the same view and series as that chart. Needs a QApplication.
    Use as ``with exporting_copy(...) as chart: chart.save(path)``."""
    from PySide6.QtWidgets import QApplication

    chart = CurveChart(kind=kind or (source.kind if source is not None else "total"))
    try:
        if source is not None:
            chart.hidden = set(source.hidden)
        chart.setAttribute(Qt.WA_DontShowOnScreen, True)
        chart.resize(*size)
        chart.show()
        chart.update_from(plan, result, usage, line)
        if source is not None and chart.curve is not None:  # the source's automatic choices too
            chart._auto_hidden = set(source._auto_hidden) & set(chart.curve.components)
            chart._draw()
        QApplication.processEvents()
        chart._draw()  # again, now that the view box has its final size (label placement)
        yield chart
    finally:
        chart.close()
        chart.deleteLater()


def render_chart(plan: Plan, out_path: str | Path, kind: str = "total", scale: float = 2.0,
                 size: tuple[int, int] = EXPORT_SIZE) -> Path:
    """Write the plan's cost curve to ``out_path`` (``.png`` at ``scale`` x ``size`` pixels,
    or ``.svg`` of ``size``), headless: a QApplication is made offscreen if none exists.

    ``kind``: ``"total"`` (monthly operating cost, USD/month) or ``"per-user"`` (USD per user
    per month). Raises ``ValueError`` for another kind or extension, ``OSError`` when the file
    cannot be written. Returns the path written.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    suffix = Path(out_path).suffix.lower()
    if suffix not in (".png", ".svg"):
        raise ValueError(f"{out_path}: the chart is written as .png or .svg")
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        QApplication([])
    with exporting_copy(None, plan, compute(plan), kind=kind, size=size) as chart:
        return chart.save(out_path, scale)
