"""The window's scenario: which one is shown, and the toolbar that switches it.

:class:`ScenarioState` keeps the chosen scenario's plan (:func:`vivim_planner.engine.scenarios.
resolve_scenario`: the open plan with the scenario's overrides applied, or the plan itself) and
its build band. A scenario with overrides changes every computed figure of the window: after
each edit (and on a switch) the state puts the scenario's engine result and usage model on the
controller before any view reads them, because it is the first object connected to
``controller.changed`` (the main window creates it right after the controller). Grids keep
showing and editing the plan's own inputs; a scenario changes what they compute.

:class:`ScenarioBar` is the toolbar: a combo of every scenario (low / mid / high / bottom-up and
the Scenarios sheet's rows), "Duplicate…" (copies the scenario and its overrides under a new
name, one undo step) and a note of what the scenario overrides.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QInputDialog, QLabel, QToolBar, QToolButton, QWidget

from ..commands import ChangeSet, Compound, insert_rows
from ..domain import CellError, Plan, PlanError
from ..engine import compute
from ..engine.scenarios import BUILTIN, Resolved, resolve_scenario, scenario_names
from ..engine.usage import UsageModel
from .controller import PlanController


class ScenarioState(QObject):
    """The scenario the window shows. ``changed(str)`` after a switch (its name); ``name``,
    ``band`` (``low``/``mid``/``high``/``bottom_up``), ``plan`` (what the engine computes) and
    ``error`` (why the chosen scenario could not be applied: it then shows the plan as it is)."""

    changed = Signal(str)
    initial = "mid"
    """The scenario a new window opens on (``vivim-planner screenshot --scenario S`` sets it)."""

    def __init__(self, controller: PlanController, parent: QObject | None = None):
        super().__init__(parent)
        self.controller = controller
        self.name = type(self).initial if type(self).initial in self.names() else "mid"
        self.error = ""
        self.resolved: Resolved = resolve_scenario(controller.plan, "mid")
        self._overriding = False  # the controller's result and usage model are the scenario's
        self._resolve()
        self._add_economics_findings()
        controller.audited.connect(self._add_economics_findings)  # first connected, as changed
        controller.changed.connect(self._on_edit)  # first connected: runs before every view
        controller.document_replaced.connect(self._on_replaced)

    @property
    def plan(self) -> Plan:
        return self.resolved.plan

    @property
    def band(self) -> str:
        return self.resolved.band

    @property
    def overrides(self) -> tuple:
        return self.resolved.overrides

    def names(self) -> list[str]:
        return scenario_names(self.controller.plan)

    def _resolve(self) -> None:
        plan = self.controller.plan
        try:
            self.resolved = resolve_scenario(plan, self.name)
            self.error = ""
        except PlanError as e:  # renamed away, or an override that no longer fits
            self.error = str(e)
            if self.name not in self.names():
                self.name = "mid"
            self.resolved = resolve_scenario(plan, "mid") if self.name == "mid" else Resolved(self.name, plan, "mid")
        c = self.controller
        c.invalidate()
        c.band = self.resolved.band
        if self.resolved.plan is not plan:  # overrides: the scenario's figures everywhere
            c.result = compute(self.resolved.plan)
            c._usage = UsageModel(self.resolved.plan)  # noqa: SLF001 - the controller's shared model
            c.view_plan = self.resolved.plan
            self._overriding = True
        else:
            c.view_plan = None
            if self._overriding:  # back to the plan's own figures
                c.result = compute(plan)
                self._overriding = False

    def _targets(self) -> ChangeSet:
        """Cells the current scenario overrides, as a ChangeSet (so views refresh those tables)."""
        from ..domain.overrides import resolve

        cs = ChangeSet()
        for sheet, row, column, _value in self.resolved.overrides:
            try:
                t = resolve(self.controller.plan, sheet, row, column)
            except PlanError:
                continue
            cs.cell(t.table, t.row_id, t.field)
        return cs

    def _on_edit(self, _cs: ChangeSet | None = None) -> None:
        self._resolve()

    def _add_economics_findings(self) -> None:
        """Append the stated economics figures' findings (:mod:`vivim_planner.engine.
        economics_audit`) to the controller's audit findings, before the Audit tab reads them.
        (The controller's own audit covers the cost tables; this adds the revenue side.)"""
        from ..engine.economics_audit import economics_findings

        c = self.controller
        if any(f.table == "economics_figures" for f in c.findings):
            return
        c.findings = list(c.findings) + economics_findings(c.plan)

    def _on_replaced(self) -> None:
        self.name = "mid"
        self._add_economics_findings()
        self._resolve()
        self.changed.emit(self.name)

    def set_scenario(self, name: str) -> None:
        """Switch to ``name``; every view recomputes. Unknown names are reported on the
        controller's ``message`` and change nothing."""
        if name == self.name and not self.error:
            return
        if name not in self.names():
            self.controller.message.emit(f'No scenario "{name}"')
            return
        before = self._targets()
        self.name = name
        c = self.controller
        self._resolve()
        if self.error:
            c.message.emit(self.error)
        # the views refresh as after an edit of the overridden cells (this state's own slot,
        # connected first, resolves once more: cheap, and keeps one path for both)
        c.changed.emit(before.merge(self._targets()))
        self.changed.emit(self.name)

    def duplicate(self, source: str, new_name: str) -> bool:
        """Copy scenario ``source`` (a built-in one: an empty scenario on its band) with its
        overrides as ``new_name``, one undo step. False, with a message, when refused."""
        c = self.controller
        plan = c.plan
        t = plan.tables["scenarios"]
        rid = plan.find_ref("scenarios", source)  # a built-in scenario may have a row of its own
        builtin_band = source if source in BUILTIN else ""
        row = {"name": new_name, "notes": f"Copy of {source}", "band": builtin_band}
        if rid:
            pos = t.position(rid)
            row.update(based_on=t.get(pos, "based_on") or None, band=t.get(pos, "band") or builtin_band)
        try:
            add = insert_rows(plan, "scenarios", len(t), [row], label=f"Duplicate scenario {source}")
        except CellError as e:
            c.message.emit(str(e))
            return False
        commands = [add]
        if rid:
            ov = plan.tables["scenario_overrides"]
            mine = [p for p in range(len(ov)) if int(ov.get(p, "scenario")) == rid]
            if mine:
                commands.append(_LateOverrides(add, [{k: ov.get(p, k) for k in ("sheet", "row", "field", "value", "notes")}
                                                     for p in mine]))
        if not c.execute(Compound(commands, f"Duplicate scenario {source} as {new_name}")):
            return False
        self.set_scenario(new_name)
        return True


class _LateOverrides(Compound):
    """Insert override rows for a scenario row that :class:`InsertRows` ``add`` creates in the
    same step (its id is known only once it is applied); undo removes them first."""

    def __init__(self, add, rows: list[dict]):  # noqa: ANN001
        super().__init__([], "Copy overrides")
        self.add, self.rows = add, rows
        self._insert = None

    def apply(self, plan: Plan) -> ChangeSet:
        sid = self.add.ids[0]
        if self._insert is None:
            rows = [dict(r, scenario=sid) for r in self.rows]
            self._insert = insert_rows(plan, "scenario_overrides", len(plan.tables["scenario_overrides"]), rows)
        return self._insert.apply(plan)

    def revert(self, plan: Plan) -> ChangeSet:
        return self._insert.revert(plan) if self._insert is not None else ChangeSet()


def link_summary(state: ScenarioState, summary) -> None:  # noqa: ANN001 - SummaryTab
    """Keep the Summary tab's "Cumulative of" combo on the scenario's build band, and make a
    band picked there switch the window to that built-in scenario."""
    def follow(_name: str) -> None:
        band = state.band.replace("_", "-")
        if summary.scenario.currentText() != band:
            summary.scenario.setCurrentText(band)

    def pick(band: str) -> None:
        if band != state.band.replace("_", "-"):
            state.set_scenario(band)

    state.changed.connect(follow)
    summary.scenario.currentTextChanged.connect(pick)
    follow(state.name)


class ScenarioBar(QToolBar):
    """Toolbar: "Scenario" combo, Duplicate…, and what the scenario overrides."""

    def __init__(self, state: ScenarioState, parent: QWidget | None = None):
        super().__init__("Scenario", parent)
        self.setObjectName("scenarioBar")
        self.state = state
        self.setMovable(False)
        self.addWidget(QLabel(" Scenario "))
        self.combo = QComboBox(self)
        self.combo.setMinimumWidth(180)
        self.combo.setToolTip("Every figure of the window follows the scenario: low / mid / high build estimates, "
                              "bottom-up, or a scenario of the Scenarios sheet with its overrides")
        self.combo.activated.connect(lambda _i: state.set_scenario(self.combo.currentText()))
        self.addWidget(self.combo)
        b = QToolButton(self)
        b.setText("Duplicate…")
        b.setToolTip("Copy this scenario and its overrides under a new name, then edit it on the Scenarios tab")
        b.clicked.connect(self.duplicate_dialog)
        self.addWidget(b)
        self.note = QLabel()
        self.note.setStyleSheet("color: #5b6572; padding-left: 8px;")
        self.addWidget(self.note)
        state.changed.connect(self.refresh)
        state.controller.changed.connect(self.refresh)
        self.refresh()

    def refresh(self, *_args) -> None:  # noqa: ANN002
        names = self.state.names()
        if [self.combo.itemText(i) for i in range(self.combo.count())] != names:
            self.combo.blockSignals(True)
            self.combo.clear()
            self.combo.addItems(names)
            self.combo.blockSignals(False)
        self.combo.setCurrentText(self.state.name)
        s = self.state
        band = s.band.replace("_", "-")
        if s.error:
            text = f"⚠ {s.error}"
        elif s.overrides:
            text = f"{band} build estimates, {len(s.overrides)} override{'s' * (len(s.overrides) != 1)} (grids show the plan's own inputs)"
        else:
            text = f"{band} build estimates"
        self.note.setText(text)

    def duplicate_dialog(self) -> None:
        source = self.state.name
        name, ok = QInputDialog.getText(self, "Duplicate scenario", f"Name of the copy of {source}:",
                                        text=f"{source} (copy)")
        if ok and name.strip():
            self.state.duplicate(source, name.strip())
