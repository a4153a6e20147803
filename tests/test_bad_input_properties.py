"""Property tests of the loader on generated bad text: whatever a raw file holds, loading either gives the data
or a DataValidationError whose every problem names its file (and its row and line, where it has one); never
another exception, and never the loader's own ``internal-error``. Text that only changes how a file is
written (a byte-order mark, CRLF line ends, more quoting) loads the very same data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from analysis.data import DataValidationError, load_package
from analysis.pipeline import paths

TODAY = dt.date(2026, 12, 2)
#: Small files, so that each example is quick; together they hold every kind of column (ids, enums, counts,
#: partial dates, free text) and the two files others depend on (sources, corrections).
FILES = ["casualty_incidents.csv", "corrections.csv", "sources.csv", "contamination_estimates.csv"]
#: What a spreadsheet, an editor or a copy from a web page puts into a CSV file.
TROUBLE = ["\ufeff", "\u200b", "\u200c", "\u00a0", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x00", "\t", '"', "'", ",",
           ";", "\r", "\n", "\r\n", " ", "é", "\U0001F4A3", "-", "1e999", "9" * 30, "NaN", "\\"]
BAD_BYTES = [b"\xe9", b"\xff", b"\xc3", b"\x80", b"\xef\xbb\xbf", b"\xff\xfe", b"\x00"]
EXAMPLES = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])


@pytest.fixture(scope="module")
def raw():
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "raw"
        shutil.copytree(paths.RAW, copy)
        yield copy


@pytest.fixture(scope="module")
def pristine():
    return load_package(paths.RAW, today=TODAY)


def _load_with(raw: Path, file: str, data: bytes):
    """Load the package with ``file`` holding ``data``, then put the file back."""
    original = (paths.RAW / file).read_bytes()
    (raw / file).write_bytes(data)
    try:
        return load_package(raw, today=TODAY)
    finally:
        (raw / file).write_bytes(original)


def _assert_reported(err: DataValidationError) -> None:
    assert err.problems
    for p in err.problems:
        assert p.rule != "internal-error", str(p)
        assert str(p).startswith(p.file)
        if p.row is not None:
            assert p.line is not None and f"row {p.row} (line {p.line}" in str(p)


@given(file=st.sampled_from(FILES), edits=st.lists(st.tuples(st.floats(0, 1), st.sampled_from(TROUBLE)), min_size=1, max_size=4))
@EXAMPLES
def test_troublesome_characters_anywhere_load_or_are_reported(raw, file, edits):
    text = (paths.RAW / file).read_text(encoding="utf-8")
    for where, piece in edits:
        at = int(where * len(text))
        text = text[:at] + piece + text[at:]
    try:
        _load_with(raw, file, text.encode("utf-8"))
    except DataValidationError as err:
        _assert_reported(err)


@given(file=st.sampled_from(FILES), edits=st.lists(st.tuples(st.floats(0, 1), st.sampled_from(BAD_BYTES)), min_size=1, max_size=3))
@EXAMPLES
def test_bytes_that_are_not_utf8_are_reported_where_they_are(raw, file, edits):
    data = (paths.RAW / file).read_bytes()
    for where, piece in edits:
        at = int(where * len(data))
        data = data[:at] + piece + data[at:]
    try:
        _load_with(raw, file, data)
    except DataValidationError as err:
        _assert_reported(err)


def _rewrite(text: str, quoting: int, crlf: list[bool]) -> str:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    out = io.StringIO()
    writer = csv.writer(out, quoting=quoting, lineterminator="\n")
    for row in rows:
        writer.writerow(row)
    lines = out.getvalue().split("\n")
    return "".join(line + ("\r\n" if crlf[i % len(crlf)] else "\n") for i, line in enumerate(lines[:-1]))


@given(file=st.sampled_from(FILES), bom=st.booleans(), quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
       crlf=st.lists(st.booleans(), min_size=1, max_size=5))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_how_a_file_is_written_does_not_change_the_data(raw, pristine, file, bom, quoting, crlf):
    text = _rewrite((paths.RAW / file).read_text(encoding="utf-8"), quoting, crlf)
    loaded = _load_with(raw, file, (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    for name, frame in pristine.frames.items():
        pd.testing.assert_frame_equal(loaded[name], frame, obj=name)


@given(cells=st.lists(st.tuples(st.integers(1, 79), st.sampled_from(["killed", "injured", "date", "victim_group", "incident_id",
                                                                    "source_id", "flags", "duplicate_of", "quote"]),
                                st.lists(st.sampled_from(TROUBLE + list("0123456789-abc_;")), max_size=6).map("".join)),
                      min_size=1, max_size=3))
@EXAMPLES
def test_any_cell_text_loads_or_is_reported_at_its_row_and_column(raw, cells):
    rows = list(csv.reader(io.StringIO((paths.RAW / "casualty_incidents.csv").read_text(encoding="utf-8"), newline="")))
    header = rows[0]
    for row, column, value in cells:
        rows[row][header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    try:
        _load_with(raw, "casualty_incidents.csv", out.getvalue().encode("utf-8"))
    except DataValidationError as err:
        _assert_reported(err)


@given(edits=st.lists(st.tuples(st.floats(0, 1), st.sampled_from(['"', ",", "}", "]", "{", ":", "\\", "\u2028", "..", "null",
                                                                  "\ufeff", "0", "-1", '"type": "any", ', "\x00"])),
                      min_size=1, max_size=3))
@EXAMPLES
def test_a_broken_descriptor_is_reported_never_a_traceback(raw, edits):
    text = (paths.RAW / "datapackage.json").read_text(encoding="utf-8")
    for where, piece in edits:
        at = int(where * len(text))
        text = text[:at] + piece + text[at:]
    try:
        _load_with(raw, "datapackage.json", text.encode("utf-8"))
    except DataValidationError as err:
        _assert_reported(err)
