"""What the title and the status bar say about the open document beyond its figures: that it
is read-only and why, and how the plan writes numbers (its number locale)."""

from __future__ import annotations

from PySide6.QtCore import QLocale

from ..domain import DECIMAL_COMMA, number_locale_of


def system_number_locale() -> str:
    """The number locale of a new plan: decimal comma where the system's locale writes one
    (German, French...), else decimal point."""
    return number_locale_of(QLocale.system().decimalPoint())


def title_mark(document) -> str:  # noqa: ANN001 - PlanDocument
    """`` [read-only]`` for a document that refuses edits, else ``""``."""
    return " [read-only]" if document.readonly else ""


def status_words(document) -> str:  # noqa: ANN001 - PlanDocument
    """The status bar's short words on the document: ``Numbers 1,234.5``, after ``Read-only``
    when it refuses edits (:func:`read_only_reason` says why, in the tooltip and a message)."""
    words = f"Numbers {document.plan.settings.number_locale}"
    return f"Read-only · {words}" if document.readonly else words


def status_tip(document) -> str:  # noqa: ANN001 - PlanDocument
    """The tooltip of those words: the number format in full and why the plan is read-only."""
    locale = document.plan.settings.number_locale
    tip = f"Numbers are written {locale} ({'decimal comma' if locale == DECIMAL_COMMA else 'decimal point'}); " \
          f"the Summary tab's number format changes that"
    reason = read_only_reason(document)
    return f"{reason}\n{tip}" if reason else tip


def read_only_reason(document) -> str | None:  # noqa: ANN001 - PlanDocument
    """``Read-only: <why>; File > Save As edits a copy``, or ``None`` for an editable plan."""
    if not document.readonly:
        return None
    return f"Read-only: {document.readonly_reason or 'opened read-only'}; File > Save As edits a copy"
