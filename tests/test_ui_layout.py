"""Every view of the window at 1280 x 720 (and 1920 x 1080): the window keeps its size, no
widget lies outside it, and no two laid-out siblings overlap. The sidebar groups the views by
the founder's questions; the Dashboard's figures are the Summary's and the timeline's."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, QStandardPaths, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget

from vivim_planner.samples import sample_path
from vivim_planner.storage import PlanDocument
from vivim_planner.ui import format as fmt
from vivim_planner.ui.dashboard import headlines
from vivim_planner.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def _test_paths():
    QStandardPaths.setTestModeEnabled(True)


def sample_window(qtbot, name: str = "vivim") -> MainWindow:
    w = MainWindow(PlanDocument.open(sample_path(name), readonly=True))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def in_scrolled_content(widget: QWidget) -> bool:
    """Inside a scroll area's viewport: placed in scrolled content, clipped by design."""
    w = widget.parentWidget()
    while w is not None:
        parent = w.parentWidget()
        if isinstance(parent, QAbstractScrollArea) and w is parent.viewport():
            return True
        w = parent
    return False


def layout_problems(window: QWidget) -> list[str]:
    """Widgets outside the window and laid-out siblings that overlap, as sentences."""
    frame = window.rect()
    problems = []
    for w in [window] + window.findChildren(QWidget):
        if w is not window and (not w.isVisible() or w.isWindow() or in_scrolled_content(w)):
            continue
        top_left = w.mapTo(window, QPoint(0, 0))
        rect = QRect(top_left, w.size())
        if w is not window and w.width() > 0 and w.height() > 0 and not frame.contains(rect):
            problems.append(f"{type(w).__name__} {w.objectName()!r} at {rect.getRect()} is outside {frame.getRect()}")
        layout = w.layout()
        if layout is None:
            continue
        items = [layout.itemAt(i).widget() for i in range(layout.count())]
        items = [i for i in items if i is not None and i.isVisible() and i.width() > 0 and i.height() > 0]
        for a in range(len(items)):
            for b in range(a + 1, len(items)):
                if items[a].geometry().intersects(items[b].geometry()):
                    problems.append(f"in {type(w).__name__}: {type(items[a]).__name__} {items[a].geometry().getRect()} "
                                    f"overlaps {type(items[b]).__name__} {items[b].geometry().getRect()}")
    return problems


@pytest.mark.parametrize("size", [(1280, 720), (1360, 740), (1920, 1080)])
@pytest.mark.parametrize("name", ["vivim", "kalei"])
def test_every_view_fits_the_window_without_overflow_or_overlap(qtbot, name, size):
    w = sample_window(qtbot, name)
    w.resize(*size)
    failures = {}
    for i in range(w.tabs.count()):
        w.tabs.setCurrentIndex(i)
        w.resize(*size)
        QApplication.processEvents()
        QApplication.processEvents()
        assert (w.width(), w.height()) == size, f"{w.tabs.tabText(i)} grows the window to {w.width()}x{w.height()}"
        problems = layout_problems(w)
        if problems:
            failures[w.tabs.tabText(i)] = problems[:5]
    assert not failures, failures


def test_sidebar_groups_the_views_and_a_click_opens_one(qtbot):
    w = sample_window(qtbot)
    groups = {}
    for i in range(w.tabs.count()):
        groups.setdefault(w.nav.group_of(i), []).append(w.tabs.tabText(i).split(" (")[0])
    assert list(groups) == ["Start", "Plan", "Run costs", "Money", "What if", "Check"]
    assert groups["Plan"][:4] == ["Milestones", "Rate card", "Team", "Build costs"]
    assert {"Operations", "Infrastructure", "Services", "LLM usage", "Curves"} <= set(groups["Run costs"])
    assert {"Revenue", "Capital", "Economics", "Timeline", "Uncertainty"} <= set(groups["Money"])
    assert {"Scenarios", "Sensitivity"} <= set(groups["What if"]) and groups["Check"] == ["Audit"]
    assert w.tabs.currentWidget() is w.dashboard
    sidebar = w.nav.sidebar
    item = sidebar.findItems("Economics", Qt.MatchExactly | Qt.MatchRecursive)[0]
    qtbot.mouseClick(sidebar.viewport(), Qt.LeftButton, pos=sidebar.visualItemRect(item).center())
    assert w.tabs.currentWidget() is w.economics
    qtbot.keyClick(sidebar, Qt.Key_Down)
    assert w.tabs.currentWidget() is w.timeline
    w.show_table("meters")
    QApplication.processEvents()
    services = [w.grids[t].mapTo(w, QPoint(0, 0)).y() for t in ("usage_drivers", "service_plans", "meters")]
    assert services == sorted(set(services))  # a meter prices a driver: drivers first, read top-down


