"""The bridge between the plan document and Qt: one undo stack, one recomputation per edit.

An edit arrives as a core :class:`Command` (already validated). :meth:`PlanController.execute`
applies it through the document (one SQLite transaction) and only then pushes it on the
``QUndoStack``, so a failed write never leaves a phantom undo step. After every apply, undo
or redo the engine recomputes and :attr:`PlanController.changed` carries the ChangeSet; the
table models refresh exactly what changed.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..commands import ChangeSet, Command
from ..domain import CellError, PlanError
from ..engine import Finding, PlanResult, audit, compute
from ..engine.timeline import Timeline, timeline
from ..engine.usage import UsageModel
from ..storage import PlanDocument

CHECKPOINT_DELAY_MS = 300  # a pause in typing this long copies the log into the file


class _UndoStep(QUndoCommand):
    """A QUndoCommand around a core command that was applied before being pushed.

    QUndoStack moves its index even when an undo or redo could not be written; the step then
    skips its next call and asks the stack to step back, so stack, plan and file stay in step.
    """

    def __init__(self, controller: "PlanController", command: Command):
        super().__init__(command.label)
        self.controller, self.command = controller, command
        self._skip = True  # applied by execute() already

    def redo(self) -> None:
        if self._skip:
            self._skip = False
            return
        if not self.controller._run(self.command, forward=True):
            self._skip = True
            QTimer.singleShot(0, self.controller.undo_stack.undo)

    def undo(self) -> None:
        if self._skip:
            self._skip = False
            return
        if not self.controller._run(self.command, forward=False):
            self._skip = True
            QTimer.singleShot(0, self.controller.undo_stack.redo)


class PlanController(QObject):
    """Owns the open :class:`PlanDocument`, its ``QUndoStack`` and the latest engine result.

    Signals: ``changed(ChangeSet)`` after every edit, undo or redo (``result`` is fresh by
    then); ``audited()`` once the audit has caught up (it runs when the event loop is next
    idle, so typing never waits for it, and once for a burst of edits; :meth:`flush_audit`
    runs it at once); ``message(str)`` for the status bar (refusals, write errors);
    ``document_replaced()`` when another file is opened.

    :attr:`usage` is the operating-cost model (tiers, services, LLM usage) of the current plan
    state, built on first use after each change and shared by every view that reads it; likewise
    :attr:`timeline`, the month-by-month result every view reads its monthly figures from, for
    :attr:`view_plan` (the plan as the window's scenario leaves it) and :attr:`band`.
    """

    changed = Signal(object)
    audited = Signal()
    message = Signal(str)
    document_replaced = Signal()

    def __init__(self, document: PlanDocument, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.document = document
        self.result: PlanResult = compute(document.plan)
        self.findings: list[Finding] = audit(document.plan, self.result)
        self._audit_due = False
        self._usage: UsageModel | None = None
        self._timeline: Timeline | None = None
        self.view_plan = None  # the scenario's plan (ScenarioState sets it); None: the plan itself
        self.band = "mid"
        # the file's checkpoint runs once typing pauses, not inside each edit (the write-ahead
        # log has every committed edit already; see PlanDocument.checkpoint)
        self._checkpoint_timer = QTimer(self)
        self._checkpoint_timer.setSingleShot(True)
        self._checkpoint_timer.setInterval(CHECKPOINT_DELAY_MS)
        self._checkpoint_timer.timeout.connect(self.checkpoint)
        self._defer_checkpoints(document)

    def _defer_checkpoints(self, document: PlanDocument) -> None:
        if hasattr(document, "checkpoint_after_commit"):
            document.checkpoint_after_commit = False

    def checkpoint(self) -> None:
        """Copy the edits made since the last checkpoint into the plan file itself (what a copy
        of the file taken while the window is open will hold); a failure is retried after the
        next edit."""
        self._checkpoint_timer.stop()
        try:
            self.document.checkpoint(truncate=False)
        except Exception:  # noqa: BLE001 - e.g. a reader holds the file; committed edits are safe in the log
            pass

    @property
    def usage(self) -> UsageModel:
        """The :class:`UsageModel` of the plan as it is now (rebuilt lazily after each change)."""
        if self._usage is None:
            self._usage = UsageModel(self.plan)
        return self._usage

    @property
    def timeline(self) -> Timeline:
        """The :class:`~vivim_planner.engine.timeline.Timeline` of the plan as the window's
        scenario leaves it (rebuilt lazily after each change or scenario switch)."""
        if self._timeline is None:
            self._timeline = timeline(self.view_plan or self.plan, self.band, self.result, self.usage)
        return self._timeline

    def invalidate(self) -> None:
        """Forget the derived models (usage model, timeline): the next reader rebuilds them."""
        self._usage = None
        self._timeline = None

    @property
    def plan(self):  # noqa: ANN201 - Plan
        return self.document.plan

    def replace_document(self, document: PlanDocument) -> None:
        """Switch to another open document; the undo history starts afresh."""
        old = self.document
        if old is not document:
            self.checkpoint()
        self.document = document
        self._defer_checkpoints(document)
        self.undo_stack.clear()
        self.undo_stack.setClean()
        if old is not document:
            old.close()
        self._recompute()
        self.document_replaced.emit()

    def execute(self, command: Command) -> bool:
        """Apply ``command`` and push it as one undo step. Returns False (and reports on
        ``message``) when the file could not be written; the plan is then unchanged."""
        try:
            cs = self.document.apply(command)
        except PlanError as e:
            self.message.emit(str(e))
            return False
        self.undo_stack.push(_UndoStep(self, command))
        self._after(cs)
        return True

    def try_build(self, factory, *args, **kwargs) -> Command | None:  # noqa: ANN001
        """Call a command factory; on :class:`CellError` report it and return None."""
        try:
            return factory(self.plan, *args, **kwargs)
        except CellError as e:
            self.message.emit(str(e))
            return None

    def _run(self, command: Command, forward: bool) -> bool:
        """Redo (``forward``) or undo a step; False, with a message, when it could not be
        written (the plan is then as it was)."""
        try:
            cs = self.document.apply(command) if forward else self.document.revert(command)
        except PlanError as e:
            self.message.emit(str(e))
            return False
        self._after(cs)
        return True

    def _recompute(self) -> None:
        self.invalidate()
        self.view_plan = None
        self.result = compute(self.plan)
        self.findings = audit(self.plan, self.result)
        self._audit_due = False

    def _after(self, cs: ChangeSet) -> None:
        self._checkpoint_timer.start()
        self.invalidate()
        self.result = compute(self.plan)
        self.changed.emit(cs)
        if not self._audit_due:
            self._audit_due = True
            QTimer.singleShot(0, self.flush_audit)

    def flush_audit(self) -> None:
        """Bring the findings up to date now if an edit left them behind."""
        if self._audit_due:
            self.findings = audit(self.plan, self.result)
            self._audit_due = False
            self.audited.emit()
