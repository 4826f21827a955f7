"""Undo / redo history over any target that applies commands (a :class:`PlanDocument`, or an
:class:`InMemory` plan in tests and headless tools). The window uses ``QUndoStack`` through
the ui layer's bridge instead; both call the same ``apply``/``revert``."""

from __future__ import annotations

from typing import Protocol

from ..domain import Plan
from .changes import ChangeSet
from .edits import Command


class Target(Protocol):
    plan: Plan

    def apply(self, command: Command) -> ChangeSet: ...

    def revert(self, command: Command) -> ChangeSet: ...


class InMemory:
    """A plan with no file behind it: commands only change memory."""

    def __init__(self, plan: Plan):
        self.plan = plan

    def apply(self, command: Command) -> ChangeSet:
        return command.apply(self.plan)

    def revert(self, command: Command) -> ChangeSet:
        return command.revert(self.plan)


class History:
    """A linear undo stack. ``push`` applies; ``undo``/``redo`` walk it; ``is_clean`` compares
    with the index marked by ``set_clean`` (the state last saved or opened)."""

    def __init__(self, target: Target):
        self.target = target
        self._done: list[Command] = []
        self._undone: list[Command] = []
        self._clean: int | None = 0

    def push(self, command: Command) -> ChangeSet:
        cs = self.target.apply(command)
        self._done.append(command)
        if self._clean is not None and self._clean > len(self._done) - 1:
            self._clean = None  # the saved state was in the discarded redo branch
        self._undone.clear()
        return cs

    def undo(self) -> ChangeSet:
        if not self._done:
            return ChangeSet()
        cs = self.target.revert(self._done[-1])  # may raise: then the step stays where it was
        self._undone.append(self._done.pop())
        return cs

    def redo(self) -> ChangeSet:
        if not self._undone:
            return ChangeSet()
        cs = self.target.apply(self._undone[-1])  # may raise: then the step stays where it was
        self._done.append(self._undone.pop())
        return cs

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    def set_clean(self) -> None:
        self._clean = len(self._done)

    @property
    def is_clean(self) -> bool:
        return self._clean == len(self._done)
