"""Reading a file's sheets as rows of raw cells, whatever it is: .xlsx, .xls, .ods or .csv.

The format is told by the content, not the name. A file that is no spreadsheet, or a hostile
one (a zip bomb, cells spread over an abnormal area), raises UnreadableFile; a sheet longer than
the limits allow raises TooManyRows. Nothing here ever half-reads silently, and no file takes
more than its limits of rows, memory and time: workbooks are read by a process of their own
(imports/workbook.py).
"""

import csv
import datetime
import io
import itertools
import pickle
import subprocess
import sys
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from clauses.errors import TooManyRows, UnreadableFile
from imports.workbook import Answer, Sheets

Cell = object
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE2 compound file: .xls, or encrypted
ZIP_MAGIC = b"PK\x03\x04"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# A real workbook inflates to a few times its size; a zip bomb to thousands of times.
MAX_UNZIPPED_BYTES = 512 * 1024 * 1024
MAX_ZIP_RATIO = 200
# Excel names a sheet in 31 characters at most, a batch line keeps 120: a longer name (an .ods
# may have one) is cut, the same way wherever the file is read again.
MAX_SHEET_NAME = 120

# The whole file is in memory already, within the size limit: a field may be as long as the
# file. The csv module's own limit (131,072 characters) failed on one long cell; this one fits
# a C long on every platform.
csv.field_size_limit(2**31 - 1)


@dataclass(frozen=True, slots=True)
class Limits:
    """What reading one file may take (the settings MAX_ROWS_PER_SHEET and MAX_READ_MEMORY)."""

    max_rows: int = 200_000  # per sheet, empty rows included
    memory: int = 1024**3  # bytes, for the process that reads a workbook
    seconds: float = 120  # for that process

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> "Limits":
        return cls(max_rows=settings["MAX_ROWS_PER_SHEET"], memory=settings["MAX_READ_MEMORY"])


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class Sheet:
    """A sheet's cells from A1: rows[i] is the spreadsheet's row i + 1."""

    name: str
    rows: Sequence[Sequence[Cell]]


@dataclass(frozen=True, slots=True)
class Workbook:
    file_format: str  # xlsx, xls, ods, csv
    sheets: list[Sheet]
    # Sheets the workbook marks as helpers (the template's lists and instructions): no data.
    helper_sheets: frozenset[str] = frozenset()

    @property
    def data_sheets(self) -> list[Sheet]:
        return [sheet for sheet in self.sheets if sheet.name not in self.helper_sheets]


def read(content: bytes, limits: Limits = DEFAULT_LIMITS) -> Workbook:
    file_format = sniff(content)
    if file_format == "csv":
        return Workbook("csv", [Sheet("csv", _csv_rows(content, limits.max_rows))])
    if file_format != "xls":
        _check_zip(content)
    sheets, helpers = _read_isolated(content, limits)
    return Workbook(
        file_format,
        [Sheet(name[:MAX_SHEET_NAME], rows) for name, rows in sheets],
        frozenset(name[:MAX_SHEET_NAME] for name in helpers),
    )


def sniff(content: bytes) -> str:
    if content.startswith(CFB_MAGIC):
        if _is_encrypted_package(content):
            raise UnreadableFile(reason="encrypted")
        return "xls"
    if content.startswith(ZIP_MAGIC):
        return _zip_format(content)
    return "csv"


def _zip_format(content: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as mimetype:
                    if mimetype.read(len(ODS_MIMETYPE) + 2).strip() == ODS_MIMETYPE:
                        return "ods"
    except (zipfile.BadZipFile, OSError, RuntimeError) as error:
        raise UnreadableFile(reason="damaged_archive") from error
    if "[Content_Types].xml" in names:
        return "xlsx"
    raise UnreadableFile(reason="zip_not_workbook")


# Excel protects a workbook with a password by encrypting it into a compound file holding the
# streams EncryptionInfo and EncryptedPackage (MS-OFFCRYPTO). A compound file's directory
# entries are 128 bytes each, aligned on 128 bytes: a name there, with its length, is one.
_PACKAGE_NAME = "EncryptedPackage\x00".encode("utf-16-le")
_PACKAGE_NAME_LENGTH = len(_PACKAGE_NAME).to_bytes(2, "little")


def _is_encrypted_package(content: bytes) -> bool:
    at = content.find(_PACKAGE_NAME)
    while at != -1:
        if at % 128 == 0 and content[at + 64 : at + 66] == _PACKAGE_NAME_LENGTH:
            return True
        at = content.find(_PACKAGE_NAME, at + 1)
    return False


def _check_zip(content: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        unzipped = sum(info.file_size for info in archive.infolist())
    if unzipped > MAX_UNZIPPED_BYTES or unzipped > MAX_ZIP_RATIO * max(len(content), 1024 * 1024):
        raise UnreadableFile(reason="zip_bomb")


def _read_isolated(content: bytes, limits: Limits) -> Sheets:
    """The workbook's sheets and helper sheets, read by imports/workbook.py in its own process."""
    command = [sys.executable, "-m", "imports.workbook", str(limits.memory), str(limits.max_rows)]
    try:
        done = subprocess.run(
            command, input=content, capture_output=True, timeout=limits.seconds, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise UnreadableFile(reason="too_big") from error
    if done.returncode != 0:
        # Killed (a failed allocation aborts a Rust program), or a crash of the reader.
        raise UnreadableFile(reason="too_big" if done.returncode < 0 else "not_a_workbook")
    kind, detail = _answer(done.stdout)
    if kind == "too_many_rows":
        raise TooManyRows(sheet=str(detail)[:MAX_SHEET_NAME], maximum=limits.max_rows)
    if kind == "unreadable":
        raise UnreadableFile(reason=detail)
    sheets: Sheets = detail
    return sheets


class _CellsOnly(pickle.Unpickler):
    """The reader's answer holds lists, text, numbers and dates: nothing else is rebuilt, so even
    a reader subverted by its file could not run code here."""

    ALLOWED = frozenset({"date", "datetime", "time", "timedelta"})

    def find_class(self, module: str, name: str) -> Any:
        if module == "datetime" and name in self.ALLOWED:
            return getattr(datetime, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a cell value")


def _answer(output: bytes) -> Answer:
    try:
        answer: Answer = _CellsOnly(io.BytesIO(output)).load()
    except (pickle.UnpicklingError, EOFError, ValueError) as error:
        raise UnreadableFile(reason="not_a_workbook") from error
    return answer


def _csv_rows(content: bytes, max_rows: int) -> list[list[str]]:
    decoded = _decode(content)
    if "\x00" in decoded:
        raise UnreadableFile(reason="not_a_spreadsheet")
    if not decoded.strip():
        raise UnreadableFile(reason="empty")
    first = next(line for line in io.StringIO(decoded) if line.strip())
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    # newline="": a quoted cell may hold line breaks, as Excel writes them.
    reader = csv.reader(io.StringIO(decoded, newline=""), delimiter=delimiter)
    rows = list(itertools.islice(reader, max_rows + 1))
    if len(rows) > max_rows:
        raise TooManyRows(sheet="csv", maximum=max_rows)
    return rows


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, as Excel exports CSV in France."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError as error:
        raise UnreadableFile(reason="not_a_spreadsheet") from error
