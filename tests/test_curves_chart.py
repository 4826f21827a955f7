"""The cost curve chart and its export: tick and label text, PNG of the expected pixel size,
valid SVG holding the titles and breakpoint labels, the headless renderer, the Curves tab's
export and clipboard, and the hover read-out under a real mouse move."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QStandardPaths
from PySide6.QtGui import QGuiApplication, QImage

from test_ui_usage import usage_plan
from vivim_planner.engine import compute
from vivim_planner.engine.usage import Breakpoint
from vivim_planner.storage import PlanDocument
from vivim_planner.ui.curve_chart import (EXPORT_SIZE, CostAxis, CurveChart, UsersAxis, breakpoint_text,
                                          compact_users, money_tick)
from vivim_planner.ui.curve_export import exporting_copy, render_chart

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _test_paths():
    QStandardPaths.setTestModeEnabled(True)


def svg_texts(path) -> list[str]:
    root = ET.parse(path).getroot()  # raises on invalid XML
    assert root.tag == f"{SVG}svg"
    return [el.text or "" for el in root.iter(f"{SVG}text")]


def non_white_share(img: QImage) -> float:
    img = img.convertToFormat(QImage.Format_RGB32)
    arr = np.frombuffer(img.constBits(), dtype=np.uint8).reshape(img.height(), img.bytesPerLine() // 4, 4)
    rgb = arr[:, : img.width(), :3]
    return float(np.mean(rgb.min(axis=2) < 200))


def test_tick_and_label_text(qapp):
    assert [compact_users(u) for u in (100, 1_000, 2_500, 212_766, 1e6)] == ["100", "1K", "2.5K", "213K", "1M"]
    assert [money_tick(v) for v in (0, 0.08, 0.0012, 1.5, 20, 1_200, 1_250_000)] == [
        "$0", "$0.08", "$0.0012", "$1.50", "$20", "$1.2K", "$1.25M"]
    axis = UsersAxis(orientation="bottom")
    (_, majors), (minor_spacing, minors) = axis.tickValues(2.0, 6.0, 800)
    assert axis.tickStrings(majors, 1.0, 1.0) == ["100", "1K", "10K", "100K", "1M"]
    assert len(minors) == 4 * 8 and set(axis.tickStrings(minors, 1.0, minor_spacing)) == {""}
    cost = CostAxis(orientation="left")
    cost.log = True
    (_, decades), _ = cost.tickValues(-3.2, 0.1, 500)
    assert cost.tickStrings(decades, 1.0, 1.0) == ["$0.001", "$0.01", "$0.10", "$1"]
    bp = Breakpoint(960.0, "overage", "Vercel", "Vercel Pro: 4 hours of Active CPU included, used up at 960 users")
    assert breakpoint_text(bp) == "4 hours of Active CPU used up · 960 users"
    tier = Breakpoint(5000.0, "tier", "Stage 2", "Stage 2 from 5,000 users")
    assert breakpoint_text(tier) == "Stage 2 · 5K users"


@pytest.mark.parametrize(("kind", "scale", "axis_title"), [
    ("total", 2, "Monthly operating cost (USD/month)"),
    ("per-user", 3, "Cost per user (USD per user per month, log scale)"),
])
def test_render_chart_png_has_the_expected_pixels(qapp, tmp_path, kind, scale, axis_title):
    out = render_chart(usage_plan(extra=False), tmp_path / "chart.png", kind=kind, scale=scale)
    img = QImage(str(out))
    assert (img.width(), img.height()) == (EXPORT_SIZE[0] * scale, EXPORT_SIZE[1] * scale)
    assert 0.005 < non_white_share(img) < 0.5  # drawn on white, not blank, not a black background


@pytest.mark.parametrize("kind", ["total", "per-user"])
def test_render_chart_svg_is_valid_and_holds_titles_ticks_and_breakpoints(qapp, tmp_path, kind):
    out = render_chart(usage_plan(extra=False), tmp_path / "chart.svg", kind=kind)
    texts = svg_texts(out)
    assert "Active users per month (log scale)" in texts
    left = "Monthly operating cost (USD/month)" if kind == "total" else "Cost per user (USD per user per month, log scale)"
    assert left in texts
    assert {"100", "1K", "10K", "100K", "1M"} <= set(texts)
    assert "1M invocations used up · 1.16K users" in texts
    assert "100 GB of Bandwidth used up · 213K users" in texts
    assert "Usage demo" in texts  # the plan's name under the title
    root = ET.parse(out).getroot()
    assert (root.get("width"), root.get("height")) == (str(EXPORT_SIZE[0]), str(EXPORT_SIZE[1]))


def test_render_chart_refuses_unknown_kind_or_extension(qapp, tmp_path):
    with pytest.raises(ValueError, match="kind"):
        render_chart(usage_plan(extra=False), tmp_path / "c.png", kind="marginal")
    with pytest.raises(ValueError, match=".png or .svg"):
        render_chart(usage_plan(extra=False), tmp_path / "c.jpg")
    assert not list(tmp_path.iterdir())


def test_png_lines_are_widened_with_the_scale(qapp):
    """A 2x export draws a 3-pixel line 6 pixels wide (cosmetic pens would give 3)."""
    plan = usage_plan(extra=False)
    with exporting_copy(None, plan, compute(plan)) as chart:
        one, two = chart.image(1.0), chart.image(2.0)
        assert chart.total.opts["pen"].widthF() == 3  # restored after the export

    def thickness(img: QImage, x: int) -> int:
        img = img.convertToFormat(QImage.Format_RGB32)
        arr = np.frombuffer(img.constBits(), dtype=np.uint8).reshape(img.height(), img.bytesPerLine() // 4, 4)
        blue, green, red = (arr[:, x, k].astype(int) for k in range(3))  # RGB32 is B, G, R, A in memory
        navy = (blue > 90) & (red < 60) & (green < 110)  # #1f4e79
        return int(navy.sum())

    x1 = one.width() // 6  # the flat $20 stretch at a few hundred users
    assert 3 <= thickness(one, x1) <= 4
    assert thickness(two, 2 * x1) >= 2 * thickness(one, x1) - 1


def test_breakpoints_are_drawn_as_labelled_lines(qapp):
    plan = usage_plan(extra=False)
    with exporting_copy(None, plan, compute(plan)) as chart:
        labels = [line.label.toPlainText() for line in chart.break_lines if line.isVisible()]
        assert labels == ["4 hours of Active CPU used up · 960 users", "1M invocations used up · 1.16K users",
                          "100 GB of Bandwidth used up · 213K users"]
        np.testing.assert_allclose([line.value() for line in chart.break_lines],
                                   np.log10([960, 1e6 / 862, 100e9 / 470e3]))
        chart.set_shown("Breakpoints", False)
        assert not any(line.isVisible() for line in chart.break_lines)


def test_vercel_curve_matches_the_seed(qapp):
    plan = usage_plan(extra=False)
    chart = CurveChart()
    chart.update_from(plan, compute(plan))
    for users, cost in ((1_000, 20.02), (10_000, 29.39), (100_000, 123.94)):
        assert f"total <b>${cost:,.2f}/month</b>" in chart.readout(users)
    assert not chart.band.isVisible()  # no ranges in this plan
    chart.deleteLater()


def test_band_shows_where_tiers_have_ranges(qapp):
    plan = usage_plan()
    chart = CurveChart()
    chart.update_from(plan, compute(plan))
    assert chart.band.isVisible()
    at = chart.users > 5_000
    np.testing.assert_allclose(chart.band_high.yData[at] - chart.band_low.yData[at], 40.0)  # Stage 2: $40-$80
    # the tier change is drawn as a vertical step: points just before and at 5,000 users
    k = int(np.flatnonzero(chart.users == 5_000)[0])
    assert chart.users[k - 1] == pytest.approx(5_000, rel=1e-8) and chart.users[k - 1] < 5_000
    assert chart.total.yData[k] - chart.total.yData[k - 1] == pytest.approx(60 - 7.5, abs=0.01)  # VPS mid 7.5 -> 60
    chart.deleteLater()


def test_curves_tab_exports_png_svg_and_copies_to_the_clipboard(qtbot, tmp_path):
    from vivim_planner.ui.main_window import MainWindow

    path = tmp_path / "usage.vivim"
    PlanDocument.create(path, usage_plan()).close()
    window = MainWindow(PlanDocument.open(path))
    qtbot.addWidget(window)
    window.show()
    tab = window.curves
    window.tabs.setCurrentWidget(tab)
    tab.set_kind("per-user")
    tab.chart.set_shown("LLM: Free user", False)
    png = tab.export(tmp_path / "curve.png")
    img = QImage(str(png))
    assert (img.width(), img.height()) == (EXPORT_SIZE[0] * 2, EXPORT_SIZE[1] * 2)
    assert window.statusBar().currentMessage() == f"Chart saved to {png}"
    texts = svg_texts(tab.export(tmp_path / "curve.svg"))
    assert "Cost per user by active users" in texts
    assert "LLM: Free user" not in texts and "Vercel" in texts  # the series shown here, in the legend
    tab.copy_chart()
    copied = QGuiApplication.clipboard().image()
    assert (copied.width(), copied.height()) == (EXPORT_SIZE[0] * 2, EXPORT_SIZE[1] * 2)
    assert non_white_share(copied) > 0.005
    assert window.statusBar().currentMessage().startswith("Chart copied")


def test_hover_updates_the_read_out(qtbot, tmp_path):
    from vivim_planner.ui.main_window import MainWindow

    path = tmp_path / "usage.vivim"
    PlanDocument.create(path, usage_plan(extra=False)).close()
    window = MainWindow(PlanDocument.open(path))
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentWidget(window.curves)
    qtbot.waitExposed(window)
    chart = window.curves.chart
    vb = chart.getPlotItem().vb
    scene_pos = vb.mapViewToScene(QPointF(4.0, 50.0))  # 10K users
    chart.scene().sigMouseMoved.emit(scene_pos)
    text = window.curves.readout.text()
    assert "<b>10K users</b>" in text and "$29.39" in text
    assert chart.cross.isVisible()
    chart.scene().sigMouseMoved.emit(QPointF(1.0, 1.0))  # outside the plot
    assert window.curves.readout.text().startswith("Hover over the chart") and not chart.cross.isVisible()


def test_screenshot_of_the_curves_tab(qapp, tmp_path):
    from vivim_planner.ui.app import screenshot

    path = tmp_path / "usage.vivim"
    PlanDocument.create(path, usage_plan()).close()
    screenshot(str(path), str(tmp_path / "curves.png"), "Curves")
    img = QImage(str(tmp_path / "curves.png"))
    assert img.width() == 1280 and non_white_share(img) > 0.01


def test_breakpoint_labels_stay_inside_the_plot_when_the_chart_is_resized(qtbot):
    plan = usage_plan(extra=False)
    chart = CurveChart()
    qtbot.addWidget(chart)
    chart.resize(1280, 720)
    chart.show()
    qtbot.waitExposed(chart)
    chart.update_from(plan, compute(plan))
    for size in ((900, 380), (1400, 800)):
        chart.resize(*size)
        qtbot.waitUntil(lambda size=size: chart.width() == size[0])
        height = chart.getPlotItem().vb.height()
        for line in chart.break_lines:  # each label starts at orthoPos and runs its text's length up
            length = line.label.textItem.boundingRect().width() / height
            assert 0.0 <= line.label.orthoPos and line.label.orthoPos + length <= 1.0, (size, line.label.toPlainText())
