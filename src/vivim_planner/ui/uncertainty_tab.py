"""The Uncertainty view: Monte Carlo over every range of the plan, recomputed in the background.

A run works on a copy of the scenario's plan in a worker thread, so typing never waits for it;
each edit starts a new run (after a short pause) and the result of a run that an edit has
overtaken is discarded. The view shows the probabilities as sentences, the fan chart of cash
with the runway under it, the histogram of total build cost with the stated low / mid / high,
and the inputs that drive the ending cash.
"""

from __future__ import annotations

from PySide6.QtCore import QThread, QTimer, Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QProgressBar, QSpinBox, QSplitter, QTableWidget,
                               QTableWidgetItem, QToolButton, QVBoxLayout, QWidget)
from PySide6.QtCore import Qt

from ..engine.simulation import Simulation, simulate
from .chart_export import install_export
from .controller import PlanController
from .uncertainty_charts import BuildCostHistogram, FanChart


class SimulationRun(QThread):
    """One simulation in a worker thread: ``done(generation, Simulation)`` or
    ``failed(generation, message)``."""

    done = Signal(int, object)
    failed = Signal(int, str)

    def __init__(self, generation: int, plan, band: str, draws: int, seed: int, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.generation, self.plan, self.band, self.draws, self.seed = generation, plan, band, draws, seed

    def run(self) -> None:  # noqa: D102 - QThread's entry point
        try:
            self.done.emit(self.generation, simulate(self.plan, self.band, self.draws, self.seed))
        except Exception as e:  # noqa: BLE001 - a bad Uncertainty row in a file: say so, never crash
            self.failed.emit(self.generation, str(e))


class UncertaintyTab(QWidget):
    """The view over a :class:`PlanController` (and the window's scenario through the
    controller's ``view_plan`` / ``band``). ``simulation``: the latest finished run of the plan
    as it is now (``None`` while a run is due); ``stale``: an edit came after it."""

    finished = Signal()

    def __init__(self, controller: PlanController, parent=None):  # noqa: ANN001
        super().__init__(parent)
        self.controller = controller
        self.simulation: Simulation | None = None
        self.generation = 0
        self.stale = True
        self._runs: list[SimulationRun] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Draws"))
        self.draws = QSpinBox(self)
        self.draws.setRange(100, 200_000)
        self.draws.setSingleStep(1_000)
        self.draws.setValue(10_000)
        self.draws.setGroupSeparatorShown(True)
        self.draws.setToolTip("How many times every uncertain input is drawn")
        bar.addWidget(self.draws)
        bar.addWidget(QLabel("Seed"))
        self.seed = QSpinBox(self)
        self.seed.setRange(0, 2_147_483_647)
        self.seed.setToolTip("The same seed gives the same draws")
        bar.addWidget(self.seed)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)  # busy: a run has no steps to count
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.progress.hide()
        bar.addWidget(self.progress)
        self.status = QLabel()
        self.status.setStyleSheet("color: #5b6572;")
        bar.addWidget(self.status, 1)
        run = QToolButton(self)
        run.setText("Run again")
        run.setToolTip("Draw again now (with the seed shown)")
        run.clicked.connect(lambda: self.start(0))
        bar.addWidget(run)
        outer.addLayout(bar)
        self.sentences = QLabel()
        self.sentences.setWordWrap(True)
        self.sentences.setTextInteractionFlags(Qt.TextSelectableByMouse)
        outer.addWidget(self.sentences)
        self.fan, self.histogram = FanChart(self), BuildCostHistogram(self)
        for chart, name in ((self.fan, "cash fan chart"), (self.histogram, "build cost histogram")):
            install_export(chart, name, draw=lambda c: self.simulation and c.update_from(self.simulation),
                           controller=controller)
        self.drivers = QTableWidget(0, 2, self)
        self.drivers.setHorizontalHeaderLabels(["Input", "Rank correlation with ending cash"])
        self.drivers.verticalHeader().setVisible(False)
        self.drivers.horizontalHeader().setStretchLastSection(True)
        self.drivers.setEditTriggers(QTableWidget.NoEditTriggers)
        right = QSplitter(Qt.Vertical, self)
        right.addWidget(self.histogram)
        right.addWidget(self.drivers)
        split = QSplitter(Qt.Horizontal, self)
        split.addWidget(self.fan)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        outer.addWidget(split, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._launch)
        controller.changed.connect(lambda _cs=None: self.mark_stale())
        controller.document_replaced.connect(self.mark_stale)
        self.draws.editingFinished.connect(lambda: self.start(0))
        self.seed.editingFinished.connect(lambda: self.start(0))

    # -- runs ---------------------------------------------------------------------------------
    def mark_stale(self) -> None:
        """An edit: the shown result is out of date; run again soon if the view is shown."""
        self.stale = True
        self.generation += 1  # a run still going now reports a result nobody wants
        if self.isVisible():
            self.start()

    def start(self, delay: int = 400) -> None:
        """Run the simulation of the plan as it is now after ``delay`` ms (a burst of edits runs once)."""
        self.generation += 1
        self.progress.show()
        self.status.setText(f"Simulating {self.draws.value():,} draws…")
        self._timer.start(delay)

    def _launch(self) -> None:
        from ..engine.scenarios import copy_plan

        c = self.controller
        run = SimulationRun(self.generation, copy_plan(c.view_plan or c.plan), c.band, self.draws.value(),
                            self.seed.value(), self)
        run.done.connect(self._done)
        run.failed.connect(self._failed)
        run.finished.connect(lambda r=run: self._forget(r))
        self._runs.append(run)
        run.start()

    def _forget(self, run: SimulationRun) -> None:
        if run in self._runs:
            self._runs.remove(run)
        run.deleteLater()

    def _done(self, generation: int, sim: Simulation) -> None:
        if generation != self.generation:
            return  # an edit came after this run started: its figures describe an older plan
        self.simulation, self.stale = sim, False
        self.progress.hide()
        self.status.setText(f"{sim.draws:,} draws of {len(sim.inputs)} uncertain inputs (seed {sim.seed}); "
                            f"ranges and distributions on the Ranges tab")
        self._show(sim)
        self.finished.emit()

    def _failed(self, generation: int, message: str) -> None:
        if generation == self.generation:
            self.progress.hide()
            self.status.setText(f"⚠ {message}")
            self.controller.message.emit(message)

    def wait(self, ms: int = 30_000) -> bool:
        """Block until every run has finished (tests and exports); True if they did."""
        ok = True
        for run in list(self._runs):
            ok = run.wait(ms) and ok
        return ok

    def _show(self, sim: Simulation) -> None:
        self.sentences.setText(" ".join(f"<b>{s}</b>" if i < 2 else s for i, s in enumerate(sim.sentences())))
        self.fan.update_from(sim)
        self.histogram.update_from(sim)
        top = sim.drivers[:12]
        self.drivers.setRowCount(len(top))
        for row, (name, corr) in enumerate(top):
            self.drivers.setItem(row, 0, QTableWidgetItem(name))
            item = QTableWidgetItem(f"{corr:+.2f}")
            item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            self.drivers.setItem(row, 1, item)
        self.drivers.resizeColumnToContents(0)

    def charts(self) -> tuple:
        return self.fan, self.histogram

    def showEvent(self, event) -> None:  # noqa: N802, ANN001
        super().showEvent(event)
        if self.stale:
            self.start(0)

    def closeEvent(self, event) -> None:  # noqa: N802, ANN001
        self.wait()
        super().closeEvent(event)
