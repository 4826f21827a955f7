"""The import report: every table, list and heading of a document with what it became, or why
it was skipped, at its line number. Nothing is dropped without an entry."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Entry:
    """One block of the document: ``line`` (1-based), ``what`` (``table "Personnel (3 months)"``),
    ``became`` (``4 team lines of M1 + a stated Personnel Subtotal``) or, when ``skipped``, the
    reason; ``help`` says what a user must add by hand (``""`` when nothing)."""

    line: int
    what: str
    became: str
    skipped: bool = False
    help: str = ""

    def text(self) -> str:
        status = "skipped: " if self.skipped else ""
        extra = f" [needs hand help: {self.help}]" if self.help else ""
        return f"line {self.line}: {self.what} -> {status}{self.became}{extra}"


@dataclass
class ImportReport:
    """What an import did: ``source`` (file name), ``entries`` in document order, ``notes``
    (plan-wide decisions such as the hours per month inferred) and ``counts`` (rows per table)."""

    source: str = ""
    entries: list[Entry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, line: int, what: str, became: str, *, skipped: bool = False, help: str = "") -> Entry:
        entry = Entry(line, what, became, skipped, help)
        self.entries.append(entry)
        return entry

    @property
    def skipped(self) -> list[Entry]:
        return [e for e in self.entries if e.skipped]

    @property
    def needs_help(self) -> list[Entry]:
        return [e for e in self.entries if e.help]

    def lines(self) -> list[str]:
        """The report as text lines: a heading line, the notes, then one line per entry."""
        counts = ", ".join(f"{n:,} {name}" for name, n in self.counts.items() if n)
        out = [f"{self.source}: {counts or 'nothing imported'}"]
        out += [f"  {n}" for n in self.notes]
        out += [e.text() for e in self.entries]
        if self.needs_help:
            out.append(f"{len(self.needs_help)} item(s) need hand help (marked above)")
        return out

    def to_json(self) -> dict:
        return {"source": self.source, "counts": self.counts, "notes": self.notes,
                "entries": [{"line": e.line, "what": e.what, "became": e.became, "skipped": e.skipped,
                             "help": e.help} for e in self.entries]}
