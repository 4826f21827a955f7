"""Read the cells of an .xlsx workbook: values through python-calamine, plus what calamine
cannot tell apart from an empty cell.

calamine returns an error cell (``#REF!``) and a formula saved without its result (a file
written by openpyxl) as ``""``. A short scan of each sheet's XML finds those cells, so the
import can refuse them by address instead of reading them as empty. Nothing read here is
executed or evaluated.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree as ET

import python_calamine

from ..domain import PlanError, text_key
from .limits import (MAX_META_BYTES, MAX_TOTAL_BYTES, PackageError, check_package, check_shared_strings,
                     check_sheet, encrypted_or_legacy, read_part)

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_NS_VT = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}"

_ERROR_CELL = re.compile(rb'<c\b([^>]*\bt="e"[^>]*)>(.*?)</c>', re.S)
_NO_RESULT = re.compile(rb"(?:</f>|<f\b[^>]*/>)\s*(</c>|<v\s*/>|<v></v>)")
_REF = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
_TYPE = re.compile(rb'\bt="([a-zA-Z]+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")


class WorkbookError(PlanError):
    """A workbook that cannot be imported. ``errors`` lists every problem found, one line each,
    as ``Sheet!B7: reason`` (or ``Sheet: reason``, ``file: reason`` when no cell is at fault)."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        shown = self.errors[:20]
        more = len(self.errors) - len(shown)
        text = "\n".join(shown) + (f"\n... and {more} more" if more > 0 else "")
        super().__init__(text)


