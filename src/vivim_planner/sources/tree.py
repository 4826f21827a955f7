"""A founder's Markdown document as a flat list of blocks with line numbers.

The document is parsed by markdown-it-py (CommonMark with the GFM table rule); structure comes
from its tokens, never from regular expressions over the raw text. Each block keeps the line it
starts on (1-based) so the import report can point at it.

Limits (:data:`MAX_BYTES`, :data:`MAX_COLUMNS`, :data:`MAX_NESTING`) bound the time a hostile
file can take; a file beyond them, or one that is not UTF-8 text, raises :class:`SourceError`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt

from ..domain import PlanError

MAX_BYTES = 1024 * 1024
"""Largest document read: 1 MiB, 38 times the largest seed (VIVIM's, 28 KB). markdown-it-py reads
about 100 KB of ordinary Markdown in 0.1 s but pathological emphasis (``*a*a*a...``) at about
0.1 MB/s, so this bounds the worst case near 10 s on one core."""
MAX_COLUMNS = 64
"""Widest table read; a wider one is reported and skipped (no cost table needs more)."""
MAX_NESTING = 20
"""markdown-it's nesting limit (its CommonMark preset's own): deeper lists or quotes are text."""
_CONTROL_SHARE = 0.01  # more than 1% control characters: binary, not a document


class SourceError(PlanError):
    """A document that cannot be read at all (too large, not text): one line saying why."""


@dataclass
class Cell:
    """One table cell's text (inline Markdown removed) and whether it is all bold."""

    text: str
    bold: bool = False


@dataclass
class Row:
    cells: list[str]
    line: int
    bold: bool = False  # the first cell is bold (Subtotal / TOTAL rows)


@dataclass
class Block:
    """A heading, table, list, paragraph, quote, code or HTML block starting at ``line``.

    ``kind`` is ``"heading"`` (``level`` 1-6; a paragraph that is one bold line counts as a
    heading of level 7), ``"table"`` (``header`` and ``rows``), ``"list"`` (``items``: text
    and line of each item), ``"paragraph"``, ``"quote"``, ``"code"`` or ``"html"`` (``text``).
    """

    kind: str
    line: int
    text: str = ""
    level: int = 0
    header: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    items: list[tuple[str, int]] = field(default_factory=list)
    columns: int = 0


MAX_INLINE_CHARS = 200_000
"""Inline Markdown (bold, code spans) is parsed for the first 200,000 characters of headings, cells,
list items and paragraphs (seven times the VIVIM seed); beyond that their text is taken as written
with ``**`` removed, so pathological emphasis (``*a*a*a...``) cannot take more than about 2 s."""


class _Inline:
    """Inline parsing on demand, within :data:`MAX_INLINE_CHARS` for one document."""

    def __init__(self, md: MarkdownIt):
        self.md, self.env, self.left = md, {}, MAX_INLINE_CHARS

    def text(self, token) -> tuple[str, bool]:  # noqa: ANN001 - markdown-it Token
        """Plain text of an inline token and whether all of its text is bold."""
        content = token.content
        if self.left < len(content):
            raw = content.strip()
            bold = raw.startswith("**") and raw.endswith("**") and len(raw) > 4
            return raw.replace("**", "").strip(), bold
        self.left -= len(content)
        children: list = []
        self.md.inline.parse(content, self.md, self.env, children)
        parts: list[str] = []
        bold_depth, plain_chars, strong = 0, 0, False
        for child in children:
            t = child.type
            if t == "strong_open":
                bold_depth += 1
                strong = True
            elif t == "strong_close":
                bold_depth -= 1
            elif t in ("text", "code_inline", "html_inline"):
                parts.append(child.content)
                if not bold_depth and child.content.strip():
                    plain_chars += 1
            elif t in ("softbreak", "hardbreak"):
                parts.append("\n")
        text = "".join(parts).strip()
        return text, bool(text) and plain_chars == 0 and strong


