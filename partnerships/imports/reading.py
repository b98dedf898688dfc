"""Reading an uploaded file once, into headings and rows of text.

CSV in UTF-8 (with or without a byte order mark), UTF-16 (Excel's “Unicode text”) or
Windows-1252 (older Excel), separated by commas, semicolons or tabs; or an Excel workbook's
first sheet, its cells as typed (a formula stays ``=SUM(…)``, so the check can refuse it;
dates become 2015-03-04). The headings are found among the first rows: a title above them,
or a row of group names over them (“Caregiver 1” spanning its columns), is allowed for.
"""

import csv
import datetime
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from partnerships.imports.fields import guess_field
from partnerships.imports.values import msg

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 300
HEADER_SEARCH = 10  # the headings are on one of the first this many rows
# A workbook is compressed: one that unpacks past this is not a class list.
MAX_UNPACKED = 200 * 1024 * 1024
_DELIMITERS = (",", ";", "\t")
_DATA_LIKE = re.compile(r"^(\d{5,}|[^@\s]+@[^@\s]+|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4})$")


class ImportRefused(Exception):  # noqa: N818 (the name says what it is: a refusal)
    """A file we will not read; ``message`` tells the person why and what to do, in their
    language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    header_row: int  # the file's row number of the headings
    notes: list[dict] = field(default_factory=list)  # ``values.msg`` entries


def read_upload(upload, *, kind: str) -> Table:
    """Read an uploaded file (a Django ``UploadedFile``), or say why not (``ImportRefused``)."""
    if upload.size > MAX_BYTES:
        raise ImportRefused(_too_big(upload.size))
    if not upload.size:
        raise ImportRefused(_("This file is empty. Export it from your student system again."))
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:  # the size given was not the file's
        raise ImportRefused(_too_big(len(data)))
    name = (upload.name or "").casefold()
    if data.startswith(b"PK\x03\x04"):
        grid, notes = _workbook(data), []
    elif name.endswith((".xls", ".ods", ".numbers", ".pdf", ".doc", ".docx")) or (
        b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff"))
    ):
        raise ImportRefused(_not_a_table())
    else:
        grid, notes = _csv(data)
    return _table(grid, kind, notes)


def _too_big(size: int) -> str:
    return _(
        "This file is %(size)s, and an import takes files up to %(limit)s. Export only the "
        "columns you need, or one year level at a time, and import each file."
    ) % {"size": filesizeformat(size), "limit": filesizeformat(MAX_BYTES)}


def _not_a_table() -> str:
    return _(
        "We can read CSV files and Excel workbooks (.xlsx). In your student system, export "
        "as CSV; in Excel, use Save As and choose “Excel Workbook” or “CSV UTF-8”."
    )


def _unreadable() -> str:
    return _(
        "We could not read this file: it may be damaged or not a spreadsheet. Export it "
        "from your student system again, as CSV or .xlsx."
    )


def _too_many_rows() -> str:
    return _(
        "This file has more than %(max)s rows. Import up to %(max)s at a time: for example "
        "one year level per file."
    ) % {"max": f"{MAX_ROWS:,}"}


def _decode(data: bytes) -> tuple[str, dict]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), msg(gettext_noop("Read as UTF-16 (Unicode text)."))
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), msg(gettext_noop("Read as UTF-8."))
    try:
        return data.decode("utf-8"), msg(gettext_noop("Read as UTF-8."))
    except UnicodeDecodeError:
        pass
    return data.decode("cp1252"), msg(
        gettext_noop(
            "Read as Windows-1252, an older Excel format that cannot hold macrons: check that "
            "names look right, and export as CSV UTF-8 next time if you can."
        )
    )


def _delimiter(text: str) -> str:
    sample = text.splitlines()[: HEADER_SEARCH * 2]

    def columns(delimiter: str) -> int:
        widths = [len(row) for row in csv.reader(sample, delimiter=delimiter) if any(row)]
        if not widths:
            return 0
        width, times = Counter(widths).most_common(1)[0]
        return width * times if width > 1 else 0

    return max(_DELIMITERS, key=columns)  # a tie goes to the first: a comma


def _csv(data: bytes) -> tuple[list[list[str]], list[dict]]:
    try:
        text, note = _decode(data)
    except UnicodeDecodeError:
        raise ImportRefused(_unreadable()) from None
    if "\x00" in text:  # an export has none, and the database cannot keep one
        raise ImportRefused(_unreadable())
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
        return _bounded(reader), [note]
    except csv.Error:
        raise ImportRefused(_unreadable()) from None


def _bounded(rows) -> list[list[str]]:
    """The rows as text, refusing a file with too many rows or columns before it fills
    memory."""
    grid, filled = [], 0
    for row in rows:
        cells = [_text(value) for value in row]
        if any("\x00" in cell for cell in cells):  # a workbook's cells too, as in ``_csv``
            raise ImportRefused(_unreadable())
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) > MAX_COLUMNS:
            raise ImportRefused(
                _("This file has more than %(max)s columns: export only the ones you need.")
                % {"max": MAX_COLUMNS}
            )
        filled += bool(cells)
        grid.append(cells)
        if filled > MAX_ROWS + HEADER_SEARCH or len(grid) > 4 * MAX_ROWS:
            raise ImportRefused(_too_many_rows())
    while grid and not grid[-1]:
        grid.pop()
    return grid


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an NSN typed into a number cell, not 123456789.0
    return str(value).strip()


def _workbook(data: bytes) -> list[list[str]]:
    import openpyxl  # only an import needs it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                raise ImportRefused(_unreadable())
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except ImportRefused:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise ImportRefused(_unreadable()) from None
    try:
        if not book.worksheets:
            raise ImportRefused(_unreadable())
        return _bounded(book.worksheets[0].iter_rows(values_only=True))
    except ImportRefused:
        raise
    except Exception:
        raise ImportRefused(_unreadable()) from None
    finally:
        book.close()


def _spread(row: list[str], width: int) -> list[str]:
    """A group row as it looks merged: each name carried right over the empty cells after it."""
    spread, current = [], ""
    for index in range(width):
        cell = row[index] if index < len(row) else ""
        current = cell or current
        spread.append(current)
    return spread


def _score(kind: str, cells: list[str]) -> int:
    return len({guess_field(kind, cell) for cell in cells if cell} - {None})


def _headings(grid: list[list[str]], kind: str) -> tuple[int, list[str]]:
    """The index of the headings' row and the headings, scored by how many fields they name.
    A row of group names above (“Caregiver 1” over “Name”, “Email”) is joined onto them."""
    best = (0, -1, [])
    for index, row in enumerate(grid[:HEADER_SEARCH]):
        if not row:
            continue
        candidates = [row]
        if index and grid[index - 1]:
            above = _spread(grid[index - 1], len(row))
            candidates.append(
                [f"{top} {cell}".strip() for top, cell in zip(above, row, strict=False)]
            )
        for cells in candidates:
            score = _score(kind, cells)
            if score > best[0]:
                best = (score, index, cells)
    if best[1] >= 0:
        return best[1], best[2]
    first = next((i for i, row in enumerate(grid[:HEADER_SEARCH]) if row), None)
    if first is None or any(_DATA_LIKE.match(cell) for cell in grid[first]):
        raise ImportRefused(
            _(
                "We could not find the column headings. The first row should name each "
                "column (like “NSN”, “First name”, “Year level”): add one and try again."
            )
        )
    return first, grid[first]


def _table(grid: list[list[str]], kind: str, notes: list[dict]) -> Table:
    if not any(grid):
        raise ImportRefused(_("This file is empty. Export it from your student system again."))
    index, cells = _headings(grid, kind)
    rows = grid[index + 1 :]
    width = max([len(cells), *(len(row) for row in rows)])
    headers, seen = [], Counter()
    for column in range(width):
        header = cells[column] if column < len(cells) else ""
        header = header or _("Column %(letter)s") % {"letter": _letter(column)}
        seen[header] += 1
        headers.append(header if seen[header] == 1 else f"{header} ({seen[header]})")
    filled = sum(1 for row in rows if any(row))
    if not filled:
        raise ImportRefused(
            _("This file has headings but no rows under them: export it again with the data.")
        )
    if filled > MAX_ROWS:
        raise ImportRefused(_too_many_rows())
    if index:
        notes = [*notes, msg(gettext_noop("The headings are on row %(row)s."), row=index + 1)]
    return Table(
        headers=headers,
        rows=[row + [""] * (width - len(row)) for row in rows],
        header_row=index + 1,
        notes=notes,
    )


def _letter(column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