def column_index(letters: str) -> int:
    """0-based index of a column's letters: A -> 0, AA -> 26."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


@dataclass
class SheetCells:
    """One sheet's values: ``rows[r][c]`` with 0-based row and column from A1 (``""`` for an
    empty cell; float, int, str, bool or a date / time), ``errors`` ((r, c) -> ``#REF!``...) and
    ``unsaved`` ((r, c) of formulas saved without a result)."""

    name: str
    rows: list[list[object]]
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    unsaved: set[tuple[int, int]] = field(default_factory=set)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    """(r, c) -> formula text of the formulas found in the columns asked for (the inputs)."""

    def value(self, r: int, c: int) -> object:
        if r < len(self.rows) and c < len(self.rows[r]):
            return self.rows[r][c]
        return ""


@dataclass
class WorkbookCells:
    """Every sheet of a workbook by name, in workbook order, and its custom document
    properties (name -> text)."""

    sheets: dict[str, SheetCells]
    properties: dict[str, str]


def _xml_parts(zf: zipfile.ZipFile, name: str) -> dict[str, str]:
    """Sheet name -> path of its XML part inside the package."""
    parsed = []
    for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        try:
            parsed.append(ET.fromstring(read_part(zf, part, name, MAX_META_BYTES)))
        except KeyError:
            return {}
        except ET.ParseError as e:  # entity bombs stop here too (expat's amplification limit)
            raise PackageError(name, f"part {part} is not well-formed XML ({e}); a damaged or crafted file") from None
    book, rels = parsed
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG_REL}Relationship")}
    out = {}
    for s in book.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(s.get(f"{_NS_REL}id"), "")
        if not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        out[s.get("name", "")] = os.path.normpath(path).replace(os.sep, "/")
    return out


def _cell_start(xml: bytes, pos: int) -> tuple[int, int, bytes] | None:
    """(row, column, attributes) of the ``<c>`` element that contains byte ``pos``."""
    start = xml.rfind(b"<c ", 0, pos)
    if start < 0:
        return None
    end = xml.find(b">", start)
    attrs = xml[start:end]
    ref = _REF.search(attrs)
    if not ref:
        return None
    return int(ref.group(2)) - 1, column_index(ref.group(1).decode()), attrs


def _scan(xml: bytes, sheet: SheetCells) -> None:
    """Record error cells and formulas without a saved result found in a sheet's XML. Both
    searches start from rare byte patterns (``t="e"``, a formula followed by no value), so a
    sheet of 100,000 ordinary cells is scanned at C speed."""
    if b't="e"' in xml:
        for m in _ERROR_CELL.finditer(xml):
            ref = _REF.search(m.group(1))
            if not ref:
                continue
            v = _VALUE.search(m.group(2))
            code = v.group(1).decode("utf-8", "replace") if v else "#ERROR"
            sheet.errors[(int(ref.group(2)) - 1, column_index(ref.group(1).decode()))] = code
    if b"<f" in xml:
        for m in _NO_RESULT.finditer(xml):
            cell = _cell_start(xml, m.start())
            if cell is None:
                continue
            r, c, attrs = cell
            if m.group(1) == b"<v></v>" and _TYPE.search(attrs):
                continue  # a saved empty text result
            sheet.unsaved.add((r, c))


def _scan_formulas(xml: bytes, sheet: SheetCells, n_columns: int) -> None:
    """Record the formulas of the first ``n_columns`` columns (text; ``""`` for a shared copy)."""
    if b"<f" not in xml:
        return
    from xml.sax.saxutils import unescape

    letters = b"|".join(_letters(i).encode() for i in range(n_columns))
    pattern = re.compile(rb'<c r="(' + letters + rb')([0-9]+)"[^>]*>\s*(?:<f\b[^>]*/>|<f\b[^>]*>([^<]*)</f>)')
    for m in pattern.finditer(xml):
        text = unescape(m.group(3).decode("utf-8", "replace")) if m.group(3) is not None else ""
        sheet.formulas[(int(m.group(2)) - 1, column_index(m.group(1).decode()))] = text


def _letters(c: int) -> str:
    out = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        out = chr(65 + rem) + out
    return out


def _custom_properties(zf: zipfile.ZipFile, name: str) -> dict[str, str]:
    try:
        root = ET.fromstring(read_part(zf, "docProps/custom.xml", name, MAX_META_BYTES))
    except (KeyError, ET.ParseError):
        return {}
    out = {}
    for prop in root:
        name = prop.get("name")
        if name and len(prop):
            out[name] = prop[0].text or ""
    return out


def _wanted_sheets(names: list[str], sheets: set[str] | None, file_name: str) -> dict[str, str]:
    """Workbook sheet name -> the name it is read as. A wanted sheet matches a workbook sheet
    whose name equals it by :func:`text_key` (case, full-width forms and zero-width characters
    aside), exactly once: two candidates (``Team`` and ``TEAM``) are refused."""
    if sheets is None:
        return {n: n for n in names}
    by_key: dict[str, list[str]] = {}
    for n in names:
        by_key.setdefault(text_key(n), []).append(n)
    out, errors = {}, []
    for wanted in sorted(sheets):
        found = by_key.get(text_key(wanted), [])
        if len(found) > 1:
            listed = " and ".join(f'"{n}"' for n in found)
            errors.append(f"{wanted}: the workbook has {len(found)} sheets named {listed}; keep one of them "
                          f"(sheet names are compared without regard to case)")
        elif found:
            out[found[0]] = wanted
    if errors:
        raise WorkbookError(errors)
    return out


def read_workbook(path: str | os.PathLike, sheets: set[str] | None = None,
                  formula_columns: dict[str, int] | None = None) -> WorkbookCells:
    """Read the sheets named in ``sheets`` (all when ``None``) of the .xlsx file ``path``;
    a wanted sheet is found whatever the case of its name (``TEAM`` is read as ``Team``).
    ``formula_columns``: sheet -> n; the formulas in its first n columns are recorded in
    :attr:`SheetCells.formulas` (one C-speed search; an export holds none there).

    Every part is checked against the limits of :mod:`.limits` before python-calamine sees
    the file, so a crafted workbook is refused with a message instead of exhausting memory.
    Raises :class:`WorkbookError` with one line (``book.xlsx: not an Excel workbook ...``,
    ``Team: the sheet has a cell at XFD1048576 ...``) when the file is missing, is no .xlsx
    (zip) package, is encrypted, exceeds a limit or cannot be read.
    """
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise WorkbookError([f"{name}: no such file"])
    try:
        legacy = encrypted_or_legacy(path)
        if legacy:
            raise WorkbookError([f"{name}: {legacy}"])
        if not zipfile.is_zipfile(path):
            raise WorkbookError([f"{name}: not an Excel workbook (.xlsx); save it from Excel or LibreOffice "
                                 f"as an Excel 2007-365 workbook"])
        with zipfile.ZipFile(path) as zf:
            check_package(zf, name, count_only=True)
            if "xl/workbook.xml" not in zf.namelist():
                raise WorkbookError([f"{name}: not an Excel workbook (.xlsx): a zip file without a workbook"])
            parts = _xml_parts(zf, name)
            check_package(zf, name, {p: sheet for sheet, p in parts.items()})
            properties = _custom_properties(zf, name)
            members = set(zf.namelist())
            for meta in ("xl/styles.xml", "[Content_Types].xml"):
                if meta in members:
                    read_part(zf, meta, name, MAX_META_BYTES)
            if "xl/sharedStrings.xml" in members:
                check_shared_strings(read_part(zf, "xl/sharedStrings.xml", name))
            wanted = _wanted_sheets(list(parts), sheets, name)
            total = 0
            sheet_xml: dict[str, bytes] = {}
            for sheet_name, read_as in wanted.items():
                part = parts.get(sheet_name)
                if not part or part not in members:
                    continue
                xml = read_part(zf, part, read_as)
                total += len(xml)
                if total > MAX_TOTAL_BYTES:
                    raise PackageError(read_as, f"the sheets to read inflate to more than {MAX_TOTAL_BYTES:,} bytes")
                check_sheet(xml, read_as)
                sheet_xml[sheet_name] = xml
            book = python_calamine.CalamineWorkbook.from_path(str(path))
            out: dict[str, SheetCells] = {}
            for sheet_name in book.sheet_names:
                if sheet_name not in wanted:
                    continue
                if sheet_name not in sheet_xml:  # not found through the package's relationships
                    raise WorkbookError([f"{wanted[sheet_name]}: the sheet's part cannot be found in the package"])
                data = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
                read_as = wanted[sheet_name]
                cells = SheetCells(read_as, data)
                xml = sheet_xml.pop(sheet_name)
                _scan(xml, cells)
                if formula_columns and formula_columns.get(read_as):
                    _scan_formulas(xml, cells, formula_columns[read_as])
                out[read_as] = cells
    except WorkbookError:
        raise
    except PackageError as e:
        raise WorkbookError([str(e)]) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, KeyError, EOFError, RuntimeError) as e:
        raise WorkbookError([f"{name}: cannot read the workbook ({e})"]) from None
    except BaseException as e:  # noqa: BLE001 - calamine's own errors, and a Rust panic (pyo3's PanicException)
        if isinstance(e, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        if type(e).__module__.startswith(("python_calamine", "pyo3")) or type(e).__name__ == "PanicException":
            raise WorkbookError([f"{name}: cannot read the workbook ({e})"]) from None
        raise
    return WorkbookCells(out, properties)
