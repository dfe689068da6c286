"""Hostile and clumsy files, each made by code (no binary kept in the repository): what a probe
of the running app tried, and what a contractor's tools or an attacker may send.

Each function returns the bytes of one file. The big ones are written in chunks, so that making
a 200 MB zip bomb never holds 200 MB.
"""

import io
import random
import struct
import zipfile
from collections.abc import Iterable, Sequence

import openpyxl

HEADER = ["Référence marché", "Nom", "Prénom", "Date de naissance", "Mois", "Heures"]
SHEET_XML = "xl/worksheets/sheet1.xml"
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n%s'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_END = b"</sheetData></worksheet>"


def xlsx(rows: Iterable[Sequence[object]], sheet: str = "Heures") -> bytes:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for row in rows:
        worksheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv(rows: Iterable[Sequence[object]]) -> bytes:
    return "".join(";".join(str(cell) for cell in row) + "\r\n" for row in rows).encode()


def _with_sheet(chunks: Iterable[bytes]) -> bytes:
    """A real workbook (openpyxl's) whose first sheet's XML is replaced by these chunks."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([HEADER])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != SHEET_XML:
                archive.writestr(info.filename, source.read(info.filename))
        with archive.open(SHEET_XML, "w") as sheet:
            for chunk in chunks:
                sheet.write(chunk)
    return buffer.getvalue()


def _inflating_rows(megabytes: int) -> Iterable[bytes]:
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    block = row * (1024 * 1024 // len(row))
    yield SHEET_START % b""
    for _ in range(megabytes):
        yield block
    yield SHEET_END


def zip_bomb(*, lying: bool) -> bytes:
    """A workbook of a few hundred kilobytes whose sheet inflates to 210 MB. Honest: its sizes
    say so. Lying: its local header and central directory both claim the sheet is 2,000 bytes,
    so that a reader trusting them starts inflating."""
    content = bytearray(_with_sheet(_inflating_rows(210)))
    if lying:
        name = SHEET_XML.encode()
        for signature, name_at, size_at in ((b"PK\x01\x02", 46, 24), (b"PK\x03\x04", 30, 22)):
            at = content.find(signature)
            while at != -1:
                if content[at + name_at : at + name_at + len(name)] == name:
                    struct.pack_into("<I", content, at + size_at, 2000)
                at = content.find(signature, at + 1)
    return bytes(content)


def xxe() -> bytes:
    """A sheet whose cell is an external entity naming a file of the server."""
    doctype = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    cell = b'<row r="2"><c r="B2" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
    return _with_sheet([SHEET_START % doctype, cell, SHEET_END])


def billion_laughs() -> bytes:
    """Ten levels of entities, each ten of the one below: a billion "lol" from 1 KB."""
    entities = [b'<!ENTITY lol0 "lol">'] + [
        b'<!ENTITY lol%d "%s">' % (level, b"&lol%d;" % (level - 1) * 10) for level in range(1, 10)
    ]
    doctype = b"<!DOCTYPE worksheet [" + b"".join(entities) + b"]>"
    cell = b'<row r="2"><c r="B2" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    return _with_sheet([SHEET_START % doctype, cell, SHEET_END])


def far_apart_cells(row: int, column: int) -> bytes:
    """Two cells, A1 and one far away: a reader holding the sheet as one dense block from the
    first to the last cell asks for rows by columns cells (XFD1048576: 17 billion)."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet["A1"] = "Nom"
    worksheet.cell(row, column, "x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def repeated_ods(rows: int, columns: int) -> bytes:
    """An OpenDocument sheet of one cell repeated over rows by columns, in about 1 KB."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Heures">'
        f'<table:table-row table:number-rows-repeated="{rows}">'
        f'<table:table-cell office:value-type="string" table:number-columns-repeated="{columns}">'
        "<text:p>x</text:p></table:table-cell></table:table-row></table:table>"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
    return buffer.getvalue()


def random_bytes(size: int = 100_000) -> bytes:
    return random.Random(13).randbytes(size)


def executable() -> bytes:
    """An ELF header (a Linux program) and then anything."""
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + random_bytes(20_000)


def million_empty_lines() -> bytes:
    return b"\r\n" * 1_000_000


def header_then_empty_lines(count: int) -> bytes:
    return csv([HEADER]) + b"\r\n" * count


def many_columns(count: int, rows: Iterable[Sequence[object]] = ()) -> bytes:
    """The header's columns, then `count` more named columns, and rows under them."""
    extra = [f"Colonne {n}" for n in range(count)]
    return csv([HEADER + extra, *rows])


def header_only() -> bytes:
    return xlsx([HEADER])


# --- A password-protected workbook: an OLE2 compound file (CFB) -------------------------------
# Excel encrypts an .xlsx into a compound file holding the streams EncryptionInfo and
# EncryptedPackage (MS-OFFCRYPTO); an encrypted .xls keeps its Workbook stream, whose records
# start with BOF then FILEPASS. Either starts with the .xls magic bytes. This writes the smallest
# compound file (version 3, 512-byte sectors) that readers accept: a header, one FAT sector,
# one directory sector, then each stream in whole sectors. Streams of 4,096 bytes or more live
# in the FAT, not the mini stream.

SECTOR = 512
FREE, END_OF_CHAIN, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def compound_file(streams: dict[str, bytes]) -> bytes:
    streams = {name: data.ljust(4096, b"\x00") for name, data in streams.items()}
    fat = [FAT_SECTOR, END_OF_CHAIN]  # sector 0: the FAT, sector 1: the directory
    starts = []
    for data in streams.values():
        count = -(-len(data) // SECTOR)
        first = len(fat)
        starts.append(first)
        fat.extend([*range(first + 1, first + count), END_OF_CHAIN])
    assert len(fat) <= SECTOR // 4, "one FAT sector only"
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"),
        b"\x00" * 16,
        0x3E,  # minor version
        3,  # major version
        0xFFFE,  # little-endian
        9,  # 512-byte sectors
        6,  # 64-byte mini sectors
        b"\x00" * 6,
        0,  # directory sectors (0 in version 3)
        1,  # FAT sectors
        1,  # first directory sector
        0,  # transaction signature
        4096,  # mini stream cutoff
        END_OF_CHAIN,  # first mini FAT sector
        0,  # mini FAT sectors
        END_OF_CHAIN,  # first DIFAT sector
        0,  # DIFAT sectors
    ) + struct.pack("<109I", 0, *[FREE] * 108)
    entries = [_entry("Root Entry", 5, child=1 if streams else NO_STREAM, start=END_OF_CHAIN)]
    for index, (name, data) in enumerate(streams.items(), start=1):
        sibling = index + 1 if index < len(streams) else NO_STREAM
        entries.append(_entry(name, 2, right=sibling, start=starts[index - 1], size=len(data)))
    directory = b"".join(entries).ljust(SECTOR, b"\x00")
    fat_sector = struct.pack(f"<{SECTOR // 4}I", *fat, *[FREE] * (SECTOR // 4 - len(fat)))
    body = b"".join(
        data.ljust(-(-len(data) // SECTOR) * SECTOR, b"\x00") for data in streams.values()
    )
    return header + fat_sector + directory + body


def _entry(
    name: str,
    kind: int,
    *,
    child: int = NO_STREAM,
    right: int = NO_STREAM,
    start: int,
    size: int = 0,
) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le")
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        encoded,
        len(encoded),
        kind,
        1,  # black
        NO_STREAM,  # left sibling
        right,
        child,
        b"\x00" * 16,
        0,
        0,
        0,
        start,
        size,
    )


def encrypted_xlsx() -> bytes:
    """What Excel writes for an .xlsx saved with a password (its package random here)."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption/>"  # agile encryption, version 4.4
    package = struct.pack("<Q", 10_000) + random_bytes(10_000)
    return compound_file({"EncryptionInfo": info, "EncryptedPackage": package})
