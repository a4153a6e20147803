"""Read one CSV file of the package as text, checking its header against the descriptor (missing, unknown,
out-of-order or repeated columns, invisible characters, empty names) and the shape of every row; nothing is
typed yet.

What a file can hold and still be read, and what is a problem:

- A UTF-8 byte-order mark (spreadsheets write one) is accepted. A file that is not UTF-8 is a problem at the
  first cell holding a byte that is not (row, line and column), and only there; a UTF-16 file is one problem.
- Lines end at a line feed, a carriage return or both. A Unicode line or paragraph separator (U+2028, U+2029,
  U+0085) inside a cell is a character of the cell, not a line end, so row and line numbers stay those of an
  editor that shows line feeds.
- A NUL byte is a problem at its cell. A cell longer than the csv module's limit (131,072 characters) is a
  problem at its cell (it is mostly a quote left open that swallowed the rest of the file), and reading goes on.
- A row with the wrong number of cells is one problem and is left out of every further check (its id still
  counts as a record, so nothing that refers to it reports a phantom error); row numbers stay those of the
  file. The message says when the row ends in an extra empty cell (a trailing comma?) or runs over several
  lines (a quote left open?); when every row has the same wrong number of cells, one problem says so (the
  header and the rows disagree). A header with an empty column name (a trailing comma) is one problem.
"""

from __future__ import annotations

import codecs
import csv
import io
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem, around, invisible, name_of, shorten, visible

#: The csv module's own limit on a cell, in characters (its default): a longer cell is reported, not fatal.
FIELD_LIMIT = 131072
#: The reader's stand-in for a NUL byte (a lone surrogate, which no decoded UTF-8 text can hold); bytes that
#: are not UTF-8 become U+DC80-U+DCFF (Python's ``surrogateescape``).
NUL = "\udc00"
_csv_limit_lock = threading.Lock()


@dataclass
class RawTable:
    resource: str
    file: str
    fields: list[dict]
    rows: list[dict[str, str]]  # column -> text ('' = missing), only known columns
    lines: list[int]  # line in the file where each row starts
    ids: list[str | None]
    malformed_ids: set[str] = field(default_factory=set)  # ids of rows skipped as malformed
    numbers: list[int] = field(default_factory=list)  # data row number of each row (1 = first under the header)
    order: dict[str, int] = field(default_factory=dict)  # every id, malformed rows too -> its first row number
    complete: bool = True  # False when the file could not be read to its end
    ids_doubtful: bool = False  # True when a row's id failed its checks (then what it was meant to be is unknown)
    bad_cells: set[tuple[int, str]] = field(default_factory=set)  # (row index, column) that failed a cell check
    corrected: dict[tuple[int, str], str] = field(default_factory=dict)  # (row index, column) -> correction id
    unsettled: set[int] = field(default_factory=set)  # row indexes whose correction was rejected: no rules on them

    def __post_init__(self):
        if not self.numbers:
            self.numbers = list(range(1, len(self.rows) + 1))

    def knows(self, rec: str) -> bool:
        """Whether ``rec`` is a record of the file: read, skipped as malformed, or possibly the one of a row whose
        id is unreadable or wrong, or in a part that could not be read (then nothing can be said against it
        until that is mended: one cause, one message)."""
        return rec in self.order or not self.complete or self.ids_doubtful


@contextmanager
def _no_field_limit():
    """Let the csv module read cells of any length (the limit is process-wide: restored afterwards)."""
    with _csv_limit_lock:
        old = csv.field_size_limit()
        csv.field_size_limit(2**31 - 1)
        try:
            yield
        finally:
            csv.field_size_limit(old)


def _unreadable(text: str) -> str | None:
    """The first character the reader put for a byte that is not UTF-8 or for a NUL byte, if any."""
    for ch in text:
        if "\udc00" <= ch <= "\udcff":
            return ch
    return None