def read_text(path: str | os.PathLike) -> str:
    """The document's text. Raises :class:`SourceError` for a file over :data:`MAX_BYTES`,
    one that is not UTF-8, or binary data (NUL bytes, control characters) renamed ``.md``."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise SourceError(f"{p.name}: {size / 1e6:,.1f} MB is more than the {MAX_BYTES // 2**20} MiB a cost "
                              f"document can be (the file is not read); split it or keep the cost sections only")
        data = p.read_bytes()
    except OSError as e:
        raise SourceError(f"{p.name}: cannot read ({e.strerror or e})") from None
    return decode(data, p.name)


def decode(data: bytes, name: str = "document") -> str:
    """UTF-8 text of ``data`` (a BOM is dropped). Raises :class:`SourceError` naming the line
    of the first byte that is not text."""
    if len(data) > MAX_BYTES:
        raise SourceError(f"{name}: {len(data) / 1e6:,.1f} MB is more than the {MAX_BYTES // 2**20} MiB a cost "
                          f"document can be")
    nul = data.find(b"\0")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise SourceError(f"{name}: line {line}: binary data (a NUL byte), not a Markdown document")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise SourceError(f"{name}: line {line}: not UTF-8 text (byte 0x{data[e.start]:02X}); "
                          f"save the document as UTF-8") from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if text and controls > _CONTROL_SHARE * len(text):
        raise SourceError(f"{name}: {controls:,} control characters: binary data, not a Markdown document")
    return text


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING})
    md.enable("table")
    # links, images, autolinks, entities and inline HTML carry no cost structure; left as text they
    # cannot cost the quadratic-looking time "[[[[..." takes the link rule
    md.disable(["link", "image", "autolink", "entity", "html_inline"], ignoreInvalid=True)
    md.disable("inline")  # inline tokens are parsed on demand, within MAX_INLINE_CHARS (_Inline)
    return md


_MD = None


def _cut_wide_rows(text: str) -> tuple[str, dict[int, int]]:
    """The text with every line of more than ``4 × MAX_COLUMNS`` cells cut after its first
    ``MAX_COLUMNS + 1`` (so markdown-it's table rule, pure Python, never walks 10,000 columns),
    and line -> its cell count for the lines cut. Line numbers are kept."""
    limit = 4 * MAX_COLUMNS
    if text.count("|") <= limit:
        return text, {}
    lines = text.split("\n")
    wide: dict[int, int] = {}
    for k, ln in enumerate(lines):
        if ln.count("|") > limit:
            stripped = ln.strip()
            cells = stripped.count("|") + 1 - stripped.startswith("|") - stripped.endswith("|")
            wide[k + 1] = cells
            parts = ln.split("|", MAX_COLUMNS + 2)
            lines[k] = "|".join(parts[:MAX_COLUMNS + 2]) + "|"
    return "\n".join(lines), wide


def blocks(text: str) -> list[Block]:
    """The document's blocks in order. Tables wider than :data:`MAX_COLUMNS` keep only their
    column count (``columns``) so the report can name them."""
    global _MD
    if _MD is None:
        _MD = _parser()
    text, wide = _cut_wide_rows(text)
    tokens = _MD.parse(text)
    inline = _Inline(_MD)
    _inline_text = inline.text
    out: list[Block] = []
    i, n = 0, len(tokens)
    list_depth, quote_depth = 0, 0
    current_list: Block | None = None
    while i < n:
        tok = tokens[i]
        t = tok.type
        line = (tok.map[0] + 1) if tok.map else (out[-1].line if out else 1)
        if t == "heading_open":
            text_, _ = _inline_text(tokens[i + 1])
            out.append(Block("heading", line, text_, level=int(tok.tag[1])))
            i += 3
            continue
        if t == "table_open":
            j = i + 1
            header: list[str] = []
            rows: list[Row] = []
            cells: list[str] = []
            bold_first = False
            row_line = line
            while j < n and tokens[j].type != "table_close":
                tj = tokens[j]
                if tj.type == "tr_open":
                    cells, bold_first = [], False
                    row_line = tj.map[0] + 1 if tj.map else row_line
                elif tj.type == "inline" and len(cells) >= MAX_COLUMNS + 1:
                    cells.append("")  # a table too wide to read: only its columns are counted
                elif tj.type == "inline":
                    cell_text, bold = _inline_text(tj)
                    if not cells:
                        bold_first = bold
                    cells.append(cell_text)
                elif tj.type == "tr_close":
                    if not header:
                        header = cells
                    else:
                        rows.append(Row(cells, row_line, bold_first))
                j += 1
            block = Block("table", line, columns=wide.get(line, len(header)))
            if len(header) <= MAX_COLUMNS:
                block.header, block.rows = header, rows
            out.append(block)
            i = j + 1
            continue
        if t in ("bullet_list_open", "ordered_list_open"):
            if list_depth == 0:
                current_list = Block("list", line)
                out.append(current_list)
            list_depth += 1
        elif t in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
            if list_depth == 0:
                current_list = None
        elif t == "blockquote_open":
            quote_depth += 1
            if quote_depth == 1:
                out.append(Block("quote", line))
        elif t == "blockquote_close":
            quote_depth -= 1
        elif t == "inline" and current_list is not None:
            text_, _ = _inline_text(tok)
            current_list.items.append((text_, line))
        elif t == "inline" and quote_depth:
            text_, _ = _inline_text(tok)
            q = next(b for b in reversed(out) if b.kind == "quote")
            q.text = (q.text + "\n" + text_).strip()
        elif t == "inline":
            text_, bold = _inline_text(tok)
            out.append(Block("heading" if bold and "\n" not in text_ else "paragraph", line, text_,
                             level=7 if bold else 0))
        elif t in ("fence", "code_block"):
            out.append(Block("code", line, tok.content))
        elif t == "html_block":
            out.append(Block("html", line, tok.content[:200]))
        i += 1
    return out
