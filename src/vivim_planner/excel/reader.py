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

from ..domain import PlanError

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


def _xml_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML part inside the package."""
    try:
        book = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError):
        return {}
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


def _custom_properties(zf: zipfile.ZipFile) -> dict[str, str]:
    try:
        root = ET.fromstring(zf.read("docProps/custom.xml"))
    except (KeyError, ET.ParseError):
        return {}
    out = {}
    for prop in root:
        name = prop.get("name")
        if name and len(prop):
            out[name] = prop[0].text or ""
    return out


def read_workbook(path: str | os.PathLike, sheets: set[str] | None = None) -> WorkbookCells:
    """Read the sheets named in ``sheets`` (all when ``None``) of the .xlsx file ``path``.

    Raises :class:`WorkbookError` with one line (``book.xlsx: not an Excel workbook ...``) when
    the file is missing, is no .xlsx (zip) package or cannot be read.
    """
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise WorkbookError([f"{name}: no such file"])
    if not zipfile.is_zipfile(path):
        raise WorkbookError([f"{name}: not an Excel workbook (.xlsx); save it from Excel or LibreOffice "
                             f"as an Excel 2007-365 workbook"])
    try:
        with zipfile.ZipFile(path) as zf:
            if "xl/workbook.xml" not in zf.namelist():
                raise WorkbookError([f"{name}: not an Excel workbook (.xlsx): a zip file without a workbook"])
            parts = _xml_parts(zf)
            properties = _custom_properties(zf)
            book = python_calamine.CalamineWorkbook.from_path(str(path))
            out: dict[str, SheetCells] = {}
            for sheet_name in book.sheet_names:
                if sheets is not None and sheet_name not in sheets:
                    continue
                data = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
                cells = SheetCells(sheet_name, data)
                part = parts.get(sheet_name)
                if part and part in zf.namelist():
                    _scan(zf.read(part), cells)
                out[sheet_name] = cells
    except WorkbookError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise WorkbookError([f"{name}: cannot read the workbook ({e})"]) from None
    except Exception as e:  # noqa: BLE001 - calamine's own errors (CalamineError, XmlError, ZipError...)
        if type(e).__module__.startswith("python_calamine"):
            raise WorkbookError([f"{name}: cannot read the workbook ({e})"]) from None
        raise
    return WorkbookCells(out, properties)