def read_text(path: Path, file: str, problems: list[Problem]) -> str | None:
    """The file's text (a UTF-8 byte-order mark dropped; bytes that are not UTF-8 and NUL bytes kept as
    stand-ins, reported where they are by :func:`read_table`), or None with a problem."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(file, "missing-file", f"the file does not exist in {path.parent}"))
        return None
    except OSError as exc:
        problems.append(Problem(file, "missing-file", f"the file cannot be read: {exc.strerror}"))
        return None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        problems.append(Problem(file, "encoding", "the file is UTF-16 (it starts with a UTF-16 byte-order mark): save it "
                                "as UTF-8", line=1))
        return None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]  # a spreadsheet's byte-order mark: not part of the first column's name
    return data.decode("utf-8", errors="surrogateescape").replace("\x00", NUL)


def _parse(text: str, file: str, problems: list[Problem]) -> tuple[list[tuple[list[str], int, int]], bool]:
    """Every record as (cells, first line, last line), and whether the whole text was read."""
    records = []
    with _no_field_limit():
        reader = csv.reader(io.StringIO(text, newline=""))
        last = 0
        try:
            for cells in reader:
                records.append((cells, last + 1, reader.line_num))
                last = reader.line_num
        except csv.Error as exc:
            problems.append(Problem(file, "csv", f"the file cannot be read from here on ({exc}); nothing after this line "
                                    "was checked", line=last + 1))
            return records, False
    return records, True


def _describe_invisible(text: str) -> str:
    chars = list(dict.fromkeys(ch for ch in text if invisible(ch)))
    return ", ".join(name_of(ch) for ch in chars)


def read_table(raw_dir: Path, resource: dict, problems: list[Problem]) -> RawTable | None:
    file = resource["path"]
    fields = resource["schema"]["fields"]
    names = [f["name"] for f in fields]
    pk = names[0]  # the descriptor check makes the primary key the first field
    text = read_text(raw_dir / file, file, problems)
    if text is None:
        return None
    if not text.strip():
        problems.append(Problem(file, "empty-file", "the file is empty: it needs at least the header row " + ",".join(names)))
        return None
    records, complete = _parse(text, file, problems)
    if not records:
        return None
    header = records[0][0]
    columns = _read_header(header, names, file, problems)
    if columns is None:
        return None
    trailing_empty = len(header) - len(_rstrip_empty(header))

    table = RawTable(resource["name"], file, fields, rows=[], lines=[], ids=[], numbers=[], complete=complete)
    unreadable: list[Problem] = []
    shape: list[tuple[tuple, Problem]] = []
    data_rows = 0
    for number, (cells, start, end) in enumerate(records[1:], start=1):
        if not cells or all(not c.strip() for c in cells):
            problems.append(Problem(file, "blank-row", "the row is empty", row=number, line=start))
            continue
        data_rows += 1
        rec_id = None
        if pk in columns and columns.index(pk) < len(cells):
            rec_id = cells[columns.index(pk)].strip() or None
        if rec_id and _unreadable(rec_id):
            rec_id = None

        def skip():
            if rec_id:
                table.malformed_ids.add(rec_id)  # known to exist: no cascade of foreign-key errors
                table.order.setdefault(rec_id, number)

        bad = next(((i, c) for i, c in enumerate(cells) if _unreadable(c)), None)
        if bad is not None:
            i, cell = bad
            ch = _unreadable(cell)
            col = columns[i] if i < len(columns) and columns[i] else f"#{i + 1}"
            line = start + sum(c.count("\n") for c in cells[:i]) + cell[: cell.index(ch)].count("\n")
            if ch == NUL:
                message = f"the cell holds a NUL byte (\\x00): '{around(cell, cell.index(ch))}'; delete it"
                rule = "nul-byte"
            else:
                message = (f"byte 0x{ord(ch) - 0xDC00:02x} is not UTF-8: '{around(cell, cell.index(ch))}'; save the file as UTF-8 "
                           "(it looks like Latin-1 or Windows-1252)")
                rule = "encoding"
            unreadable.append(Problem(file, rule, message, number, line, rec_id, col))
            skip()
            continue
        long = next(((i, c) for i, c in enumerate(cells) if len(c) > FIELD_LIMIT), None)
        if long is not None:
            i, cell = long
            col = columns[i] if i < len(columns) and columns[i] else f"#{i + 1}"
            hint = (f"; it runs over lines {start}-{end}: a quote (\") left open?" if end > start else "")
            problems.append(Problem(file, "field-size", f"the cell holds {len(cell):,} characters, more than the csv "
                                    f"module's limit of {FIELD_LIMIT:,}{hint}", number, start, rec_id, col))
            skip()
            continue
        if len(cells) == len(header) - trailing_empty and trailing_empty:
            cells = cells + [""] * trailing_empty  # the header's trailing comma is reported once, with the header
        elif len(cells) != len(header):
            # Left out whatever the hint: an empty last cell may as well be an ordinary empty note after a
            # cell inserted further left, and reading it would blame every later cell for the shift.
            if len(cells) > len(header) and not any(c.strip() for c in cells[len(header):]):
                hint = ": it ends in an extra empty cell, a trailing comma? (or a cell too many further left)"
            elif end > start:
                hint = f"; the row runs over lines {start}-{end}: a quote (\") left open?"
                table.ids_doubtful = True  # it may have swallowed the rows after it: their ids are unknown
            else:
                hint = ""
            shape.append((("length", len(cells)), Problem(
                file, "row-length", f"the row has {len(cells)} cells but the header has {len(header)} columns{hint}",
                number, start, rec_id)))
            skip()
            continue
        table.rows.append({columns[i]: c for i, c in enumerate(cells) if columns[i] in names})
        table.lines.append(start)
        table.ids.append(rec_id)
        table.numbers.append(number)
        if rec_id:
            table.order.setdefault(rec_id, number)
    if unreadable:
        first = unreadable[0]
        more = len(unreadable) - 1
        problems.append(first if not more else Problem(
            first.file, first.rule, f"{first.message} ({more} more row(s) have such bytes; they are left out until the "
            "file is mended)", first.row, first.line, first.record_id, first.column))
    _report_shape(shape, data_rows, problems)
    return table


def _report_shape(shape: list, data_rows: int, problems: list[Problem]) -> None:
    """One problem for a defect every row shares (the header and the rows disagree), else one per row."""
    if len(shape) >= 2 and len(shape) == data_rows and len({key for key, _ in shape}) == 1:
        first = shape[0][1]
        problems.append(Problem(first.file, first.rule, f"{first.message}; so does every one of the {data_rows} rows "
                                "(the header and the rows disagree)", first.row, first.line, first.record_id))
        return
    problems.extend(p for _, p in shape)


def _rstrip_empty(header: list[str]) -> list[str]:
    out = list(header)
    while out and out[-1] == "":
        out.pop()
    return out


def _read_header(header: list[str], names: list[str], file: str, problems: list[Problem]) -> list[str] | None:
    """The descriptor's name of each header cell ('' where it has none), or None if the header is unreadable."""
    bad = next((c for c in header if _unreadable(c)), None)
    if bad is not None:
        ch = _unreadable(bad)
        what = ("a NUL byte (\\x00): a UTF-16 or binary file? Save it as UTF-8 text" if ch == NUL else
                f"byte 0x{ord(ch) - 0xDC00:02x}, which is not UTF-8: save the file as UTF-8")
        problems.append(Problem(file, "nul-byte" if ch == NUL else "encoding", f"the header holds {what}", line=1, column=bad))
        return None
    columns: list[str] = []
    meant: dict[str, str] = {}
    trailing = len(_rstrip_empty(header))
    for i, col in enumerate(header):
        if col in names:
            columns.append(col)
            continue
        if col == "":
            where = "at the end of the header: a trailing comma?" if i >= trailing else f"after column '{header[i - 1]}'" if i else "first"
            problems.append(Problem(file, "empty-column-name", f"the header has a column with an empty name ({where})",
                                    line=1, column=""))
            columns.append("")
            continue
        cleaned = "".join(ch for ch in col if not invisible(ch)).strip()
        if cleaned in names and cleaned not in header and cleaned not in meant.values():
            hidden = _describe_invisible(col)
            what = f"the invisible character(s) {hidden}" if hidden else "spaces around the name"
            problems.append(Problem(file, "invisible-character", f"the column is '{cleaned}' with {what}: delete them",
                                    line=1, column=col))
            meant[col] = cleaned
            columns.append(cleaned)
            continue
        hidden = _describe_invisible(col)
        extra = f" (it holds the invisible character(s) {hidden})" if hidden else ""
        problems.append(Problem(file, "unknown-column", f"column is not in datapackage.json (add it to the descriptor or "
                                f"remove it){extra}", line=1, column=col))
        columns.append("")
    seen = set()
    for col, name in zip(header, columns):
        if name and name in seen:
            problems.append(Problem(file, "duplicate-column", f"column '{visible(name)}' appears twice in the header",
                                    line=1, column=col))
        seen.add(name)
    missing = [n for n in names if n not in columns]
    for col in missing:
        problems.append(Problem(file, "missing-column", "column required by datapackage.json is not in the header",
                                line=1, column=col))
    known = [c for c in columns if c]
    if not missing and len(known) == len(header) - header.count("") and known != names and len(set(known)) == len(known):
        problems.append(Problem(file, "column-order", "the header's columns are not in the descriptor's order: "
                                + ",".join(names), line=1))
    return columns
