"""Hostile workbooks and tampered plan files, built at test time from the samples.

Each case is ``(name, build, where)``: ``build(out_path)`` writes the file, ``where`` is the
text the refusal must hold (the sheet and cell, the part, the table or trigger at fault).
Used by ``test_hostile_files.py``; nothing here imports Qt.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import struct
import zipfile
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

from vivim_planner.excel import export_workbook
from vivim_planner.excel.reader import _xml_parts
from vivim_planner.storage import PlanDocument
from vivim_planner.storage.schema import SCHEMA_VERSION

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_models" / "vivim.vivim"

Case = tuple[str, Callable[[Path], None], str]


def export_sample(path: Path) -> Path:
    """The VIVIM sample as the planner exports it."""
    doc = PlanDocument.open(SAMPLE, readonly=True)
    try:
        export_workbook(doc.plan, path)
    finally:
        doc.close()
    return path


# -- workbook surgery -------------------------------------------------------------------------

def rewrite(src: Path, dst: Path, replace: dict[str, bytes | None] | None = None,
            add: dict[str, bytes] | None = None) -> None:
    """Copy the package ``src`` to ``dst`` with parts replaced (None: removed) or added."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in replace:
                data = replace[info.filename]
                if data is not None:
                    zout.writestr(info.filename, data)
            else:
                zout.writestr(info, zin.read(info.filename))
        for name, data in add.items():
            zout.writestr(name, data)


def part(src: Path, sheet: str) -> str:
    with zipfile.ZipFile(src) as zf:
        return _xml_parts(zf, src.name)[sheet]


def read(src: Path, name: str) -> bytes:
    with zipfile.ZipFile(src) as zf:
        return zf.read(name)


def set_cell(xml: bytes, ref: str, text: str | None = None, number: str | None = None) -> bytes:
    """The sheet XML with cell ``ref`` replaced by an inline string or a number."""
    if text is not None:
        cell = f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'.encode()
    else:
        cell = f'<c r="{ref}"><v>{number}</v></c>'.encode()
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"(?:[^>]*/>|[^>]*>.*?</c>)', re.S)
    new, n = pattern.subn(cell, xml, count=1)
    if not n:  # an empty cell: add it to its row
        row = re.sub(r"[A-Z]+", "", ref).encode()
        new = re.sub(rb'(<row r="' + row + rb'"[^>]*>)', lambda m: m.group(1) + cell, xml, count=1)
    return new


def with_cell(src: Path, sheet: str, ref: str, text: str | None = None, number: str | None = None):  # noqa: ANN201
    def build(out: Path) -> None:
        p = part(src, sheet)
        rewrite(src, out, {p: set_cell(read(src, p), ref, text, number)})
    return build


def with_sheet_xml(src: Path, sheet: str, edit: Callable[[bytes], bytes]):  # noqa: ANN201
    def build(out: Path) -> None:
        p = part(src, sheet)
        rewrite(src, out, {p: edit(read(src, p))})
    return build


def _append_cell(cell: bytes) -> Callable[[bytes], bytes]:
    return lambda xml: xml.replace(b"</sheetData>", b'<row r="1048576">' + cell + b"</row></sheetData>")


def _patch_sizes(path: Path, member: str, size: int | None = None, flag: int | None = None) -> None:
    """Overwrite what the local and central headers of ``member`` declare (a lying header)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    local = info.header_offset
    name = member.encode()
    central = data.rfind(b"PK\x01\x02", 0)
    while central >= 0:
        n = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46: central + 46 + n]) == name:
            break
        central = data.rfind(b"PK\x01\x02", 0, central)
    if size is not None:
        struct.pack_into("<I", data, local + 22, size)
        struct.pack_into("<I", data, central + 24, size)
    if flag is not None:
        struct.pack_into("<H", data, local + 6, flag)
        struct.pack_into("<H", data, central + 8, flag)
    path.write_bytes(bytes(data))


def _bomb(src: Path, sheet: str, inflated: int, lie: int | None = None):  # noqa: ANN201
    """The sheet padded with ``inflated`` bytes of white space (deflate shrinks it ~1000x);
    ``lie``: the size its headers declare instead."""
    def build(out: Path) -> None:
        p = part(src, sheet)
        xml = read(src, p)
        head, tail = xml.split(b"</sheetData>", 1)
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                if info.filename != p:
                    zout.writestr(info, zin.read(info.filename))
                    continue
                with zout.open(p, "w", force_zip64=True) as fh:
                    fh.write(head)
                    chunk = b" " * (1 << 20)
                    for _ in range(inflated // len(chunk)):
                        fh.write(chunk)
                    fh.write(b"</sheetData>" + tail)
        if lie is not None:
            _patch_sizes(out, p, size=lie)
    return build


def _encrypted(src: Path):  # noqa: ANN201
    def build(out: Path) -> None:
        import msoffcrypto.format.ooxml as ooxml

        with open(src, "rb") as fin, open(out, "wb") as fout:
            ooxml.OOXMLFile(fin).encrypt("secret", fout)
    return build


def _many_parts(src: Path):  # noqa: ANN201
    return lambda out: rewrite(src, out, add={f"xl/extra/p{i}.xml": b"" for i in range(10_001)})


def _shared_strings(src: Path, attr: bytes, value: bytes):  # noqa: ANN201
    def build(out: Path) -> None:
        xml = read(src, "xl/sharedStrings.xml")
        xml = re.sub(rb'\b' + attr + rb'="\d+"', attr + b'="' + value + b'"', xml, count=1)
        rewrite(src, out, {"xl/sharedStrings.xml": xml})
    return build


def _rename_sheet(src: Path, old: str, new: str, keep_old: bool = False):  # noqa: ANN201
    """Rename a sheet, or (``keep_old``) add a second sheet named ``new`` over the same part."""
    def build(out: Path) -> None:
        book = read(src, "xl/workbook.xml")
        if keep_old:
            m = re.search(rb'<sheet name="' + old.encode() + rb'" sheetId="\d+" r:id="(rId\d+)"/>', book)
            extra = b'<sheet name="' + new.encode() + b'" sheetId="999" r:id="' + m.group(1) + b'"/>'
            book = book.replace(b"</sheets>", extra + b"</sheets>")
        else:
            book = book.replace(b'name="' + old.encode() + b'"', b'name="' + new.encode() + b'"')
        rewrite(src, out, {"xl/workbook.xml": book})
    return build


def _truncated(src: Path, keep: float):  # noqa: ANN201
    return lambda out: out.write_bytes(src.read_bytes()[: int(src.stat().st_size * keep)])


def _damaged_crc(src: Path):  # noqa: ANN201
    def build(out: Path) -> None:
        shutil.copy(src, out)
        p = part(src, "Team")
        with zipfile.ZipFile(out) as zf:
            info = zf.getinfo(p)
        data = bytearray(out.read_bytes())
        central = data.find(b"PK\x01\x02" + data[info.header_offset + 4: info.header_offset + 6])
        # flip the CRC in the local header and in every central entry naming the part
        struct.pack_into("<I", data, info.header_offset + 14, info.CRC ^ 0xFFFF)
        pos = 0
        while (pos := data.find(b"PK\x01\x02", pos)) >= 0:
            n = struct.unpack_from("<H", data, pos + 28)[0]
            if bytes(data[pos + 46: pos + 46 + n]) == p.encode():
                struct.pack_into("<I", data, pos + 16, info.CRC ^ 0xFFFF)
            pos += 4
        del central
        out.write_bytes(bytes(data))
    return build


def _billion_laughs(src: Path):  # noqa: ANN201
    def build(out: Path) -> None:
        book = read(src, "xl/workbook.xml")
        dtd = b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">' + b"".join(
            b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&" + bytes([97 + i]) + b";") * 10) for i in range(9)) + b"]>"
        book = book.replace(b"?>", b"?>" + dtd, 1).replace(b'name="Plan"', b'name="&j;"', 1)
        rewrite(src, out, {"xl/workbook.xml": book})
    return build


def workbook_cases(src: Path) -> list[Case]:
    """At least 40 hostile workbooks derived from ``src`` (an export of the VIVIM sample)."""
    name = "hostile.xlsx"
    cases: list[Case] = [
        ("value at XFD1048576", with_sheet_xml(src, "Team", _append_cell(b'<c r="XFD1048576"><v>1</v></c>')), "Team:"),
        ("declared dimension A1:XFD1048576", with_sheet_xml(
            src, "Team", lambda x: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', x, count=1)),
         "Team:"),
        ("dimension past Excel's columns", with_sheet_xml(
            src, "Team", lambda x: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:ZZZZ9"/>', x, count=1)), "Team:"),
        ("row past Excel's rows", with_sheet_xml(
            src, "Team", lambda x: x.replace(b"</sheetData>", b'<row r="99999999"><c r="A99999999"><v>1</v></c></row></sheetData>')),
         "Team:"),
        ("single-quoted far reference", with_sheet_xml(src, "Team", _append_cell(b"<c r='XFD1048576'><v>1</v></c>")), "Team:"),
        ("prefixed far reference", with_sheet_xml(
            src, "Team", lambda x: x.replace(b"</sheetData>", b'<x:row r="1048576"><x:c r="XFC1048576"><x:v>1</x:v></x:c></x:row></sheetData>')),
         "Team:"),
        ("cells without references far right", with_sheet_xml(
            src, "Team", _append_cell(b"<c><v>1</v></c>" * 17_000)), "Team:"),
        ("rows without references far down", with_sheet_xml(
            src, "Team", lambda x: x.replace(b"</sheetData>", b"<row><c><v>1</v></c></row>" * 2 + b'<row r="1048570"><c r="Z1048570"><v>1</v></c></row></sheetData>')),
         "Team:"),
        ("five-letter column", with_sheet_xml(src, "Team", _append_cell(b'<c r="AAAAA1048576"><v>1</v></c>')), "Team:"),
        ("cell below its row element", with_sheet_xml(
            src, "Team", lambda x: x.replace(b'<row r="2" ', b'<row r="2" ><c r="L1048576"><v>1</v></c><x ', 1)
            .replace(b"<x ", b"<row ", 1).replace(b'<row r="2" ><c r="L1048576"><v>1</v></c><row ', b'<row r="2" >'
                                                                                           b'<c r="XFD1048576"><v>1</v></c></row><row ', 1)),
         "Team:"),
        ("tab before the reference", with_sheet_xml(src, "Team", _append_cell(b'<c\tr="XFD1048576"><v>1</v></c>')), "Team:"),
        ("far cell on the Rate card", with_sheet_xml(src, "Rate card", _append_cell(b'<c r="AAA1048576"><v>1</v></c>')), "Rate card:"),
        ("far cell on the Plan sheet", with_sheet_xml(src, "Plan", _append_cell(b'<c r="XFD1048576"><v>1</v></c>')), "Plan:"),
        ("sharedStrings uniqueCount 4294967295", _shared_strings(src, b"uniqueCount", b"4294967295"), "Shared strings:"),
        ("sharedStrings uniqueCount 2**63", _shared_strings(src, b"uniqueCount", b"9223372036854775808"), "Shared strings:"),
        ("zip bomb in the Team sheet", _bomb(src, "Team", 200 << 20), "Team:"),
        ("zip bomb declaring a small size", _bomb(src, "Team", 64 << 20, lie=100_000), "Team:"),
        ("part declaring 3 GB", lambda out: (rewrite(src, out), _patch_sizes(out, part(src, "Team"), size=3 << 30)), "Team:"),
        ("10,001 parts", _many_parts(src), name),
        ("encrypted entry flag", lambda out: (rewrite(src, out), _patch_sizes(out, part(src, "Team"), flag=0x1)), "Team:"),
        ("password-protected workbook", _encrypted(src), "password"),
        ("Team and TEAM", _rename_sheet(src, "Team", "TEAM", keep_old=True), "Team:"),
        ("Rate card and RATE CARD", _rename_sheet(src, "Rate card", "RATE CARD", keep_old=True), "Rate card:"),
        ("Team and full-width Ｔｅａｍ", _rename_sheet(src, "Team", "Ｔｅａｍ", keep_old=True), "Team:"),
        ("not a zip", lambda out: out.write_bytes(b"Role,Rate\nCEO,100\n"), name),
        ("zip without a workbook", lambda out: zipfile.ZipFile(out, "w").writestr("hello.txt", "hi"), name),
        ("truncated to half", _truncated(src, 0.5), name),
        ("truncated to 1%", _truncated(src, 0.01), name),
        ("damaged checksum of the Team sheet", _damaged_crc(src), "Team"),
        ("billion laughs in workbook.xml", _billion_laughs(src), "workbook.xml"),
        ("sheet part outside the package", lambda out: rewrite(src, out, {part(src, "Team"): None}), "Team"),
        ("decimal comma FTE 0,5", with_cell(src, "Team", "F2", text="0,5"), "Team!F2"),
        ("decimal comma rate 1.234,5", with_cell(src, "Rate card", "C2", text="1.234,5"), "Rate card!C2"),
        ("decimal comma months 1,5", with_cell(src, "Team", "E3", text="1,5"), "Team!E3"),
        ("percent in a money cell", with_cell(src, "Rate card", "C3", text="15%"), "Rate card!C3"),
        ("percent lump sum", with_cell(src, "Team", "G2", text="15%"), "Team!G2"),
        ("subnormal rate", with_cell(src, "Rate card", "C2", number="1e-320"), "Rate card!C2"),
        ("subnormal FTE as text", with_cell(src, "Team", "F4", text="1e-320"), "Team!F4"),
        ("underflow to zero", with_cell(src, "Team", "F5", text="1e-400"), "Team!F5"),
        ("infinite FTE", with_cell(src, "Team", "F2", text="1e400"), "Team!F2"),
        ("NaN text", with_cell(src, "Team", "E2", text="nan"), "Team!E2"),
        ("formula text in a number cell", with_cell(src, "Team", "F2", text="=cmd|' /C calc'!A0"), "Team!F2"),
        ("control character ESC in a role", with_cell(src, "Rate card", "A2", text="CTO\x1b[2J"), "Rate card!A2"),
        ("NUL in a role", with_cell(src, "Rate card", "A3", text="Dev\x00eloper"), "Rate card!A3"),
        ("bidi override in a line title", with_cell(src, "Team", "C2", text="Lead \u202eresu"), "Team!C2"),
        ("role repeated with a zero-width space", lambda out: _duplicate_role(src, out, "\u200b"), "Rate card!A"),
        ("role repeated in full width", lambda out: _duplicate_role(src, out, "fullwidth"), "Rate card!A"),
        ("role repeated in capitals", lambda out: _duplicate_role(src, out, "upper"), "Rate card!A"),
        ("hours per month with a decimal comma", lambda out: _plan_setting(src, out, "240,5"), "Plan!B"),
        ("unknown number format", lambda out: _plan_setting(src, out, "1'234.5", key="Number format"), "Plan!B"),
        ("currency with a control character", lambda out: _plan_setting(src, out, "US\x07D", key="Currency"), "Plan!B"),
        ("header renamed", with_cell(src, "Team", "F1", text="Headcount"), "Team!F1"),
        ("Plan sheet removed", _rename_sheet(src, "Plan", "Notes"), "Plan:"),
    ]
    return cases


def _duplicate_role(src: Path, out: Path, how: str) -> None:
    p = part(src, "Rate card")
    xml = read(src, p)
    with zipfile.ZipFile(src) as zf:
        strings = re.findall(rb"<si><t[^>]*>(.*?)</t></si>", zf.read("xl/sharedStrings.xml"), re.S)
    first = re.search(rb'<c r="A2"[^>]*><v>(\d+)</v></c>', xml)
    role = strings[int(first.group(1))].decode()
    twin = {"\u200b": role + "\u200b", "upper": role.upper(),
            "fullwidth": "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in role)}[how]
    rewrite(src, out, {p: set_cell(xml, "A3", text=twin)})


def _plan_setting(src: Path, out: Path, value: str, key: str = "Hours per month") -> None:
    p = part(src, "Plan")
    xml = read(src, p)
    with zipfile.ZipFile(src) as zf:
        strings = re.findall(rb"<si><t[^>]*>(.*?)</t></si>", zf.read("xl/sharedStrings.xml"), re.S)
    index = [s.decode() for s in strings].index(key)
    row = re.search(rb'<c r="A(\d+)"[^>]*t="s"[^>]*><v>' + str(index).encode() + rb"</v></c>", xml).group(1).decode()
    rewrite(src, out, {p: set_cell(xml, f"B{row}", text=value)})


# -- tampered plan files ----------------------------------------------------------------------

def _sql(*statements: str, fk: bool = False):  # noqa: ANN201
    def build(out: Path) -> None:
        shutil.copy(SAMPLE, out)
        con = sqlite3.connect(out)
        con.execute(f"PRAGMA foreign_keys={'ON' if fk else 'OFF'}")
        for s in statements:
            con.execute(s)
        con.commit()
        con.close()
    return build


def _recreate(table: str, edit: Callable[[str], str]):  # noqa: ANN201
    """Rebuild ``table`` from an edited copy of its CREATE statement, keeping its rows."""
    def build(out: Path) -> None:
        shutil.copy(SAMPLE, out)
        con = sqlite3.connect(out)
        con.execute("PRAGMA foreign_keys=OFF")
        sql = con.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        indexes = [r[0] for r in con.execute("SELECT sql FROM sqlite_master WHERE type='index' AND tbl_name=? "
                                             "AND sql IS NOT NULL", (table,))]
        con.execute(f"ALTER TABLE {table} RENAME TO old_{table}")
        con.execute(edit(sql))
        cols = ", ".join(r[1] for r in con.execute(f"PRAGMA table_info(old_{table})"))
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM old_{table}")
        con.execute(f"DROP TABLE old_{table}")
        for s in indexes:
            con.execute(s)
        con.commit()
        con.close()
    return build


def _bytes(edit: Callable[[bytes], bytes]):  # noqa: ANN201
    return lambda out: out.write_bytes(edit(SAMPLE.read_bytes()))


def plan_cases() -> list[Case]:
    """At least 20 tampered copies of the VIVIM sample plan."""
    return [
        ("trigger deleting the team", _sql("CREATE TRIGGER wipe AFTER UPDATE ON allocations BEGIN DELETE FROM allocations; END"), "trigger (wipe)"),
        ("trigger on settings", _sql("CREATE TRIGGER t2 BEFORE INSERT ON settings BEGIN SELECT 1; END"), "trigger (t2)"),
        ("view", _sql("CREATE VIEW everything AS SELECT * FROM roles"), "view (everything)"),
        ("dropped fte column", _sql("ALTER TABLE allocations DROP COLUMN fte"), "allocations lacks the column fte"),
        ("dropped table", _sql("DROP TABLE segment_usage"), "segment_usage is missing"),
        ("extra table", _sql("CREATE TABLE payload (x)"), "payload"),
        ("extra column", _sql("ALTER TABLE roles ADD COLUMN secret TEXT"), "roles has a column"),
        ("extra index", _sql("CREATE INDEX ix_extra ON roles (name)"), "ix_extra"),
        ("dropped index", _sql("DROP INDEX ix_allocations_role"), "ix_allocations_role"),
        ("fte declared TEXT", _recreate("allocations", lambda s: s.replace("fte FLOAT", "fte TEXT")), "allocations.fte"),
        ("cascade planted on role", _recreate("allocations", lambda s: s.replace(
            "REFERENCES roles (id)", "REFERENCES roles (id) ON DELETE CASCADE")), "allocations's references"),
        ("generated column", _sql("ALTER TABLE roles ADD COLUMN g INTEGER GENERATED ALWAYS AS (1) VIRTUAL"), "roles has a column"),
        ("newer schema version", _sql(f"UPDATE meta SET value = '{SCHEMA_VERSION + 1}' WHERE key = 'schema_version'"), "newer"),
        ("garbage schema version", _sql("UPDATE meta SET value = 'x' WHERE key = 'schema_version'"), "schema version"),
        ("wrong format", _sql("UPDATE meta SET value = 'other' WHERE key = 'format'"), "format"),
        ("meta table dropped", _sql("DROP TABLE meta"), "not a VIVIM plan"),
        ("subnormal hourly rate", _sql("UPDATE roles SET hourly_rate = 1e-320 WHERE id = (SELECT min(id) FROM roles)"), "Rate card!C"),
        ("NUL in a role name", _sql("UPDATE roles SET name = 'CEO' || char(0) || 'x' WHERE id = (SELECT min(id) FROM roles)"), "Rate card!A"),
        ("ESC in a milestone name", _sql("UPDATE milestones SET name = 'M' || char(27) || '[2J' WHERE id = (SELECT min(id) FROM milestones)"), "Milestones!B"),
        ("FTE out of range", _sql("UPDATE allocations SET fte = 99 WHERE id = (SELECT min(id) FROM allocations)"), "Team!F"),
        ("text in a number column", _sql("UPDATE allocations SET fte = 'abc' WHERE id = (SELECT min(id) FROM allocations)"), "corrupt"),
        ("reference to a missing role", _sql("UPDATE allocations SET role = 9999 WHERE id = (SELECT min(id) FROM allocations)"), "Team!B"),
        ("roles equal but for a zero-width space", _sql(
            "UPDATE roles SET name = (SELECT name FROM roles ORDER BY ord LIMIT 1) || char(8203) "
            "WHERE id = (SELECT id FROM roles ORDER BY ord LIMIT 1 OFFSET 1)"), "already used"),
        ("settings not JSON", _sql("UPDATE settings SET value = '{oops' WHERE key = 'name'"), "setting name"),
        ("bad number locale", _sql("INSERT OR REPLACE INTO settings VALUES ('number_locale', '\"1_234.5\"')"), "number_locale"),
        ("plan truncated to half", _bytes(lambda b: b[: len(b) // 2]), "corrupt"),
        ("not SQLite", _bytes(lambda b: b"PK\x03\x04" + b[4:]), "not an SQLite database"),
        ("page damage", _bytes(lambda b: b[:8192] + b"\xff" * 4096 + b[12288:]), "corrupt"),
    ]
