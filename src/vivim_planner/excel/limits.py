"""Bounded reading of an .xlsx package, before any library allocates for it.

python-calamine (Rust) aborts the whole process when an allocation fails: a sheet whose cells
span ``A1:XFD1048576`` asks for 512 GiB, a ``sharedStrings`` part that declares 4,294,967,295
strings reserves them, and a zip bomb inflates to whatever it likes. So every part the import
reads is checked here first, with Python's zipfile and plain byte searches, against limits
that fit the largest real plan (a million team lines must still import):

- the package: at most :data:`MAX_ENTRIES` parts, each at most :data:`MAX_PART_BYTES`
  uncompressed, together at most :data:`MAX_TOTAL_BYTES`, and no part inflating more than
  :data:`MAX_RATIO` times its compressed size (a part is read only up to the size it declares:
  one holding more is refused);
- a sheet: its declared ``<dimension>`` and the cells it really holds fit in
  :data:`MAX_SHEET_CELLS` counted from ``A1`` (the rectangle calamine and the import fill),
  in at most :data:`MAX_ROWS` rows and :data:`MAX_COLUMNS` columns;
- the shared strings: no more declared (``uniqueCount``, which calamine reserves memory for)
  than the part's bytes can hold.

Each refusal is a :class:`WorkbookError` line ``Team: reason`` (or ``book.xlsx: reason``).
An encrypted workbook (an OLE2 file holding an ``EncryptedPackage``) is recognised and told to
be saved without a password.
"""

from __future__ import annotations

import copy
import re
import zipfile
from pathlib import Path

MAX_ENTRIES = 10_000
"""Parts in one package; an exported plan has about 40 (one per sheet, styles, properties)."""
MAX_PART_BYTES = 1 << 30
"""1 GiB uncompressed for one part: the Team sheet of a million team lines, as the planner
exports it, is about 780 MB (20,000 lines: 15.5 MB, measured with benchmarks/synthetic.py)."""
MAX_TOTAL_BYTES = 2 << 30
"""2 GiB uncompressed for all the parts an import reads together."""
MAX_RATIO = 100
"""Uncompressed / compressed size of a part above 1 MiB (Apache POI's zip-bomb limit; the
planner's own exports inflate 6 to 10 times, a zip bomb about 1,000 times)."""
RATIO_FLOOR_BYTES = 1 << 20
MAX_ROWS = 1_048_576
"""Rows of a sheet: Excel's own limit, so a million plan lines fit."""
MAX_COLUMNS = 16_384
"""Columns of a sheet: Excel's own limit (XFD)."""
MAX_SHEET_CELLS = 1 << 24
"""16,777,216 cells from A1 to the last used cell: a million rows of the widest exported sheet
(Build costs, 14 columns) with two columns of the user's own to spare. calamine keeps 32 bytes
per cell of that rectangle, so this bounds a sheet to about 512 MiB."""
MAX_META_BYTES = 64 << 20
"""64 MiB for the workbook, relationship, property and style parts (an export's are < 100 KB)."""
MIN_STRING_BYTES = 5
"""Bytes of the shortest shared string element, ``<si/>``: a part of n bytes holds at most
n / 5 strings, whatever its ``count`` and ``uniqueCount`` say."""

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# a cell or row reference attribute: r="B7" (cells) or r="7" (rows), quoted either way
_REF_ATTR = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]*)([0-9]+)["']""")
_DIMENSION = re.compile(rb"""<(?:\w+:)?dimension\b[^>]*\bref\s*=\s*["']([^"']*)["']""")
_A1 = re.compile(r"^\$?([A-Za-z]{1,4})\$?([0-9]{1,10})$")
_SST = re.compile(rb"<(?:\w+:)?sst\b[^>]*>")
_COUNT_ATTR = re.compile(rb"""\b(uniqueCount)\s*=\s*["']([0-9]+)["']""")  # ``count`` counts uses, not strings


class PackageError(Exception):
    """A package refused by a limit; ``where`` is the sheet name or the file name."""

    def __init__(self, where: str, reason: str):
        super().__init__(f"{where}: {reason}")
        self.where, self.reason = where, reason


def column_number(letters: str) -> int:
    """1-based number of column letters: A -> 1, XFD -> 16384."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def column_name(number: int) -> str:
    """Letters of a 1-based column number: 1 -> A, 16384 -> XFD."""
    letters = ""
    while number:
        number, rem = divmod(number - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def encrypted_or_legacy(path: Path) -> str | None:
    """Why an OLE2 file (what Excel writes for a password-protected workbook, and for the old
    .xls format) cannot be imported, or ``None`` when ``path`` is not one."""
    with open(path, "rb") as fh:
        if fh.read(8) != OLE_MAGIC:
            return None
    try:
        import olefile

        with olefile.OleFileIO(str(path)) as ole:
            if ole.exists("EncryptedPackage") or ole.exists("EncryptionInfo"):
                return ("the workbook is protected with a password (encrypted); open it in Excel or "
                        "LibreOffice and save it without a password (Excel: File > Info > Protect Workbook > "
                        "Encrypt with Password, clear the password), then import that copy")
    except Exception:  # noqa: BLE001 - a damaged OLE file: say what it looks like
        pass
    return ("an Excel 97-2003 workbook (.xls) or another Office file, not an .xlsx; save it from Excel or "
            "LibreOffice as an Excel 2007-365 workbook (.xlsx)")


def check_package(zf: zipfile.ZipFile, name: str, sheet_of: dict[str, str] | None = None,
                  count_only: bool = False) -> None:
    """Refuse a package with too many parts, a part too large or a part that inflates like a
    zip bomb (by what its directory declares); ``sheet_of`` (part -> sheet name) names the
    sheet at fault instead of the file. Raises :class:`PackageError`."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise PackageError(name, f"the file holds {len(infos):,} parts, more than the {MAX_ENTRIES:,} "
                                 f"a workbook can have; it is not an Excel workbook")
    if count_only:
        return
    for info in infos:
        where = (sheet_of or {}).get(info.filename, name)
        if info.flag_bits & 0x1:
            raise PackageError(where, f"part {info.filename} is encrypted; save the workbook without a password")
        _check_sizes(info, where)


def _check_sizes(info: zipfile.ZipInfo, where: str) -> None:
    if info.file_size > MAX_PART_BYTES:
        raise PackageError(where, f"part {info.filename} would inflate to {info.file_size:,} bytes, more than "
                                  f"the {MAX_PART_BYTES:,} a plan's largest sheet needs")
    if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        ratio = info.file_size / max(info.compress_size, 1)
        raise PackageError(where, f"part {info.filename} inflates {ratio:,.0f} times its compressed size "
                                  f"(more than {MAX_RATIO}): a zip bomb, not a workbook")


def read_part(zf: zipfile.ZipFile, part: str, where: str, limit: int = MAX_PART_BYTES) -> bytes:
    """The bytes of one part, read at most to the size its directory entry declares (and to
    ``limit``): a part whose data inflates past that, or whose checksum fails, is refused.
    Raises :class:`PackageError`, ``KeyError`` for a missing part."""
    info = zf.getinfo(part)
    _check_sizes(info, where)
    if info.file_size > limit:
        raise PackageError(where, f"part {part} is {info.file_size:,} bytes, more than the {limit:,} it may have")
    probe = copy.copy(info)
    probe.file_size = info.file_size + 1  # read one byte more than declared, to see whether there is one
    chunks, total = [], 0
    try:
        with zf.open(probe) as fh:
            while True:
                chunk = fh.read(1 << 20)
                if not chunk:
                    break
                total += len(chunk)
                if total > info.file_size:
                    raise PackageError(where, f"part {part} holds more data than the {info.file_size:,} bytes it "
                                              f"declares (a zip bomb or a damaged file)")
                chunks.append(chunk)
    except zipfile.BadZipFile as e:
        if total == info.file_size:  # zipfile checks the CRC of what it read, the declared size here
            pass
        else:
            raise PackageError(where, f"part {part} is damaged ({e})") from None
    data = b"".join(chunks)
    if len(data) != info.file_size:
        raise PackageError(where, f"part {part} holds {len(data):,} bytes but declares {info.file_size:,} "
                                  f"(a damaged file)")
    if zipfile.crc32(data) != info.CRC:
        raise PackageError(where, f"part {part} is damaged (checksum mismatch)")
    return data


def check_sheet(xml: bytes, sheet: str) -> None:
    """Refuse a sheet whose declared dimension or real extent (the rectangle from A1 to its
    last row and column) exceeds the limits. Raises :class:`PackageError` naming ``sheet``."""
    m = _DIMENSION.search(xml[:4096]) or _DIMENSION.search(xml)
    if m:
        ref = m.group(1).decode("ascii", "replace")
        last = ref.split(":")[-1]
        a1 = _A1.match(last.strip())
        if a1:
            _check_extent(sheet, column_number(a1.group(1)), int(a1.group(2)), f"declares its used range as {ref}")
    if _canonical(xml):
        max_col, max_row = _fast_extent(xml)
    else:  # references written in an unusual way: read every one (slower, exact)
        max_col, max_row = _exact_extent(xml)
    if max_row or max_col:
        _check_extent(sheet, max(max_col, 1), max(max_row, 1),
                      f"has a cell at {column_name(max(max_col, 1))}{max(max_row, 1)}")


def _canonical(xml: bytes) -> bool:
    """True when every reference attribute is written ``␠r="..."`` (as Excel, LibreOffice,
    XlsxWriter and openpyxl write them), so literal byte searches find them all."""
    if re.search(rb"r\s+=|r=\s|r='", xml):
        return False
    return not any(xml.count(ws + b'r="') for ws in (b"\t", b"\n", b"\r"))


def _exact_extent(xml: bytes) -> tuple[int, int]:
    """(last column, last row) from every reference, counting cells and rows that leave their
    reference out (each follows the one before, so it can push the extent one further)."""
    max_row = max_col = 0
    cell_refs = row_refs = 0
    for m in _REF_ATTR.finditer(xml):
        letters, row = m.group(1), int(m.group(2))
        if letters:
            cell_refs += 1
            max_col = max(max_col, column_number(letters.decode("ascii")))
        else:
            row_refs += 1
        max_row = max(max_row, row)
    max_col += max(0, _count_elements(xml, b"c") - cell_refs)
    max_row += max(0, _count_elements(xml, b"row") - row_refs)
    return max_col, max_row


def _fast_extent(xml: bytes) -> tuple[int, int]:
    """:func:`_exact_extent` for a canonical sheet by a few C-speed searches: the last column
    from the longest column letters present, the last row from the row elements, then one
    search for a cell whose row lies past it (which falls back to the exact count)."""
    max_col = 0
    for n in (b"4,", b"3", b"2"):  # four letters or more, three, two
        if re.search(rb' r="[A-Za-z]{%s}[0-9]' % n, xml):
            max_col = max(column_number(m.decode("ascii"))
                          for m in re.findall(rb' r="([A-Za-z]{%s})[0-9]' % n, xml))
            break
    else:
        lo, hi = 0, 25  # the last single letter, by bisection
        if not re.search(rb' r="[A-Za-z][0-9]', xml):
            hi = -1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if re.search(rb' r="[' + bytes([65 + mid]) + rb"-Z" + bytes([97 + mid]) + rb'-z][0-9]', xml):
                lo = mid
            else:
                hi = mid - 1
        max_col = hi + 1
    rows = re.findall(rb'row r="([0-9]+)"', xml)
    max_row = max(map(int, rows), default=0)
    if re.search(rb' r="[A-Za-z]+0*(?:' + _greater_than(max_row) + rb')"', xml):
        return _exact_extent(xml)  # a cell below the last row element
    cells = sum(xml.count(t) for t in (b"<c ", b"<c>", b"<c/"))
    cells_with_refs = xml.count(b'<c r="')
    row_elements = sum(xml.count(t) for t in (b"<row ", b"<row>", b"<row/"))
    if b":c " in xml or b":c>" in xml or b":row" in xml:  # prefixed elements: count them exactly
        return _exact_extent(xml)
    max_col += max(0, cells - cells_with_refs)
    max_row += max(0, row_elements - len(rows))
    return max_col, max_row


def _greater_than(n: int) -> bytes:
    """A regex of the decimal numbers (without leading zeros) greater than ``n``."""
    digits = str(n)
    alternatives = [rb"[1-9][0-9]{%d,}" % len(digits)]  # more digits
    for i, d in enumerate(digits):
        if d != "9":
            head = digits[:i].encode()
            if i == 0:
                alternatives.append(head + rb"[%d-9][0-9]{%d}" % (max(int(d) + 1, 1), len(digits) - 1))
            else:
                alternatives.append(head + rb"[%d-9][0-9]{%d}" % (int(d) + 1, len(digits) - i - 1))
    return b"|".join(alternatives)


def _count_elements(xml: bytes, tag: bytes) -> int:
    """Start tags ``<tag>`` / ``<tag ...>`` / ``<tag/>``, also with a namespace prefix."""
    n = sum(xml.count(b"<" + tag + end) for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))
    if b":" + tag in xml:
        n += len(re.findall(rb"<[A-Za-z_][\w.-]*:" + tag + rb"[\s/>]", xml))
    return n


def _check_extent(sheet: str, columns: int, rows: int, what: str) -> None:
    if rows > MAX_ROWS:
        raise PackageError(sheet, f"the sheet {what}: row {rows:,} is past Excel's last row ({MAX_ROWS:,})")
    if columns > MAX_COLUMNS:
        raise PackageError(sheet, f"the sheet {what}: column {columns:,} is past Excel's last column (XFD)")
    if rows * columns > MAX_SHEET_CELLS:
        raise PackageError(sheet, f"the sheet {what}, {rows:,} rows x {columns:,} columns = {rows * columns:,} "
                                  f"cells, more than the {MAX_SHEET_CELLS:,} a plan's sheet can need; delete "
                                  f"what lies outside the plan's table")


def check_shared_strings(xml: bytes) -> None:
    """Refuse a shared-string part that declares more strings than its bytes can hold
    (calamine reserves memory for the declared number first). Raises :class:`PackageError`."""
    head = _SST.search(xml[:4096])
    if not head:
        return
    most = len(xml) // MIN_STRING_BYTES
    for attr, value in _COUNT_ATTR.findall(head.group(0)):
        n = int(value)
        if n > most:
            raise PackageError("Shared strings", f"the workbook declares {n:,} shared strings ({attr.decode()}) "
                                                 f"but its {len(xml):,} bytes hold at most {most:,}; a damaged or "
                                                 f"crafted file")
