"""Bad input of every kind, one table: each case breaks a copy of the real data (every raw file of
datapackage.json, and the descriptor itself), a notebook parameter, or the command line of ``make figures``,
and asserts the one message it gives (file, row, line, column or parameter, rule) and that nothing was
written. Cases that must be accepted (a byte-order mark, a Unicode line separator in a quote, CRLF line ends)
assert that the same data load.

Rows of the real files are one line each: row N is on line N + 1 (the header is line 1), and a record's
number is its row (cr097 is row 97).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest

from analysis.data import load_package, validate_package
from analysis.pipeline import params, paths, runner

#: The day of the run the loader is told (a fixed day, so that "in the future" means the same on any day).
TODAY = dt.date(2026, 12, 2)
FILES = {"sources": "sources.csv", "casualty_reports": "casualty_reports.csv", "clearance_reports": "clearance_reports.csv",
         "contamination_estimates": "contamination_estimates.csv", "monitor_annual": "monitor_annual.csv",
         "casualty_incidents": "casualty_incidents.csv", "corrections": "corrections.csv", "intake": "intake.csv"}


# --------------------------------------------------------------------------------------------------
# mutating a copy of data/raw


def edit_cell(raw: Path, file: str, rec: str, column: str, value: str) -> None:
    """Set one cell of the record ``rec`` (its first cell), rewriting only that record's line."""
    path = raw / file
    lines = path.read_text(encoding="utf-8").split("\n")
    header = next(csv.reader([lines[0]]))
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{rec},"))
    cells = next(csv.reader([lines[index]]))
    cells[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    lines[index] = out.getvalue()
    path.write_text("\n".join(lines), encoding="utf-8")


def cell(file: str, rec: str, column: str) -> str:
    with open(paths.RAW / file, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return next(r for r in reader if next(iter(r.values())) == rec)[column]


def edit_bytes(raw: Path, file: str, old: bytes, new: bytes) -> None:
    data = (raw / file).read_bytes()
    assert old in data, old
    (raw / file).write_bytes(data.replace(old, new, 1))


def append_line(raw: Path, file: str, line: str) -> None:
    with open(raw / file, "a", encoding="utf-8", newline="") as fh:
        fh.write(line + "\n")


def edit_descriptor(raw: Path, change: Callable[[dict], None]) -> None:
    descriptor = json.loads((raw / "datapackage.json").read_text(encoding="utf-8"))
    change(descriptor)
    (raw / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def resource(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def field_of(descriptor: dict, res: str, name: str) -> dict:
    return next(f for f in resource(descriptor, res)["schema"]["fields"] if f["name"] == name)


def rewrite_lines(raw: Path, file: str, change: Callable[[int, str], str]) -> None:
    """Apply ``change(line number, line)`` to every line of a file (line feeds kept)."""
    lines = (raw / file).read_text(encoding="utf-8").split("\n")
    (raw / file).write_text("\n".join(change(i + 1, line) if line else line for i, line in enumerate(lines)), encoding="utf-8")


def correction(fields: str) -> Callable[[Path], None]:
    """A new row of corrections.csv (fix013: the real file has twelve)."""
    return lambda raw: append_line(raw, "corrections.csv", f"fix013,{fields},test case")


@dataclass
class Case:
    id: str
    mutate: Callable[[Path], None]
    #: (file, row, line, column, rule) of every problem expected, in order; empty = the package loads
    expect: list[tuple] = field(default_factory=list)
    #: words the first problem's message must hold
    says: tuple[str, ...] = ()


def problem(file, row, column, rule, line=None):
    """The expected problem at ``row`` (its line is row + 1 unless given) of ``file``."""
    return (file, row, line if line is not None or row is None else row + 1, column, rule)


CASES = [
    # ---- sources.csv
    Case("bom-accepted", lambda raw: edit_bytes(raw, "sources.csv", b"source_id,", b"\xef\xbb\xbfsource_id,")),
    Case("crlf-accepted", lambda raw: (raw / "sources.csv").write_bytes((raw / "sources.csv").read_bytes().replace(b"\n", b"\r\n"))),
    Case("publication-in-the-future", lambda raw: edit_cell(raw, "sources.csv", "azernews_20210129", "published", "2099-01-29"),
         [problem("sources.csv", 1, "published", "date-range")], ("after the day of this run, 2026-12-02",)),
    Case("publication-month-in-the-future", lambda raw: edit_cell(raw, "sources.csv", "azernews_20210129", "published", "2027-01"),
         [problem("sources.csv", 1, "published", "date-range")], ("its first day, 2027-01-01",)),
    Case("publication-before-1991", lambda raw: edit_cell(raw, "sources.csv", "azernews_20210129", "published", "1985"),
         [problem("sources.csv", 1, "published", "date-range")], ("before 1991-01-01",)),
    Case("not-utf8", lambda raw: edit_bytes(raw, "sources.csv", b"Azernews,", b"Az\xe9rnews,"),
         [problem("sources.csv", 1, "publisher", "encoding")], ("byte 0xe9 is not UTF-8", "Az\\xe9rnews")),
    Case("utf16", lambda raw: (raw / "sources.csv").write_bytes((raw / "sources.csv").read_text(encoding="utf-8").encode("utf-16")),
         [("sources.csv", None, 1, None, "encoding")], ("UTF-16",)),
    Case("duplicate-source-id", lambda raw: edit_cell(raw, "sources.csv", "meydan_tv_nd", "source_id", "azernews_20210129"),
         [problem("sources.csv", 2, "source_id", "unique")], ("already used in row 1",)),
    Case("url-not-an-address", lambda raw: edit_cell(raw, "sources.csv", "azernews_20210129", "url", "www.azernews.az/x"),
         [problem("sources.csv", 1, "url", "format")]),
    Case("language-not-a-code", lambda raw: edit_cell(raw, "sources.csv", "azernews_20210129", "language", "english"),
         [problem("sources.csv", 1, "language", "pattern")]),
    Case("required-publisher-blank", lambda raw: edit_cell(raw, "sources.csv", "azernews_20210129", "publisher", ""),
         [problem("sources.csv", 1, "publisher", "required")]),
    Case("header-zero-width-space", lambda raw: edit_bytes(raw, "sources.csv", b",title,", ",title\u200b,".encode()),
         [("sources.csv", None, 1, "title\u200b", "invisible-character")],
         ("column 'title\\u200b'", "U+200B (ZERO WIDTH SPACE)")),
    Case("header-trailing-comma", lambda raw: edit_bytes(raw, "sources.csv", b"language,note\n", b"language,note,\n"),
         [("sources.csv", None, 1, "", "empty-column-name")], ("column ''", "trailing comma")),
    Case("file-missing", lambda raw: (raw / "sources.csv").unlink(), [("sources.csv", None, None, None, "missing-file")]),
    # ---- casualty_reports.csv
    Case("negative-count", lambda raw: edit_cell(raw, "casualty_reports.csv", "cr020", "killed", "-33"),
         [problem("casualty_reports.csv", 20, "killed", "minimum")], ("below the minimum 0",)),
    Case("astronomical-count", lambda raw: edit_cell(raw, "casualty_reports.csv", "cr020", "killed", "9" * 40),
         [problem("casualty_reports.csv", 20, "killed", "type")], ("too large to be a count",)),
    Case("count-above-maximum", lambda raw: edit_cell(raw, "casualty_reports.csv", "cr020", "injured", "13900000"),
         [problem("casualty_reports.csv", 20, "injured", "maximum")], ("above the maximum 10,000,000",)),
    Case("other-script-digits", lambda raw: edit_cell(raw, "casualty_reports.csv", "cr020", "killed", "\u0663\u0663"),
         [problem("casualty_reports.csv", 20, "killed", "type")], ("not a whole number",)),
    Case("killed-plus-injured", lambda raw: edit_cell(raw, "casualty_reports.csv", "cr067", "injured", "245"),
         [problem("casualty_reports.csv", 67, "total", "killed-plus-injured")], ("killed 55 + injured 245 = 300, not the total 299",)),
    Case("as-of-in-the-future", lambda raw: edit_cell(raw, "casualty_reports.csv", "cr020", "as_of_date", "2099-10-15"),
         [problem("casualty_reports.csv", 20, "as_of_date", "date-range")], ("a date in the future",)),
    Case("as-of-past-the-run-page-without-publication",
         lambda raw: edit_cell(raw, "casualty_reports.csv", "cr002", "as_of_date", "2026-12-03"),
         [problem("casualty_reports.csv", 2, "as_of_date", "date-range")], ("after the day of this run, 2026-12-02",)),
    Case("as-of-month-of-the-run-accepted", lambda raw: edit_cell(raw, "casualty_reports.csv", "cr002", "as_of_date", "2026-12")),
    Case("period-start-long-before-1991", lambda raw: edit_cell(raw, "casualty_reports.csv", "cr048", "period_start", "1918-01-01"),
         [problem("casualty_reports.csv", 48, "period_start", "date-range")], ("before 1991-01-01",)),
    Case("period-start-against-scope-text", lambda raw: edit_cell(raw, "casualty_reports.csv", "cr048", "period_start", "2020-11-10"),
         [problem("casualty_reports.csv", 48, "period_start", "scope-text")], ("'1991-2022'", "names 1991")),
    Case("period-start-against-iso-scope-text",
         lambda raw: edit_cell(raw, "casualty_reports.csv", "cr020", "period_start", "2020-11-01"),
         [problem("casualty_reports.csv", 20, "period_start", "scope-text")], ("starts on 2020-11-10",)),
    Case("period-start-against-since-month", lambda raw: edit_cell(raw, "casualty_reports.csv", "cr049", "period_start", "2020-12-01"),
         [problem("casualty_reports.csv", 49, "period_start", "scope-text")], ("runs from November 2020",)),
    Case("duplicate-flag-without-duplicate-of", lambda raw: edit_cell(raw, "casualty_reports.csv", "cr003", "duplicate_of", ""),
         [problem("casualty_reports.csv", 3, "duplicate_of", "relay")], ("flagged 'duplicate' but duplicate_of is empty",)),
    Case("duplicate-of-without-flag", lambda raw: edit_cell(raw, "casualty_reports.csv", "cr003", "flags", "parts_only"),
         [problem("casualty_reports.csv", 3, "flags", "relay")], ("duplicate_of names cr002 but the flags lack 'duplicate'",)),
    Case("duplicate-of-a-later-record", lambda raw: edit_cell(raw, "casualty_reports.csv", "cr003", "duplicate_of", "cr004"),
         [problem("casualty_reports.csv", 3, "duplicate_of", "duplicate-of")], ("not an earlier record",)),
    Case("unknown-source", lambda raw: edit_cell(raw, "casualty_reports.csv", "cr020", "source_id", "trt_20991024"),
         [problem("casualty_reports.csv", 20, "source_id", "foreign-key")]),
    Case("line-separator-in-a-quote-accepted",
         lambda raw: edit_bytes(raw, "casualty_reports.csv", b"Foreign Ministry said", "Foreign\u2028Ministry\u2029said".encode())),
    Case("line-separators-keep-later-numbers", lambda raw: (
        edit_bytes(raw, "casualty_reports.csv", b"Foreign Ministry said", "Foreign\u2028Ministry\x85\u2029said".encode()),
        edit_cell(raw, "casualty_reports.csv", "cr020", "killed", "-1")),
         [problem("casualty_reports.csv", 20, "killed", "minimum")]),
    Case("nul-byte-in-a-quote", lambda raw: edit_bytes(raw, "casualty_reports.csv", b"Foreign Ministry said", b"Foreign\x00Ministry said"),
         [problem("casualty_reports.csv", 1, "quote", "nul-byte")], ("Foreign\\x00Ministry",)),
    Case("field-above-the-csv-limit", lambda raw: edit_bytes(raw, "casualty_reports.csv", b"Foreign Ministry said",
                                                             b"Foreign Ministry said" + b" and" * 40000),
         [problem("casualty_reports.csv", 1, "quote", "field-size")], ("160,231 characters", "limit of 131,072")),
    Case("malformed-row-then-a-later-error", lambda raw: (
        edit_bytes(raw, "casualty_reports.csv", b"\ncr010,", b"\ncr010,extra,"),
        edit_cell(raw, "casualty_reports.csv", "cr020", "killed", "-1")),
         [problem("casualty_reports.csv", 10, None, "row-length"), problem("casualty_reports.csv", 20, "killed", "minimum")],
         ("30 cells but the header has 29",)),
    Case("malformed-row-a-correction-targets", lambda raw: edit_bytes(raw, "casualty_reports.csv", b"\ncr097,", b"\ncr097,extra,"),
         [problem("casualty_reports.csv", 97, None, "row-length")]),
    Case("malformed-row-a-relay-points-at", lambda raw: edit_bytes(raw, "casualty_reports.csv", b"\ncr002,", b"\ncr002,extra,"),
         [problem("casualty_reports.csv", 2, None, "row-length")]),
    Case("quote-left-open", lambda raw: edit_bytes(raw, "casualty_reports.csv", b'(it repeats cr094)."\n', b'(it repeats cr094).\n'),
         [problem("casualty_reports.csv", 186, None, "row-length")], ("runs over lines 187-188: a quote",)),
    Case("unknown-column", lambda raw: rewrite_lines(raw, "casualty_reports.csv", lambda i, line: line + (",deaths" if i == 1 else ",")),
         [("casualty_reports.csv", None, 1, "deaths", "unknown-column")]),
    Case("quote-of-spaces-only", lambda raw: edit_cell(raw, "casualty_incidents.csv", "ci002", "quote", "   "),
         [problem("casualty_incidents.csv", 2, "quote", "required")]),
    Case("whitespace-around-a-cell", lambda raw: edit_cell(raw, "casualty_reports.csv", "cr020", "basis", "cumulative "),
         [problem("casualty_reports.csv", 20, "basis", "whitespace")]),
    # ---- clearance_reports.csv
    Case("infinite-area", lambda raw: edit_cell(raw, "clearance_reports.csv", "cl005", "hectares", "1e400"),
         [problem("clearance_reports.csv", 5, "hectares", "type")], ("not a finite number",)),
    Case("area-above-maximum", lambda raw: edit_cell(raw, "clearance_reports.csv", "cl005", "hectares", "6200000000"),
         [problem("clearance_reports.csv", 5, "hectares", "maximum")], ("above the maximum 1,000,000,000",)),
    Case("area-larger-than-the-country", lambda raw: (
        edit_cell(raw, "clearance_reports.csv", "cl005", "hectares", "9000000"),
        edit_cell(raw, "clearance_reports.csv", "cl005", "period_start", "2000-01-01")),
         [problem("clearance_reports.csv", 5, "hectares", "implausible-area")], ("more than Azerbaijan's whole territory",)),
    Case("thousands-separator", lambda raw: edit_cell(raw, "clearance_reports.csv", "cl001", "ap_mines", "4,500"),
         [problem("clearance_reports.csv", 1, "ap_mines", "type")], ("without thousands separators",)),
    Case("period-start-after-end", lambda raw: edit_cell(raw, "clearance_reports.csv", "cl001", "period_start", "2020-12-01"),
         [problem("clearance_reports.csv", 1, "period_start", "period-order")]),
    Case("impossible-month", lambda raw: edit_cell(raw, "clearance_reports.csv", "cl005", "as_of_date", "2021-13"),
         [problem("clearance_reports.csv", 5, "as_of_date", "type")]),
    Case("unknown-operator", lambda raw: edit_cell(raw, "clearance_reports.csv", "cl001", "operators", "halo_trust"),
         [problem("clearance_reports.csv", 1, "operators", "enum")]),
    Case("parts-above-items-total", lambda raw: edit_cell(raw, "clearance_reports.csv", "cl006", "uxo", "20000"),
         [problem("clearance_reports.csv", 6, "items_total", "part-above-total")]),
    # ---- contamination_estimates.csv
    Case("high-estimate-below-low", lambda raw: edit_cell(raw, "contamination_estimates.csv", "ce024", "value_high", "2"),
         [problem("contamination_estimates.csv", 24, "value_high", "range-order")], ("below the lower end",)),
    Case("share-above-100-percent", lambda raw: edit_cell(raw, "contamination_estimates.csv", "ce008", "value", "120"),
         [problem("contamination_estimates.csv", 8, "value", "unit-range")], ("120 percent is more than the whole (100 percent)",)),
    Case("area-estimate-larger-than-the-country", lambda raw: edit_cell(raw, "contamination_estimates.csv", "ce080", "value", "90000"),
         [problem("contamination_estimates.csv", 80, "value", "unit-range")], ("90000 km2 is more than Azerbaijan's whole territory",)),
    Case("astronomical-value", lambda raw: edit_cell(raw, "contamination_estimates.csv", "ce001", "value", "1e300"),
         [problem("contamination_estimates.csv", 1, "value", "maximum")]),
    Case("header-invisible-value", lambda raw: edit_bytes(raw, "contamination_estimates.csv", b",value,", ",value\u200b,".encode()),
         [("contamination_estimates.csv", None, 1, "value\u200b", "invisible-character")], ("column 'value\\u200b'",)),
    Case("estimate-before-1991", lambda raw: edit_cell(raw, "contamination_estimates.csv", "ce001", "as_of_date", "1980"),
         [problem("contamination_estimates.csv", 1, "as_of_date", "date-range")]),
    # ---- monitor_annual.csv
    Case("monitor-high-below-low", lambda raw: edit_cell(raw, "monitor_annual.csv", "ma156", "value_high", "1500"),
         [problem("monitor_annual.csv", 156, "value_high", "range-order")]),
    Case("monitor-period-before-1945", lambda raw: edit_cell(raw, "monitor_annual.csv", "ma001", "period_start", "1901-01-01"),
         [problem("monitor_annual.csv", 1, "period_start", "date-range")], ("before 1945-01-01",)),
    Case("monitor-impossible-day", lambda raw: edit_cell(raw, "monitor_annual.csv", "ma001", "period_end", "2006-07-32"),
         [problem("monitor_annual.csv", 1, "period_end", "type")]),
    Case("monitor-unknown-edition", lambda raw: edit_cell(raw, "monitor_annual.csv", "ma001", "edition", "second"),
         [problem("monitor_annual.csv", 1, "edition", "enum")]),
    # ---- casualty_incidents.csv
    Case("incident-long-before-1991", lambda raw: edit_cell(raw, "casualty_incidents.csv", "ci002", "date", "1902-11-14"),
         [problem("casualty_incidents.csv", 2, "date", "date-range")]),
    Case("incident-in-the-future", lambda raw: edit_cell(raw, "casualty_incidents.csv", "ci001", "date", "2031"),
         [problem("casualty_incidents.csv", 1, "date", "date-range")]),
    Case("incident-count-above-maximum", lambda raw: edit_cell(raw, "casualty_incidents.csv", "ci002", "killed", "20000"),
         [problem("casualty_incidents.csv", 2, "killed", "maximum")]),
    Case("incident-unknown-group", lambda raw: edit_cell(raw, "casualty_incidents.csv", "ci002", "victim_group", "tourist"),
         [problem("casualty_incidents.csv", 2, "victim_group", "enum")]),
    Case("row-trailing-comma", lambda raw: rewrite_lines(raw, "casualty_incidents.csv", lambda i, line: line + "," if i == 4 else line),
         [problem("casualty_incidents.csv", 3, None, "row-length")], ("a trailing comma?",)),
    Case("every-row-trailing-comma", lambda raw: rewrite_lines(raw, "casualty_incidents.csv", lambda i, line: line + "," if i > 1 else line),
         [problem("casualty_incidents.csv", 1, None, "row-length")], ("every one of the 79 rows",)),
    # ---- corrections.csv
    Case("correction-blanks-a-required-field", correction("casualty_reports,cr020,scope_text,2020-11-10 to 2021-10-15,"),
         [problem("corrections.csv", 13, "corrected_value", "required")], ("cr020, column 'scope_text' requires a value",)),
    Case("correction-removes-the-citation", correction("casualty_reports,cr020,source_id,trt_20211024,"),
         [problem("corrections.csv", 13, "corrected_value", "required")]),
    Case("correction-removes-the-quote", lambda raw: append_line(
        raw, "corrections.csv", "fix013,casualty_incidents,ci002,quote," + json.dumps(cell("casualty_incidents.csv", "ci002", "quote"))
        .replace("\\\"", "\"\"") + ",,test case"),
         [problem("corrections.csv", 13, "corrected_value", "required")]),
    Case("correction-to-another-records-id", correction("casualty_reports,cr020,report_id,cr020,cr019"),
         [problem("corrections.csv", 13, "field", "correction")], ("the record's id",)),
    Case("correction-makes-a-count-negative", correction("clearance_reports,cl001,uxo,750,-750"),
         [problem("corrections.csv", 13, "corrected_value", "minimum")], ("cl001, column 'uxo'",)),
    Case("correction-astronomical", correction("clearance_reports,cl001,uxo,750,7500000000000000000000"),
         [problem("corrections.csv", 13, "corrected_value", "type")]),
    Case("correction-date-before-1991", correction("casualty_reports,cr048,period_start,1991-01-01,1899-01-01"),
         [problem("corrections.csv", 13, "corrected_value", "date-range")]),
    Case("correction-to-an-unknown-source", correction("casualty_reports,cr020,source_id,trt_20211024,trt_20991024"),
         [problem("casualty_reports.csv", 20, "source_id", "foreign-key")], ("as corrected by fix013",)),
    Case("correction-breaks-a-sum", correction("casualty_reports,cr097,killed,65,66"),
         [problem("casualty_reports.csv", 97, "total", "killed-plus-injured")], ("as corrected by fix003, fix013",)),
    Case("correction-drops-the-relay-flag", correction("casualty_reports,cr003,flags,duplicate;parts_only,parts_only"),
         [problem("casualty_reports.csv", 3, "flags", "relay")], ("as corrected by fix013",)),
    Case("correction-printed-value-wrong-no-cascade", lambda raw: edit_bytes(raw, "corrections.csv", b"total,365,356", b"total,366,356"),
         [problem("corrections.csv", 3, "printed_value", "correction")], ("does not match the raw cell '365'",)),
    Case("correction-of-a-cell-twice", correction("casualty_reports,cr097,total,365,357"),
         [problem("corrections.csv", 13, "field", "correction")], ("already corrected by fix003",)),
    Case("correction-of-an-unknown-record", correction("casualty_reports,cr999,total,1,2"),
         [problem("corrections.csv", 13, "record_id", "correction")]),
    Case("correction-with-spaces", correction("clearance_reports,cl001,uxo,750,751 "),
         [problem("corrections.csv", 13, "corrected_value", "whitespace")]),
    # ---- intake.csv
    Case("intake-unknown-record", lambda raw: edit_cell(raw, "intake.csv", "in003", "records", "cr999"),
         [problem("intake.csv", 3, "records", "foreign-key")]),
    Case("intake-names-a-malformed-row", lambda raw: edit_bytes(raw, "casualty_reports.csv", b"\ncr153,", b"\ncr153,extra,"),
         [problem("casualty_reports.csv", 153, None, "row-length")]),
    Case("intake-batch-row-zero", lambda raw: edit_cell(raw, "intake.csv", "in003", "batch_row", "0"),
         [problem("intake.csv", 3, "batch_row", "minimum")]),
    Case("intake-batch-row-astronomical", lambda raw: edit_cell(raw, "intake.csv", "in003", "batch_row", "1" + "0" * 30),
         [problem("intake.csv", 3, "batch_row", "type")]),
    # ---- datapackage.json
    Case("descriptor-unknown-type", lambda raw: edit_descriptor(raw, lambda d: field_of(d, "casualty_reports", "killed").update(type="count")),
         [("datapackage.json", None, 261, "killed", "descriptor-type")], ("type 'count' is not one the loader reads",)),
    Case("descriptor-field-without-type", lambda raw: edit_descriptor(raw, lambda d: field_of(d, "clearance_reports", "uxo").pop("type")),
         [("datapackage.json", None, 651, "uxo", "descriptor-type")], ("no 'type'",)),
    Case("descriptor-missing-key", lambda raw: edit_descriptor(raw, lambda d: resource(d, "intake").pop("path")),
         [("datapackage.json", None, 1456, None, "descriptor-key")], ("resource 'intake'", "no 'path'")),
    Case("descriptor-dotdot-path", lambda raw: edit_descriptor(raw, lambda d: resource(d, "sources").update(path="../raw/sources.csv")),
         [("datapackage.json", None, 38, None, "descriptor-path")], ("'..'", "Frictionless spec forbids")),
    Case("descriptor-changed-primary-key",
         lambda raw: edit_descriptor(raw, lambda d: resource(d, "casualty_reports")["schema"].update(primaryKey=["source_id"])),
         [("datapackage.json", None, 445, None, "descriptor-primary-key")], ("['source_id']", "['report_id']")),
    Case("descriptor-not-json", lambda raw: edit_bytes(raw, "datapackage.json", b'"resources": [', b'"resources": [,'),
         [("datapackage.json", None, 35, None, "descriptor-json")], ("not valid JSON",)),
    Case("descriptor-unchecked-constraint",
         lambda raw: edit_descriptor(raw, lambda d: field_of(d, "sources", "title")["constraints"].update(maxLength=200)),
         [("datapackage.json", None, 71, "title", "descriptor-constraint")], ("'maxLength' is not checked",)),
    Case("descriptor-missing-resource", lambda raw: edit_descriptor(raw, lambda d: d["resources"].remove(resource(d, "sources"))),
         [("datapackage.json", None, None, None, "descriptor-key")], ("no resource named 'sources'",)),
    Case("descriptor-repeated-key", lambda raw: edit_bytes(raw, "datapackage.json", b'"name": "intake",', b'"name": "intake",\n      "name": "ledger",'),
         [("datapackage.json", None, 1457, None, "descriptor-key")], ("'name' appears twice",)),
    Case("descriptor-bad-pattern", lambda raw: edit_descriptor(raw, lambda d: field_of(d, "sources", "language")["constraints"].update(pattern="^[a-z")),
         [("datapackage.json", None, 97, "language", "descriptor-constraint")], ("not a regular expression",)),
]


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def pristine():
    return load_package(paths.RAW, today=TODAY)


@pytest.fixture(scope="module")
def outputs_before():
    return {d: _digest(paths.ROOT / d) for d in ("figures", "data/processed", "notebooks")}


def test_the_table_covers_every_raw_file_and_enough_cases():
    covered = {p[0] for c in CASES for p in c.expect}
    assert covered >= set(FILES.values()) | {"datapackage.json"}
    assert len(CASES) + len(PARAMETER_CASES) + len(FIGURES_CASES) >= 60


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_data_gives_one_message_that_says_where(case, tmp_path, pristine, outputs_before):
    raw = tmp_path / "raw"
    shutil.copytree(paths.RAW, raw)
    case.mutate(raw)
    given = _digest(raw)
    found = validate_package(raw, today=TODAY)
    assert [(p.file, p.row, p.line, p.column, p.rule) for p in found] == case.expect, "\n".join(map(str, found))
    for words in case.says:
        assert words in str(found[0]), str(found[0])
    for p in found:  # every message names where: a row and line, or a line, or the descriptor, or the file alone
        assert str(p).startswith(p.file)
        if p.row is not None:
            assert f"row {p.row} (line {p.line}" in str(p)
        if p.column is not None:
            assert f"'{p.column.encode('unicode_escape').decode()}'" in str(p) or f"'{p.column}'" in str(p)
    # nothing was written: not the package given, not the project's outputs
    assert _digest(raw) == given
    assert {d: _digest(paths.ROOT / d) for d in outputs_before} == outputs_before
    if not case.expect:
        loaded = load_package(raw, today=TODAY)
        for name, frame in pristine.frames.items():
            if case.id == "line-separator-in-a-quote-accepted" and name == "casualty_reports":
                assert loaded[name].drop(columns="quote").equals(frame.drop(columns="quote"))
                assert loaded[name].loc["cr001", "quote"] == frame.loc["cr001", "quote"].replace(
                    "Foreign Ministry said", "Foreign\u2028Ministry\u2029said")
            elif case.id == "as-of-month-of-the-run-accepted" and name == "casualty_reports":
                assert loaded[name].loc["cr002", "as_of_date"] == pd.Timestamp("2026-12-01")
            else:
                pd.testing.assert_frame_equal(loaded[name], frame, obj=name)


# --------------------------------------------------------------------------------------------------
# notebook parameters: each is checked by the helper its notebook calls, the message names it


def _file(tmp: Path) -> str:
    (tmp / "a_file.txt").write_text("not a folder")
    return str(tmp / "a_file.txt")


LAST = pd.Timestamp("2026-03-13")
PARAMETER_CASES = [
    # (id, call given a temporary folder, words of the message)
    ("00-start_year-type", lambda tmp: params.year_window("2020", 2026), "parameter 'start_year' must be int"),
    ("00-end_year-before-start", lambda tmp: params.year_window(2024, 2021), "parameter 'end_year' (2021) is before"),
    ("00-figure_formats", lambda tmp: params.figure_formats(["jpg"]), "parameter 'figure_formats'"),
    ("00-output_dir-is-a-file", lambda tmp: params.directory("output_dir", _file(tmp), paths.FIGURES),
     "parameter 'output_dir': '{tmp}/a_file.txt' is a file, not a folder"),
    ("00-output_dir-under-a-file", lambda tmp: params.directory("output_dir", _file(tmp) + "/figures", paths.FIGURES),
     "parameter 'output_dir': folder '{tmp}/a_file.txt/figures' cannot be created, because {tmp}/a_file.txt is a file"),
    ("00-raw_dir-is-a-file", lambda tmp: params.directory("raw_dir", _file(tmp), paths.RAW, must_exist=True),
     "parameter 'raw_dir': '{tmp}/a_file.txt' is a file, not a folder"),
    ("00-raw_dir-missing", lambda tmp: params.directory("raw_dir", str(tmp / "nowhere"), paths.RAW, must_exist=True),
     "parameter 'raw_dir': folder '{tmp}/nowhere' does not exist"),
    ("00-years-with-no-statement", lambda tmp: params.years_with_data(
        load_package(today=TODAY).casualty_reports["as_of_date"], 2010, 2015),
     "parameters 'start_year' (2010) and 'end_year' (2015): the years hold no figures; the figures cover 2020-2026"),
    ("01-window_start-not-a-date", lambda tmp: params.date_window("10 Nov 2020", ""), "parameter 'window_start' must be a date"),
    ("01-window_end-before-start", lambda tmp: params.date_window("2022-01-01", "2021-01-01"), "parameter 'window_end' (2021-01-01)"),
    ("01-window-with-no-statement", lambda tmp: params.window_with_data(
        load_package(today=TODAY).casualty_reports["as_of_date"], pd.Timestamp("2027-01-01"), None),
     "parameters 'window_start' (2027-01-01) and 'window_end' (''): the window holds no statements; the statements run "
     "from 2020-12-22 to 2026-03-13"),
    ("01-nowcast_to-before-last", lambda tmp: params.nowcast_to("2025-01-01", LAST, LAST), "parameter 'nowcast_to' (2025-01-01)"),
    ("01-measure-unknown", lambda tmp: params.choice("measure", "deaths", ["total", "killed"]), "parameter 'measure' must be one of"),
    ("01-long-run-with-no-figure", lambda tmp: params.years_with_data([1999, 2012, 2025], 2030, 2031,
                                                                      names=("long_run_start", "long_run_end")),
     "parameters 'long_run_start' (2030) and 'long_run_end' (2031): the years hold no figures; the figures cover 1999-2025"),
    ("01-processed_dir-is-a-file", lambda tmp: params.directory("processed_dir", _file(tmp), paths.PROCESSED),
     "parameter 'processed_dir': '{tmp}/a_file.txt' is a file"),
    ("02-case_fatality_date", lambda tmp: params.optional_date("case_fatality_date", "2023-02-30"),
     "parameter 'case_fatality_date' must be a date YYYY-MM-DD"),
    ("02-body_priority-unknown", lambda tmp: params.body_priority(["anama", "nasa"], ["anama", "pgo"]),
     "parameter 'body_priority' has unknown bodies ['nasa']"),
    ("02-window-with-too-few-splits", lambda tmp: params.window_with_data(["2023-12-09"], "2023-01-01", "2024-01-01", what="splits",
                                                                          minimum=2),
     "the window holds 1 splits (at least 2 needed)"),
    ("03-scopes-unknown", lambda tmp: params.subset("scopes", ["all", "halo"], ["all", "anama", "mod"]), "parameter 'scopes' must list"),
    ("03-scope-too-few-for-a-trend", lambda tmp: params.enough_for_trend("scopes", {"all": 56, "mod": 3}, 4, what="amounts"),
     "parameter 'scopes': 'mod' has 3 amounts, too few for a trend (at least 4 needed); enough: all"),
    ("03-trended-scope-not-chosen", lambda tmp: params.enough_for_trend("scopes", {"mod": 3}, 4, need=["all"], what="hectares amounts"),
     "parameter 'scopes': 'all' is not chosen (0 hectares amounts), too few for a trend (at least 4 needed)"),
    ("03-scenario-below-cleared", lambda tmp: params.scenarios_above_cleared(
        "scenario_ha", {"small": 100_000.0, "big": 1_166_702.0}, 171_234.0, as_of=pd.Timestamp("2026-03-09")),
     "parameter 'scenario_ha': scenario 'small' (100,000 ha) is not larger than the area already cleared by 2026-03-09, "
     "171,234 ha"),
    ("03-scenario_ha-not-positive", lambda tmp: params.positive_mapping("scenario_ha", {"x": -1.0}), "parameter 'scenario_ha'"),
    ("03-fan_scenario-unknown", lambda tmp: params.choice("fan_scenario", "nope", ["a", "b"]), "parameter 'fan_scenario'"),
    ("03-planned_rates-text", lambda tmp: params.positive_mapping("planned_rates", {"plan": "65000"}), "parameter 'planned_rates'"),
    ("03-targets-not-years", lambda tmp: params.year_mapping("targets", {"soon": 1999}), "parameter 'targets'"),
    ("04-first_cutoff", lambda tmp: params.optional_date("first_cutoff", "July 2021"), "parameter 'first_cutoff'"),
    ("04-cutoff_months", lambda tmp: params.positive_number("cutoff_months", 0), "parameter 'cutoff_months' must be > 0"),
    ("04-horizon_days", lambda tmp: params.positive_number("horizon_days", "180"), "parameter 'horizon_days' must be int or float"),
    ("misspelled-parameter", lambda tmp: params.known_parameters(
        ["", "from analysis.pipeline import params", 'window_start: str = "2020-11-10"  # first day\nwindow_end: str = ""',
         '# Parameters\nwindw_start = "2021-01-01"\n', "params.known_parameters()"]),
     "parameter 'windw_start' is not a parameter of this notebook: papermill would ignore it and run the default; did you "
     "mean 'window_start'?"),
    ("misspelled-parameter-to-the-runner", lambda tmp: runner.run(paths.NOTEBOOKS / "04_validation.ipynb", tmp / "out.ipynb",
                                                                  {"horizon_day": 90}),
     "parameter 'horizon_day' is not a parameter of this notebook"),
]


@pytest.mark.parametrize("make, words", [c[1:] for c in PARAMETER_CASES], ids=[c[0] for c in PARAMETER_CASES])
def test_a_bad_parameter_names_itself_before_anything_is_written(make, words, tmp_path, outputs_before):
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(params.ParameterError) as err:
        make(tmp_path)
    assert words.format(tmp=tmp_path) in str(err.value)
    # nothing was created or written: not in the temporary folder (beyond the file a case made), not in the project
    assert sorted(p.name for p in tmp_path.iterdir()) in (before, sorted(before + ["a_file.txt"]))
    assert {d: _digest(paths.ROOT / d) for d in outputs_before} == outputs_before


def test_a_misspelled_parameter_stops_a_papermill_run_in_the_cell_that_checks(tmp_path):
    """papermill -p with a name the parameters cell does not declare: the notebook's check cell raises."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell("from analysis.pipeline import params"),
                nbformat.v4.new_code_cell('window_start: str = "2020-11-10"\nwindow_end: str = ""', metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("params.known_parameters()\nprint('checked', window_start)")]
    nbformat.write(nb, tmp_path / "check.ipynb")
    out = papermill.execute_notebook(str(tmp_path / "check.ipynb"), str(tmp_path / "ok.ipynb"), parameters={"window_end": "2024-01-01"},
                                     kernel_name="python3", progress_bar=False)
    assert "checked 2020-11-10" in out.cells[-1].outputs[0]["text"]
    with pytest.raises(PapermillExecutionError) as err:
        papermill.execute_notebook(str(tmp_path / "check.ipynb"), str(tmp_path / "bad.ipynb"), parameters={"windw_start": "2021-01-01"},
                                   kernel_name="python3", progress_bar=False)
    assert err.value.ename == "ParameterError" and "did you mean 'window_start'?" in err.value.evalue


def test_known_parameters_has_nothing_to_check_without_papermill():
    params.known_parameters(["", "import x", 'window_start: str = "2020-11-10"', "params.known_parameters()"])
    params.known_parameters(["", "# Parameters\n", "params.known_parameters()"])  # injected cell without names
    assert params.declared_parameters('a: int = 1  # one\nb = "x"\nc, d = 1, 2\n# e = 3') == ["a", "b", "c", "d"]


def test_the_good_values_pass(tmp_path):
    assert params.directory("output_dir", str(tmp_path / "new" / "figures"), paths.FIGURES) == tmp_path / "new" / "figures"
    assert not (tmp_path / "new").exists()  # checked, not created
    assert params.window_with_data(pd.to_datetime(["2021-01-01", "2022-06-01"]), pd.Timestamp("2022-01-01"), None) == 1
    assert params.years_with_data([2019, 2020], 2020, 2030) == 1
    assert params.scenarios_above_cleared("scenario_ha", {"a": 2.0}, 1.0) == {"a": 2.0}
    assert params.enough_for_trend("scopes", {"all": 4}, 4) == ["all"]


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root may write in any folder")
def test_an_output_dir_without_permission_is_refused(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(params.ParameterError, match="parameter 'output_dir': folder .* cannot be created"):
            params.directory("output_dir", str(locked / "figures"), paths.FIGURES)
    finally:
        locked.chmod(0o700)


# --------------------------------------------------------------------------------------------------
# make figures on a copy of the project


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A copy of the project (not .venv, .git or build), run with this checkout's python and the copy's code."""
    root = tmp_path_factory.mktemp("project") / "azmine"
    shutil.copytree(paths.ROOT, root, ignore=shutil.ignore_patterns(".venv", ".git", "build", "report", "__pycache__",
                                                                     ".pytest_cache", ".hypothesis", ".stage-*"))
    return root


def _figures(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, AZMINE_ROOT=str(project), PYTHONPATH=str(project / "src"))
    return subprocess.run([sys.executable, "-m", "analysis.pipeline.runner", *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=300)


def _bad_intake(raw: Path) -> None:  # intake.csv is no notebook's input: every notebook is unchanged
    edit_cell(raw, "intake.csv", "in003", "records", "cr999")


FIGURES_CASES = [
    # (id, mutate data/raw, command-line arguments after the notebooks, exit status, words of stderr)
    ("negative-count", lambda raw: edit_cell(raw, "casualty_reports.csv", "cr020", "killed", "-33"), ["--force"], 1,
     "casualty_reports.csv, row 20 (line 21, cr020), column 'killed': [minimum] count -33 is below the minimum 0"),
    ("descriptor-unknown-type", lambda raw: edit_descriptor(raw, lambda d: field_of(d, "casualty_reports", "killed").update(type="count")),
     [], 1, "datapackage.json, resource 'casualty_reports', line 261, field 'killed': [descriptor-type]"),
    ("bad-file-no-notebook-reads", _bad_intake, [], 1, "intake.csv, row 3 (line 4, in003), column 'records': [foreign-key]"),
    ("correction-bypassing-the-rules", correction("casualty_reports,cr020,scope_text,2020-11-10 to 2021-10-15,"), ["--force"], 1,
     "corrections.csv, row 13 (line 14, fix013), column 'corrected_value': [required]"),
    ("misspelled-option", lambda raw: None, ["--forse"], 2, "unknown option(s): --forse"),
]


@pytest.mark.parametrize("mutate, args, status, words", [c[1:] for c in FIGURES_CASES], ids=[c[0] for c in FIGURES_CASES])
def test_make_figures_with_bad_input_stops_before_any_notebook_and_writes_nothing(project, mutate, args, status, words):
    raw = project / "data" / "raw"
    shutil.rmtree(raw)
    shutil.copytree(paths.RAW, raw)
    mutate(raw)
    before = {d: _digest(project / d) for d in ("figures", "data/processed", "notebooks")}
    notebooks = sorted(str(p.relative_to(project)) for p in (project / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    out = _figures(project, *notebooks, *args)
    assert out.returncode == status, out.stderr[-2000:]
    assert words in out.stderr, out.stderr[-2000:]
    assert "ran " not in out.stdout  # no notebook started
    assert {d: _digest(project / d) for d in before} == before
    assert not list(project.glob(".stage-*"))


def test_make_figures_names_a_missing_notebook(project):
    out = _figures(project, "notebooks/05_missing.ipynb")
    assert out.returncode == 2 and "notebooks/05_missing.ipynb: no such notebook" in out.stderr


def test_the_runner_remembers_a_valid_package_and_checks_a_changed_one(tmp_path, monkeypatch):
    root = tmp_path / "project"
    shutil.copytree(paths.RAW, root / "data" / "raw")
    shutil.copy(paths.ROOT / "requirements.txt", root / "requirements.txt")
    monkeypatch.setattr(paths, "ROOT", root)
    monkeypatch.setattr(paths, "RAW", root / "data" / "raw")
    assert runner.check_data() == [] and runner.validated_stamp().is_file()
    edit_cell(paths.RAW, "casualty_reports.csv", "cr020", "killed", "-33")
    assert runner.check_data() == ["casualty_reports.csv, row 20 (line 21, cr020), column 'killed': [minimum] count -33 is below "
                                   "the minimum 0"]
