"""Errors raised by the domain layer."""

from __future__ import annotations


class PlanError(Exception):
    """Base class of every error the planner reports to a user."""


class FieldError(PlanError):
    """A value is not acceptable for a field.

    ``reason`` says why in words a founder understands, without the location;
    callers that know the location wrap it in a :class:`CellError`.
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class CellError(PlanError):
    """A value refused at a known place, e.g. ``Team!D7: FTE must be between 0 and 10, got "abc"``.

    Attributes: ``sheet`` (grid / sheet name), ``cell`` (A1 address or ``""``),
    ``reason`` (the sentence without the location).
    """

    def __init__(self, sheet: str, cell: str, reason: str):
        self.sheet, self.cell, self.reason = sheet, cell, reason
        where = f"{sheet}!{cell}" if cell else sheet
        super().__init__(f"{where}: {reason}")

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet
