"""Every chart of the window exports the user's way: a right-click opens the chart's menu, the
"Export" button (shown under the mouse) opens the same menu, and its actions write a PNG at 2x
device pixels, an SVG that parses as XML with the plotted series in it, and Copy puts a 2x image
on the clipboard. The exported burn and cash are the controller's timeline, number for number.

One window (the VIVIM sample with a $1.2M seed round, so the cash runs out within the plan) serves
the module; each test drives the real widgets: QContextMenuEvent to the chart, clicks on the
menu's items and on the button; only the Save dialog is answered by the test.
"""

from __future__ import annotations

import re
import shutil
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QStandardPaths, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu

from vivim_planner.commands import insert_rows
from vivim_planner.storage import PlanDocument
from vivim_planner.ui.chart_export import EXPORT_SIZE

SAMPLES = Path(__file__).resolve().parents[1] / "sample_models"
SVG = "{http://www.w3.org/2000/svg}"
TORNADO_SIZE = (1200, 640)

# chart name -> (the window's view holding it, the chart), the SVG series it must hold
CHARTS = {
    "headcount": (lambda w: w.timeline, lambda w: w.timeline.headcount, "bars"),
    "burn": (lambda w: w.timeline, lambda w: w.timeline.burn, "bars"),
    "cash": (lambda w: w.timeline, lambda w: w.timeline.cash, "line"),
    "fan": (lambda w: w.uncertainty, lambda w: w.uncertainty.fan, "area"),
    "build histogram": (lambda w: w.uncertainty, lambda w: w.uncertainty.histogram, "bars"),
    "summary": (lambda w: w.summary, lambda w: w.summary.chart, "line"),
    "economics cash": (lambda w: w.economics, lambda w: w.economics.chart, "line"),
    "tornado": (lambda w: w.sensitivity, lambda w: w.sensitivity.chart, None),
    "curve": (lambda w: w.curves, lambda w: w.curves.chart, "line"),
}
WITH_BUTTON = [n for n in CHARTS if n not in ("tornado", "curve")]  # those two have buttons in their tab's bar


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory):
    from vivim_planner.ui.main_window import MainWindow

    QStandardPaths.setTestModeEnabled(True)
    path = tmp_path_factory.mktemp("charts") / "vivim.vivim"
    shutil.copy(SAMPLES / "vivim.vivim", path)
    doc = PlanDocument.open(path)
    doc.apply(insert_rows(doc.plan, "capital", 0, [{"item": "Seed round", "kind": "capital", "amount": 1_200_000,
                                                    "month": 1}]))
    w = MainWindow(doc)
    w.resize(1280, 720)
    w.show()
    w.uncertainty.draws.setValue(500)  # a quick simulation: the charts, not the statistics, are tested here
    yield w
    w.uncertainty.wait()
    w.close()
    w.deleteLater()


def show(window, name: str):  # noqa: ANN001, ANN201
    """Bring the chart's view forward (as a click on its tab does) and return the chart."""
    view, chart, _ = CHARTS[name]
    window.tabs.setCurrentWidget(view(window))
    QApplication.processEvents()
    if name in ("fan", "build histogram"):
        tab = window.uncertainty
        deadline = time.monotonic() + 60
        while (tab.simulation is None or tab._runs) and time.monotonic() < deadline:  # noqa: SLF001
            QApplication.processEvents()
            time.sleep(0.02)
        assert tab.simulation is not None
    return chart(window)


def open_context_menu(chart) -> QMenu:  # noqa: ANN001
    """Right-click in the middle of the chart: Qt sends the chart's viewport a QContextMenuEvent."""
    area = chart.viewport() if hasattr(chart, "viewport") else chart
    pos = QPoint(area.width() // 2, area.height() // 2)
    QApplication.sendEvent(area, QContextMenuEvent(QContextMenuEvent.Mouse, pos, area.mapToGlobal(pos)))
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu), "no context menu opened"
    return menu


def choose(qtbot, menu: QMenu, text: str) -> None:
    """Click the menu's item ``text``."""
    texts = [a.text() for a in menu.actions()]
    assert texts == ["Copy chart", "Export PNG (2x)…", "Export SVG…"], texts
    action = next(a for a in menu.actions() if a.text() == text)
    qtbot.mouseClick(menu, Qt.LeftButton, pos=menu.actionGeometry(action).center())