def test_one_call_registers_a_new_view(qtbot):
    w = sample_window(qtbot)
    page = QWidget()
    index = w.nav.add_view("Money", "Cash plan", page)
    assert w.nav.group_of(index) == "Money" and w.tabs.widget(index) is page
    assert w.nav.group_of(index + 1) == "What if"  # at the end of its group
    w.tabs.setCurrentIndex(w.tab_index("Cash plan"))
    assert w.tabs.currentWidget() is page


def test_dashboard_figures_are_the_summary_and_the_timeline(qtbot):
    w = sample_window(qtbot)
    c = w.controller
    figures = {h.key: h for h in headlines(c)}
    cards = w.summary.cards
    assert figures["build"].value == cards["mid"].value.text()
    assert figures["ops"].value == cards["ops"].value.text()
    assert figures["cpu"].value == cards["cpu"].value.text()
    tl = c.timeline
    assert figures["burn"].value == fmt.money(float(tl.burn.max()), "USD", 0)
    assert figures["audit"].value == str(len(c.findings))
    # break-even named as the timeline has it: operating, with the cash-flow one beside it
    assert figures["break_even"].title == "Operating break-even"
    assert figures["break_even"].value == tl.labels[tl.operating_break_even_month - 1]
    assert "cash-flow break-even" in figures["break_even"].note
    shown = {card.value.text() for card in w.dashboard.cards.values()}
    assert {h.value for h in figures.values()} <= shown
    card = w.dashboard.cards["runway"]
    qtbot.mouseClick(card, Qt.LeftButton)
    assert w.tabs.currentWidget() is w.economics  # each figure links to its view


def test_screenshot_command_takes_a_size(tmp_path):
    import os
    import subprocess
    import sys

    from PySide6.QtGui import QImage

    out = tmp_path / "economics.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(tmp_path / "data")}
    run = subprocess.run([sys.executable, "-m", "vivim_planner", "screenshot", str(sample_path("vivim")), str(out),
                          "--tab", "Economics", "--size", "1280x720"], capture_output=True, text=True, env=env,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 720)
    bad = subprocess.run([sys.executable, "-m", "vivim_planner", "screenshot", str(sample_path("vivim")), str(out),
                          "--size", "wide"], capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2 and "size 'wide': write it as WIDTHxHEIGHT" in bad.stderr


def test_the_window_starts_without_the_chart_and_excel_stacks(tmp_path):
    """Charts (pyqtgraph), the workbook stack and the chart views load when first used."""
    import os
    import subprocess
    import sys

    import shutil

    plan = tmp_path / "vivim.vivim"
    shutil.copyfile(sample_path("vivim"), plan)  # opened for editing: never the bundled file
    code = ("import sys\nfrom vivim_planner.ui.app import application, open_start_document\n"
            "from vivim_planner.ui.main_window import MainWindow\napp = application()\n"
            f"doc, _ = open_start_document({str(plan)!r})\nw = MainWindow(doc)\nw.show()\napp.processEvents()\n"
            "heavy = [m for m in ('pyqtgraph', 'xlsxwriter', 'openpyxl', 'vivim_planner.excel', "
            "'vivim_planner.ui.curves_tab', 'vivim_planner.ui.economics_tab') if m in sys.modules]\n"
            "print('HEAVY', heavy)\nw.tabs.setCurrentIndex(w.tab_index('Curves'))\n"
            "print('AFTER', 'pyqtgraph' in sys.modules)\ndoc.close()\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(tmp_path / "data")}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert "HEAVY []" in run.stdout, run.stdout + run.stderr
    assert "AFTER True" in run.stdout


def test_dashboard_catches_up_with_edits_made_while_hidden(qtbot, tmp_path):
    from ui_plans import small_plan_file

    w = MainWindow(PlanDocument.open(small_plan_file(tmp_path)))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    before = w.dashboard.cards["build"].value.text()
    grid = w.show_table("allocations")
    m = grid.plan_model
    assert m.setData(m.index(0, m.spec.column_index("fte")), "3")
    assert w.dashboard.cards["build"].value.text() == before  # hidden: not recomputed per edit
    sidebar = w.nav.sidebar
    item = sidebar.findItems("Dashboard", Qt.MatchExactly | Qt.MatchRecursive)[0]
    qtbot.mouseClick(sidebar.viewport(), Qt.LeftButton, pos=sidebar.visualItemRect(item).center())
    shown = w.dashboard.cards["build"].value.text()
    assert shown == fmt.money(w.controller.result.totals["mid"], "USD", 0) != before
