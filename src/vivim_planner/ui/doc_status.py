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
    """The status bar's words on the document: ``Numbers 1,234.5`` and, when read-only,
    ``Read-only: <why>; Save As edits a copy``."""
    locale = document.plan.settings.number_locale
    words = f"Numbers {locale} ({'decimal comma' if locale == DECIMAL_COMMA else 'decimal point'})"
    if document.readonly:
        words = f"Read-only: {document.readonly_reason or 'opened read-only'}; Save As edits a copy · {words}"
    return words