def click_export_button(qtbot, chart, text: str) -> None:  # noqa: ANN001
    """Move the mouse over the chart (its Export button shows), click the button, pick ``text``."""
    button = chart.export_actions.button
    qtbot.mouseMove(chart.window(), QPoint(2, 2))  # the mouse elsewhere (the menu bar)
    qtbot.waitUntil(lambda: not button.isVisible())  # out of the way until the mouse is over the chart
    qtbot.mouseMove(chart, QPoint(chart.width() // 2, chart.height() // 2))
    qtbot.waitUntil(button.isVisible)
    assert button.geometry().right() <= chart.width() and button.geometry().top() >= 0
    picked, tries = [], [0]

    def pick() -> None:  # runs inside the menu's own event loop, once it shows
        menu = QApplication.activePopupWidget()
        if isinstance(menu, QMenu) and menu.isVisible():
            picked.append(menu)
            choose(qtbot, menu, text)
        elif tries[0] < 200:  # a busy machine: look again (10 s in all)
            tries[0] += 1
            QTimer.singleShot(50, pick)

    QTimer.singleShot(50, pick)
    qtbot.mouseClick(button, Qt.LeftButton)  # the button's menu runs until an item is picked
    assert picked and picked[0] is button.menu()


def answer_save_dialog(monkeypatch, path: Path) -> list:
    """The Save dialog answers ``path`` typed without its extension (the export adds it)."""
    asked = []

    def dialog(parent, title, start, pattern):  # noqa: ANN001, ANN202
        asked.append((title, start))
        return str(path.with_suffix("")), pattern

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(dialog))
    return asked


def exported_size(name: str) -> tuple[int, int]:
    return TORNADO_SIZE if name == "tornado" else EXPORT_SIZE


def non_white_share(img: QImage) -> float:
    img = img.convertToFormat(QImage.Format_RGB32)
    arr = np.frombuffer(img.constBits(), dtype=np.uint8).reshape(img.height(), img.bytesPerLine() // 4, 4)
    return float(np.mean(arr[:, : img.width(), :3].min(axis=2) < 200))


@pytest.mark.parametrize("name", list(CHARTS))
def test_png_from_the_context_menu_is_2x(window, qtbot, tmp_path, monkeypatch, name):
    chart = show(window, name)
    out = tmp_path / f"{name}.png"
    asked = answer_save_dialog(monkeypatch, out)
    choose(qtbot, open_context_menu(chart), "Export PNG (2x)…")
    assert asked and asked[0][1].endswith(".png") and "vivim" in Path(asked[0][1]).name  # named after the plan
    img = QImage(str(out))
    w, h = exported_size(name)
    assert (img.width(), img.height()) == (2 * w, 2 * h)
    assert 0.01 < non_white_share(img) < 0.6  # drawn on white: not blank, not a black background
    assert window.statusBar().currentMessage() == f"Chart saved to {out}"


def svg_root(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()  # raises on invalid XML
    assert root.tag == f"{SVG}svg"
    return root


def texts_of(root: ET.Element) -> list[str]:
    return [el.text or "" for el in root.iter(f"{SVG}text")]


def series(root: ET.Element, kind: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == kind]


@pytest.mark.parametrize("name", WITH_BUTTON)
def test_svg_from_the_export_button_holds_the_plotted_series(window, qtbot, tmp_path, monkeypatch, name):
    chart = show(window, name)
    out = tmp_path / f"{name}.svg"
    answer_save_dialog(monkeypatch, out)
    click_export_button(qtbot, chart, "Export SVG…")
    root = svg_root(out)
    assert (root.get("width"), root.get("height")) == tuple(str(v) for v in EXPORT_SIZE)
    title = (chart.getPlotItem() if hasattr(chart, "getPlotItem") else chart.plot).titleLabel.text
    assert re.sub(r"<[^>]+>", "", title).replace("&amp;", "&") in texts_of(root)
    kind = CHARTS[name][2]
    groups = series(root, kind)
    assert groups, f"no {kind} in the SVG"
    if kind == "bars":
        assert sum(len(g.findall(f"{SVG}rect")) for g in groups) >= 10
    if kind == "line":
        assert max(len(g.find(f"{SVG}polyline").get("points").split()) for g in groups) >= 10
    assert any(t.startswith(("$", "-$", "−$")) for t in texts_of(root)) or name == "headcount"  # money ticks


@pytest.mark.parametrize("name", ["tornado", "curve"])
def test_svg_from_the_context_menu_of_charts_with_a_bar_of_buttons(window, qtbot, tmp_path, monkeypatch, name):
    chart = show(window, name)
    out = tmp_path / f"{name}.svg"
    answer_save_dialog(monkeypatch, out)
    choose(qtbot, open_context_menu(chart), "Export SVG…")
    texts = texts_of(svg_root(out))
    title = "What moves total cost most (mid scenario)" if name == "tornado" else "Monthly operating cost by active users"
    assert title in texts
    assert chart.export_actions.button is None


@pytest.mark.parametrize("name", list(CHARTS))
def test_copy_puts_a_2x_image_on_the_clipboard(window, qtbot, name):
    chart = show(window, name)
    QGuiApplication.clipboard().clear()
    if name in WITH_BUTTON:
        click_export_button(qtbot, chart, "Copy chart")
    else:
        choose(qtbot, open_context_menu(chart), "Copy chart")
    img = QGuiApplication.clipboard().image()
    w, h = exported_size(name)
    assert (img.width(), img.height()) == (2 * w, 2 * h)
    assert non_white_share(img) > 0.01
    assert window.statusBar().currentMessage().startswith("Chart copied")


# -- one number: what the exported burn and cash say is the timeline's ---------------------------
_MONEY = re.compile(r"^([-−]?)[$€£]?([\d.,]+)([KMB]?)$")


def money_value(text: str) -> float | None:
    m = _MONEY.match(text.strip())
    if not m:
        return None
    value = float(m[2].replace(",", "")) * {"": 1, "K": 1e3, "M": 1e6, "B": 1e9}[m[3]]
    return -value if m[1] else value


def y_to_value(root: ET.Element):  # noqa: ANN201
    """The left axis's pixel -> money map, fitted to its labelled tick lines, and the money two
    thousandths of a pixel stand for (the SVG's coordinates carry three decimals)."""
    axis = [g for g in series(root, "axis") if any(money_value(t.text or "") is not None for t in g.iter(f"{SVG}text"))
            and any(t.get("text-anchor") == "end" for t in g.iter(f"{SVG}text"))][0]
    ticks = [float(line.get("y1")) for line in axis.iter(f"{SVG}line") if line.get("y1") == line.get("y2")]
    pairs = []
    for t in axis.iter(f"{SVG}text"):
        value = money_value(t.text or "")
        if value is not None:
            y = min(ticks, key=lambda ty: abs(ty - float(t.get("y"))))  # the label sits on its tick
            pairs.append((y, value))
    assert len(pairs) >= 3
    ys, vs = np.array(pairs).T
    slope, offset = np.polyfit(ys, vs, 1)
    assert np.allclose(slope * ys + offset, vs, rtol=0, atol=1e-5 * np.abs(vs).max())  # the labels are linear in y
    return (lambda y: slope * np.asarray(y, float) + offset), abs(slope) * 2e-3  # and two thousandths of a pixel


def test_exported_burn_and_cash_are_the_controllers_timeline(window, qtbot, tmp_path, monkeypatch):
    tl = window.controller.timeline
    assert tl.runway_months is not None and tl.runway_months <= tl.horizon  # the seed round runs out

    burn = show(window, "burn")
    np.testing.assert_array_equal(burn.bars.opts["height"], tl.burn)  # the chart on screen
    out = tmp_path / "burn.svg"
    answer_save_dialog(monkeypatch, out)
    choose(qtbot, open_context_menu(burn), "Export SVG…")
    root = svg_root(out)
    value, tol = y_to_value(root)
    rects = [r for g in series(root, "bars") for r in g.iter(f"{SVG}rect")]
    assert len(rects) == tl.horizon
    tops = value([float(r.get("y")) for r in rects])
    bottoms = value([float(r.get("y")) + float(r.get("height")) for r in rects])
    np.testing.assert_allclose(bottoms, 0.0, atol=tol)  # SVG coordinates have three decimals
    np.testing.assert_allclose(tops - bottoms, tl.burn, rtol=0, atol=2 * tol)

    cash = show(window, "cash")
    out = tmp_path / "cash.svg"
    answer_save_dialog(monkeypatch, out)
    click_export_button(qtbot, cash, "Export SVG…")
    root = svg_root(out)
    value, tol = y_to_value(root)
    line = max((g.find(f"{SVG}polyline") for g in series(root, "line")), key=lambda p: len(p.get("points").split()))
    ys = [float(p.split(",")[1]) for p in line.get("points").split()]
    np.testing.assert_allclose(value(ys), np.concatenate([[0.0], tl.cash]), rtol=0, atol=tol)
    texts = texts_of(root)
    assert f"cash runs out ({tl.runway_months:.1f})" in texts  # the runway, marked and labelled
    assert f"Cash by month (USD), runway {tl.runway_months:.1f} months" in texts
