"""Plans from the documents founders already have: a Markdown cost breakdown (:func:`import_markdown`)
or any spreadsheet or CSV with its columns mapped to a grid's fields (:mod:`.spreadsheet`).

No Qt here (the window's preview is ``ui/import_preview.py``). Every import returns the plan it
would create and an :class:`ImportReport` listing each table and list of the source with what
it became, or why it was skipped, at its line number; nothing is dropped silently.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..domain import Plan
from .assemble import ImportOptions, assemble, infer_hours
from .builder import DocumentReader, Milestone
from .classify import milestone_heading
from .money import Money, parse_money
from .report import Entry, ImportReport
from .tree import MAX_BYTES, MAX_COLUMNS, SourceError, blocks, read_text

__all__ = ["DocumentImport", "Entry", "ImportOptions", "ImportReport", "MAX_BYTES", "MAX_COLUMNS", "Money",
           "SourceError", "import_markdown", "import_markdown_text", "infer_hours", "parse_money"]


@dataclass
class DocumentImport:
    """The plan a document makes (not yet written anywhere) and the report of how."""

    plan: Plan
    report: ImportReport


def import_markdown_text(text: str, name: str = "document", options: ImportOptions | None = None) -> DocumentImport:
    """Read Markdown ``text`` (``name`` labels the report) into a new plan.

    Raises :class:`SourceError` only when the text cannot be read at all; anything it cannot
    place is an entry of the report instead.
    """
    options = options or ImportOptions()
    if len(text) > MAX_BYTES:
        raise SourceError(f"{name}: {len(text):,} characters is more than the {MAX_BYTES // 2**20} MiB a cost "
                          f"document can be")
    doc_blocks = blocks(text)
    reader = DocumentReader(name, options.number_locale)
    if not any(b.kind == "heading" and milestone_heading(b.text) for b in doc_blocks):
        title = next((b.text for b in doc_blocks if b.kind == "heading"), "") or Path(name).stem
        reader.current = Milestone("M1", title[:200] or "Plan", 1, 0, placeholder=True)
        reader.milestones.append(reader.current)
        reader.report.notes.append("the document names no milestone, phase or stage: all its lines are milestone M1")
    reader.read(doc_blocks)
    plan = assemble(reader, options)
    return DocumentImport(plan, reader.report)


def import_markdown(path: str | os.PathLike, options: ImportOptions | None = None) -> DocumentImport:
    """Read the Markdown document at ``path`` (at most :data:`MAX_BYTES`, UTF-8) into a new plan.
    Raises :class:`SourceError` for a file that is too large, binary or not UTF-8."""
    return import_markdown_text(read_text(path), Path(path).name, options)
