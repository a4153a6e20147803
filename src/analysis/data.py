"""Load and validate the raw data package in ``data/raw`` into typed DataFrames.

The Frictionless descriptor ``data/raw/datapackage.json`` is the single schema: this module reads the
field types and constraints from it (the tests also validate the files with the ``frictionless``
library against the same descriptor, so the two cannot drift apart).

Loading does, in order:

1. read each CSV as text and check its header against the descriptor (missing, unknown, out of order);
2. check every cell: required, type (integer, number, date, partial date), minimum, enum, pattern,
   uniqueness, and that every ``source_id`` exists in ``sources.csv``;
3. apply ``corrections.csv``: each correction must name an existing record and field, its
   ``printed_value`` must equal the raw cell, and the corrected value must pass the field's checks;
4. check rules across fields on the corrected values (killed + injured = total unless the row carries
   the flag ``source_arithmetic``; parts never above totals; period start not after the as-of date; no
   date after the page's publication date; ``duplicate_of`` names an earlier record; every record the
   intake ledger names exists, and no gathered row is entered twice);
5. return typed frames: counts as nullable ``Int64``, areas as ``Float64``, enums as categories, dates as
   ``datetime64``. A partial date column ``x`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) becomes three:
   ``x`` (earliest day it can mean), ``x_latest`` (latest day) and ``x_precision`` (year/month/day).

Every problem found is collected (not only the first) and reported together in one
:class:`DataValidationError`; each names the file, the data row (1 = first row under the header), the
line in the file, the record id, the column and the rule.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .pipeline import paths

STATEMENT_RESOURCES = (
    "casualty_reports",
    "clearance_reports",
    "contamination_estimates",
    "monitor_annual",
    "casualty_incidents",
)
ALL_RESOURCES = ("sources",) + STATEMENT_RESOURCES + ("corrections", "intake")
#: The id prefix of each statement file, as the intake ledger names records.
ID_PREFIXES = {"cr": "casualty_reports", "cl": "clearance_reports", "ce": "contamination_estimates",
               "ma": "monitor_annual", "ci": "casualty_incidents"}
#: The column that dates each statement (the day its figures refer to, or the end of its period).
STATEMENT_DATE = {"casualty_reports": "as_of_date", "clearance_reports": "as_of_date",
                  "contamination_estimates": "as_of_date", "monitor_annual": "period_end", "casualty_incidents": "date"}

#: The descriptor's pattern for a date known to the day, the month or only the year.
PARTIAL_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_URI = re.compile(r"^https?://\S+$")

#: Casualty count triples that must add up: (part, part, total).
SUM_RULES = (
    ("killed", "injured", "total"),
    ("civilian_killed", "civilian_injured", "civilian_total"),
    ("military_killed", "military_injured", "military_total"),
)
#: Parts that may never exceed their total: (parts, total).
PART_RULES = (
    (("civilian_total",), "total"),
    (("military_total",), "total"),
    (("civilian_total", "military_total"), "total"),
    (("civilian_killed",), "killed"),
    (("military_killed",), "killed"),
    (("civilian_killed", "military_killed"), "killed"),
    (("civilian_injured",), "injured"),
    (("military_injured",), "injured"),
    (("civilian_injured", "military_injured"), "injured"),
    (("civilian_killed",), "civilian_total"),
    (("civilian_injured",), "civilian_total"),
    (("military_killed",), "military_total"),
    (("military_injured",), "military_total"),
    (("killed",), "total"),
    (("injured",), "total"),
    (("children",), "total"),
    (("women",), "total"),
)
#: Hectares a day above which a clearance figure is taken for a unit slip (the record's fastest week: ~590).
MAX_HECTARES_PER_DAY = 2000.0
#: The flag by which a row acknowledges that the source's own arithmetic does not add up.
ARITHMETIC_FLAG = "source_arithmetic"


#: Columns that can be no later than the page's publication date. (A Monitor row's period_end can be:
#: a year's figures are published during it, as year-to-date.)
_DATED_BY_PUBLICATION = {
    "casualty_reports": ("as_of_date", "period_start"),
    "clearance_reports": ("as_of_date", "period_end", "period_start"),
    "contamination_estimates": ("as_of_date",),
    "monitor_annual": ("period_start",),
    "casualty_incidents": ("date",),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the data package, located as precisely as possible."""

    file: str
    rule: str
    message: str
    row: int | None = None
    line: int | None = None
    record_id: str | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            rec = f", {self.record_id}" if self.record_id else ""
            where.append(f"row {self.row} (line {self.line}{rec})")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: [{self.rule}] {self.message}"


class DataValidationError(ValueError):
    """Raised when the data package has problems; ``.problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = [f"{len(self.problems)} problem(s) in the data package:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


@dataclass
class DataPackage:
    """The validated data: one typed DataFrame per resource, plus what was corrected."""

    raw_dir: Path
    frames: dict[str, pd.DataFrame]
    corrections_applied: pd.DataFrame
    lines: dict[str, dict[str, int]] = field(default_factory=dict)

    def __getitem__(self, resource: str) -> pd.DataFrame:
        return self.frames[resource]

    def __getattr__(self, name: str) -> pd.DataFrame:
        frames = self.__dict__.get("frames", {})
        if name in frames:
            return frames[name]
        raise AttributeError(name)

    def coverage(self) -> pd.DataFrame:
        """Per statement file: rows, and the earliest and latest date its statements refer to, and the latest
        publication date of the pages it cites (see :func:`coverage`)."""
        return coverage(self)

    def flagged(self) -> pd.DataFrame:
        """Every statement that carries a curation flag: resource, id, date, flags, duplicate_of, note."""
        parts = []
        for resource in STATEMENT_RESOURCES:
            df = self.frames[resource]
            date_col = "date" if resource == "casualty_incidents" else ("as_of_date" if "as_of_date" in df else "period_end")
            sel = df[df["flags"].notna()]
            parts.append(
                pd.DataFrame(
                    {
                        "resource": resource,
                        "record_id": sel.index.astype(str),
                        "date": sel[date_col].dt.strftime("%Y-%m-%d") if len(sel) else pd.Series(dtype=str),
                        "flags": sel["flags"].astype(str),
                        "duplicate_of": sel["duplicate_of"].astype("string"),
                    }
                )
            )
        out = pd.concat(parts, ignore_index=True)
        return out.reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# descriptor


def load_descriptor(raw_dir: Path | str | None = None) -> dict:
    """The Frictionless descriptor (``datapackage.json``) of ``raw_dir`` (default: the project's data/raw)."""
    raw_dir = Path(raw_dir) if raw_dir is not None else paths.RAW
    path = raw_dir / "datapackage.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataValidationError([Problem(str(path), "missing-file", "the descriptor does not exist")]) from None
    except json.JSONDecodeError as exc:
        raise DataValidationError([Problem(path.name, "descriptor", f"not valid JSON: {exc}")]) from None


def resource_schema(descriptor: dict, resource: str) -> dict:
    for res in descriptor["resources"]:
        if res["name"] == resource:
            return res
    raise KeyError(f"datapackage.json has no resource named {resource!r}")


def is_partial_date(field_: dict) -> bool:
    """A string field whose pattern allows YYYY, YYYY-MM or YYYY-MM-DD (see PARTIAL_DATE_PATTERN)."""
    return field_["type"] == "string" and field_.get("constraints", {}).get("pattern") == PARTIAL_DATE_PATTERN


# --------------------------------------------------------------------------------------------------
# cell parsing


def parse_partial_date(text: str) -> tuple[dt.date, dt.date, str]:
    """``'2025-05'`` -> (2025-05-01, 2025-05-31, 'month'). Raises ValueError for an impossible date."""
    m = _PARTIAL_DATE.match(text)
    if not m:
        raise ValueError(f"'{text}' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = m.group(1), m.group(2), m.group(3)
    y = int(year)
    if month is None:
        return dt.date(y, 1, 1), dt.date(y, 12, 31), "year"
    mo = int(month)
    if not 1 <= mo <= 12:
        raise ValueError(f"'{text}' has no month {mo}")
    if day is None:
        return dt.date(y, mo, 1), dt.date(y, mo, calendar.monthrange(y, mo)[1]), "month"
    try:
        d = dt.date(y, mo, int(day))
    except ValueError:
        raise ValueError(f"'{text}' is not a real calendar date") from None
    return d, d, "day"


def _parse_cell(field_: dict, text: str):
    """Parse one non-empty cell by the field's type. Returns the value; raises ValueError with a reason."""
    ftype = field_["type"]
    if ftype == "integer":
        if not _INTEGER.match(text):
            raise ValueError(f"'{text}' is not a whole number")
        return int(text)
    if ftype == "number":
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a number (use a point as decimal mark, no thousands separator)") from None
        if math.isnan(value) or math.isinf(value):
            raise ValueError(f"'{text}' is not a finite number")
        return value
    if ftype == "date":
        if not _FULL_DATE.match(text):
            raise ValueError(f"'{text}' is not a date of the form YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a real calendar date") from None
    if is_partial_date(field_):
        parse_partial_date(text)  # validity only; the string is kept until typing
        return text
    return text


def _check_constraints(field_: dict, text: str, value) -> list[tuple[str, str]]:
    """(rule, message) for each constraint the parsed value breaks."""
    out = []
    cons = field_.get("constraints", {})
    if "minimum" in cons and value < cons["minimum"]:
        what = "count" if field_["type"] == "integer" else "value"
        out.append(("minimum", f"{what} {text} is below the minimum {cons['minimum']}"))
    if "enum" in cons and text not in cons["enum"]:
        out.append(("enum", f"'{text}' is not one of the known values: {', '.join(cons['enum'])}"))
    if "pattern" in cons and not is_partial_date(field_) and not re.fullmatch(cons["pattern"], text):
        if field_["name"] == "flags":
            allowed = re.findall(r"[a-z_]+", cons["pattern"].split(")(")[0])
            bad = [t for t in text.split(";") if t not in allowed]
            out.append(("pattern", f"unknown flag(s) {', '.join(repr(b) for b in bad) or repr(text)}; known: {', '.join(allowed)}"))
        else:
            out.append(("pattern", f"'{text}' does not match the pattern {cons['pattern']}"))
    if field_.get("format") == "uri" and not _URI.match(text):
        out.append(("format", f"'{text}' is not a web address (http:// or https://)"))
    return out


# --------------------------------------------------------------------------------------------------
# reading one file


@dataclass
class _RawTable:
    resource: str
    file: str
    fields: list[dict]
    rows: list[dict[str, str]]  # column -> text ('' = missing), only known columns
    lines: list[int]  # line in the file where each row starts
    ids: list[str | None]
    malformed_ids: set[str] = field(default_factory=set)  # ids of rows skipped as malformed


def _read_table(raw_dir: Path, resource: dict, problems: list[Problem]) -> _RawTable | None:
    file = resource["path"]
    path = raw_dir / file
    fields = resource["schema"]["fields"]
    names = [f["name"] for f in fields]
    pk = resource["schema"].get("primaryKey", [names[0]])[0]
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(file, "missing-file", f"the file does not exist in {raw_dir}"))
        return None
    except UnicodeDecodeError as exc:
        problems.append(Problem(file, "encoding", f"not UTF-8 text ({exc})"))
        return None
    if not text.strip():
        problems.append(Problem(file, "empty-file", "the file is empty: it needs at least the header row " + ",".join(names)))
        return None
    reader = csv.reader(text.splitlines(keepends=True))
    header = next(reader)
    seen = set()
    for col in header:
        if col in seen:
            problems.append(Problem(file, "duplicate-column", f"column '{col}' appears twice in the header", column=col))
        seen.add(col)
    missing = [n for n in names if n not in header]
    unknown = [c for c in header if c not in names]
    for col in missing:
        problems.append(Problem(file, "missing-column", "column required by datapackage.json is not in the header", column=col))
    for col in unknown:
        problems.append(
            Problem(file, "unknown-column", "column is not in datapackage.json (add it to the descriptor or remove it)", column=col)
        )
    if not missing and not unknown and header != names:
        problems.append(Problem(file, "column-order", "the header's columns are not in the descriptor's order: " + ",".join(names)))

    rows, lines, ids, malformed = [], [], [], set()
    line = reader.line_num + 1
    for number, cells in enumerate(reader, start=1):
        start = line
        line = reader.line_num + 1
        if not cells or all(not c.strip() for c in cells):
            problems.append(Problem(file, "blank-row", "the row is empty", row=number, line=start))
            continue
        rec_id = None
        if pk in header and header.index(pk) < len(cells):
            rec_id = cells[header.index(pk)].strip() or None
        if len(cells) != len(header):
            problems.append(
                Problem(
                    file, "row-length", f"the row has {len(cells)} cells but the header has {len(header)} columns",
                    row=number, line=start, record_id=rec_id,
                )
            )
            if rec_id:
                malformed.add(rec_id)  # known to exist: no cascade of foreign-key errors
            continue
        rows.append({col: cells[i] for i, col in enumerate(header) if col in names})
        lines.append(start)
        ids.append(rec_id)
    return _RawTable(resource["name"], file, fields, rows, lines, ids, malformed)


def _check_cells(table: _RawTable, problems: list[Problem]) -> None:
    uniques: dict[str, dict[str, int]] = {}
    for number, (row, line, rec) in enumerate(zip(table.rows, table.lines, table.ids), start=1):
        for f in table.fields:
            name = f["name"]
            if name not in row:
                continue
            text = row[name]
            if text != text.strip():
                problems.append(Problem(table.file, "whitespace", f"'{text}' has leading or trailing spaces", number, line, rec, name))
                text = text.strip()
                row[name] = text
            cons = f.get("constraints", {})
            if text == "":
                if cons.get("required"):
                    problems.append(Problem(table.file, "required", "a value is required", number, line, rec, name))
                continue
            try:
                value = _parse_cell(f, text)
            except ValueError as exc:
                problems.append(Problem(table.file, "type", f"{exc} (type {f['type']})", number, line, rec, name))
                continue
            for rule, msg in _check_constraints(f, text, value):
                problems.append(Problem(table.file, rule, msg, number, line, rec, name))
            if cons.get("unique"):
                first = uniques.setdefault(name, {})
                if text in first:
                    problems.append(
                        Problem(table.file, "unique", f"'{text}' already used in row {first[text]}", number, line, rec, name)
                    )
                else:
                    first[text] = number


# --------------------------------------------------------------------------------------------------
# corrections


def _apply_corrections(tables: dict[str, _RawTable], problems: list[Problem]) -> pd.DataFrame:
    cols = ["correction_id", "resource", "record_id", "field", "printed_value", "corrected_value", "reason"]
    corr = tables.get("corrections")
    if corr is None:
        return pd.DataFrame(columns=cols)
    applied = []
    for number, (row, line, rec) in enumerate(zip(corr.rows, corr.lines, corr.ids), start=1):
        target = tables.get(row.get("resource", ""))
        if target is None:
            continue  # an unknown resource is already reported by the enum check
        def bad(column, message):
            problems.append(Problem(corr.file, "correction", message, number, line, rec, column))
        try:
            index = target.ids.index(row.get("record_id", ""))
        except ValueError:
            bad("record_id", f"{target.file} has no record '{row.get('record_id', '')}'")
            continue
        field_ = next((f for f in target.fields if f["name"] == row.get("field")), None)
        if field_ is None or row.get("field") not in target.rows[index]:
            bad("field", f"{target.file} has no column '{row.get('field', '')}'")
            continue
        raw = target.rows[index][field_["name"]]
        printed = row.get("printed_value", "")
        if raw != printed:
            bad("printed_value", f"printed_value '{printed}' does not match the raw cell '{raw}' of {target.file}, {row['record_id']}, column '{field_['name']}'")
            continue
        new = row.get("corrected_value", "")
        if new:
            try:
                value = _parse_cell(field_, new)
            except ValueError as exc:
                bad("corrected_value", f"{exc} (type {field_['type']} of {target.file} column '{field_['name']}')")
                continue
            broken = _check_constraints(field_, new, value)
            if broken:
                bad("corrected_value", "; ".join(m for _, m in broken))
                continue
        target.rows[index][field_["name"]] = new
        applied.append({c: row.get(c, "") for c in cols})
    return pd.DataFrame(applied, columns=cols)


# --------------------------------------------------------------------------------------------------
# rules across fields


def _int(row: dict, name: str) -> int | None:
    text = row.get(name, "")
    return int(text) if text and _INTEGER.match(text) else None


def _dates(row: dict, name: str) -> tuple[dt.date, dt.date] | None:
    text = row.get(name, "")
    if not text:
        return None
    try:
        first, last, _ = parse_partial_date(text)
    except ValueError:
        return None
    return first, last


def _check_intake(tables: dict[str, _RawTable], problems: list[Problem]) -> None:
    """Every record the intake ledger names exists; each gathered row (batch, batch_row) has one line."""
    intake = tables.get("intake")
    if intake is None:
        return
    known = {res: {i for i in t.ids if i} | t.malformed_ids for res, t in tables.items() if res in STATEMENT_RESOURCES}
    seen: dict[tuple[str, str], int] = {}
    for number, (row, line, rec) in enumerate(zip(intake.rows, intake.lines, intake.ids), start=1):
        key = (row.get("batch", ""), row.get("batch_row", ""))
        if all(key):
            if key in seen:
                problems.append(Problem(intake.file, "intake-twice", f"{key[0]} row {key[1]} is already entered in row {seen[key]}",
                                        number, line, rec, "batch_row"))
            else:
                seen[key] = number
        for ref in filter(None, row.get("records", "").split(";")):
            resource = ID_PREFIXES.get(ref[:2])
            if resource in known and ref not in known[resource]:
                problems.append(Problem(intake.file, "foreign-key", f"'{ref}' is not a record of {resource}.csv",
                                        number, line, rec, "records"))


def _check_rules(tables: dict[str, _RawTable], problems: list[Problem]) -> None:
    sources = tables.get("sources")
    source_ids = ({i for i in sources.ids if i} | sources.malformed_ids) if sources else set()
    published = {}
    if sources:
        for row, rec in zip(sources.rows, sources.ids):
            span = _dates(row, "published")
            if rec and span:
                published[rec] = span
    for resource in STATEMENT_RESOURCES:
        table = tables.get(resource)
        if table is None:
            continue
        seen_ids: set[str] = set()
        for number, (row, line, rec) in enumerate(zip(table.rows, table.lines, table.ids), start=1):
            def bad(rule, column, message):
                problems.append(Problem(table.file, rule, message, number, line, rec, column))
            flags = set(filter(None, row.get("flags", "").split(";")))
            sid = row.get("source_id", "")
            if sources and sid and sid not in source_ids:
                bad("foreign-key", "source_id", f"'{sid}' is not a source_id in sources.csv")
            dup = row.get("duplicate_of", "")
            if dup and dup not in seen_ids:
                bad("duplicate-of", "duplicate_of", f"'{dup}' is not an earlier record of {table.file}")
            if rec:
                seen_ids.add(rec)

            if resource == "casualty_reports":
                for part_a, part_b, total in SUM_RULES:
                    a, b, t = _int(row, part_a), _int(row, part_b), _int(row, total)
                    if None not in (a, b, t) and a + b != t and ARITHMETIC_FLAG not in flags:
                        bad("killed-plus-injured", total,
                            f"{part_a} {a} + {part_b} {b} = {a + b}, not the {total} {t}; fix the typo (corrections.csv) or, "
                            f"if the source printed it so, add the flag '{ARITHMETIC_FLAG}'")
                for parts, total in PART_RULES:
                    values = [_int(row, p) for p in parts]
                    t = _int(row, total)
                    if t is not None and None not in values and sum(values) > t:
                        label = " + ".join(f"{p} {v}" for p, v in zip(parts, values))
                        bad("part-above-total", parts[0] if len(parts) == 1 else total, f"{label} exceeds {total} {t}")
            if resource == "clearance_reports":
                items = _int(row, "items_total")
                parts = {p: _int(row, p) for p in ("ap_mines", "at_mines", "mines", "uxo")}
                given = {p: v for p, v in parts.items() if v is not None}
                if items is not None and given and sum(given.values()) > items and ARITHMETIC_FLAG not in flags:
                    bad("part-above-total", "items_total", f"{' + '.join(f'{p} {v}' for p, v in given.items())} exceeds items_total {items}")
                start, end = _dates(row, "period_start"), _dates(row, "period_end") or _dates(row, "as_of_date")
                hectares = row.get("hectares", "")
                if start and end and hectares and "implausible" not in flags:
                    try:
                        per_day = float(hectares) / ((end[1] - start[0]).days + 1)
                    except (ValueError, ZeroDivisionError):
                        per_day = 0.0
                    if per_day > MAX_HECTARES_PER_DAY:
                        bad("implausible-area", "hectares",
                            f"{hectares} ha from {row['period_start']} to {row.get('period_end') or row.get('as_of_date')} is "
                            f"{per_day:,.0f} ha a day (the fastest release on record is under 600 ha a day): a unit slip? Mend it "
                            "in corrections.csv, or add the flag 'implausible' if the source really printed it")

            # dates: the start of a period may not follow its end, nor any date the page's publication
            start_col = "period_start" if "period_start" in row else None
            end_cols = [c for c in ("period_end", "as_of_date") if c in row]
            start = _dates(row, start_col) if start_col else None
            for end_col in end_cols:
                end = _dates(row, end_col)
                if start and end and start[0] > end[1]:
                    bad("period-order", start_col, f"period_start {row[start_col]} is after {end_col} {row[end_col]}")
            date_cols = [c for c in _DATED_BY_PUBLICATION[resource] if c in row]
            span = published.get(sid)
            if span:
                for col in date_cols:
                    d = _dates(row, col)
                    if d and d[0] > span[1]:
                        bad("after-publication", col,
                            f"{col} {row[col]} is after the page's publication date {sources.rows[sources.ids.index(sid)]['published']} ({sid})")
                        break


# --------------------------------------------------------------------------------------------------
# typing


def _typed_frame(table: _RawTable) -> pd.DataFrame:
    cols: dict[str, object] = {}
    for f in table.fields:
        name = f["name"]
        texts = [row.get(name, "") for row in table.rows]
        cons = f.get("constraints", {})
        if f["type"] == "integer":
            cols[name] = pd.array([int(t) if t else None for t in texts], dtype="Int64")
        elif f["type"] == "number":
            cols[name] = pd.array([float(t) if t else None for t in texts], dtype="Float64")
        elif f["type"] == "date":
            cols[name] = pd.to_datetime(pd.Series([t or None for t in texts], dtype="object"), format="%Y-%m-%d")
        elif is_partial_date(f):
            spans = [parse_partial_date(t) if t else (None, None, None) for t in texts]
            cols[name] = pd.to_datetime(pd.Series([s[0] for s in spans], dtype="object"))
            cols[f"{name}_latest"] = pd.to_datetime(pd.Series([s[1] for s in spans], dtype="object"))
            cols[f"{name}_precision"] = pd.Categorical([s[2] for s in spans], categories=["year", "month", "day"])
        elif "enum" in cons:
            cols[name] = pd.Categorical([t or None for t in texts], categories=cons["enum"])
        else:
            cols[name] = pd.array([t or None for t in texts], dtype="string")
    df = pd.DataFrame({k: (v.to_numpy() if isinstance(v, pd.Series) else v) for k, v in cols.items()})
    pk = table.fields[0]["name"]
    df = df.set_index(pk, drop=True)
    df.index = df.index.astype(str)
    df.attrs["resource"] = table.resource
    return df


# --------------------------------------------------------------------------------------------------
# public API


def validate_package(raw_dir: Path | str | None = None) -> list[Problem]:
    """Every problem in the data package (empty list = valid). Never raises for data problems."""
    try:
        _, problems = _load(raw_dir)
    except DataValidationError as exc:
        return exc.problems
    return problems


def load_package(raw_dir: Path | str | None = None) -> DataPackage:
    """Load, correct and validate the whole package; raise :class:`DataValidationError` listing every problem."""
    package, problems = _load(raw_dir)
    if problems:
        raise DataValidationError(problems)
    return package


def load(resource: str, raw_dir: Path | str | None = None) -> pd.DataFrame:
    """One resource as a typed, corrected DataFrame (the whole package is validated)."""
    if resource not in ALL_RESOURCES:
        raise KeyError(f"unknown resource {resource!r}; known: {', '.join(ALL_RESOURCES)}")
    return load_package(raw_dir)[resource]


def _load(raw_dir) -> tuple[DataPackage | None, list[Problem]]:
    raw_dir = Path(raw_dir) if raw_dir is not None else paths.RAW
    descriptor = load_descriptor(raw_dir)
    problems: list[Problem] = []
    tables: dict[str, _RawTable] = {}
    for name in ALL_RESOURCES:
        try:
            res = resource_schema(descriptor, name)
        except KeyError as exc:
            problems.append(Problem("datapackage.json", "descriptor", str(exc)))
            continue
        table = _read_table(raw_dir, res, problems)
        if table is not None:
            _check_cells(table, problems)
            tables[name] = table
    # Corrections and cross-field rules run even when some cells are malformed (those cells are
    # skipped by the rules), so that one run lists every problem.
    applied = _apply_corrections(tables, problems)
    _check_rules(tables, problems)
    _check_intake(tables, problems)
    if problems:
        return None, problems
    frames = {name: _typed_frame(t) for name, t in tables.items()}
    lines = {name: dict(zip(t.ids, t.lines)) for name, t in tables.items()}
    return DataPackage(raw_dir, frames, applied, lines), []


def coverage(package: DataPackage) -> pd.DataFrame:
    """What the data package covers, per statement file.

    Columns: ``resource``, ``rows``, ``first_statement`` and ``latest_statement`` (the earliest and the
    latest date its statements refer to, as written in the file: ``as_of_date``, or ``period_end`` for the
    Monitor's periods, or an incident's ``date``; a month-only date counts as its last day when finding
    the latest), ``latest_publication`` (the latest publication date, as written in sources.csv, of the
    pages the file cites). Rows without a date do not count.
    """
    sources = package.frames["sources"]
    rows = []
    for resource in STATEMENT_RESOURCES:
        df = package.frames[resource]
        col = STATEMENT_DATE[resource]
        latest_col = f"{col}_latest" if f"{col}_latest" in df else col
        dated = df[df[col].notna()]
        cited = sources.loc[sources.index.isin(df["source_id"].dropna().unique())]
        cited = cited[cited["published"].notna()]
        rows.append({
            "resource": resource,
            "rows": len(df),
            "first_statement": _as_written(dated, col, dated[col].idxmin()) if len(dated) else None,
            "latest_statement": _as_written(dated, col, dated[latest_col].idxmax()) if len(dated) else None,
            "latest_publication": _as_written(cited, "published", cited["published_latest"].idxmax()) if len(cited) else None,
        })
    return pd.DataFrame(rows)


def _as_written(frame: pd.DataFrame, col: str, rec: str) -> str:
    """The date of one record as the file writes it (a partial date keeps its precision)."""
    value = frame.loc[rec, col]
    precision = frame.loc[rec, f"{col}_precision"] if f"{col}_precision" in frame else "day"
    return value.strftime({"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}[precision])


def require_columns(frame: pd.DataFrame, columns: list[str], where: str) -> None:
    """A KeyError naming the function (``where``), the missing columns and those the frame has."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"{where}: the frame lacks column(s) {missing}; it has {list(frame.columns)}")


def has_flag(frame: pd.DataFrame, flag: str) -> pd.Series:
    """Boolean Series: which rows carry ``flag`` among their semicolon-separated flags."""
    return frame["flags"].fillna("").str.split(";").apply(lambda tokens: flag in tokens).astype(bool)


def enum_values(resource: str, field_name: str, raw_dir: Path | str | None = None) -> list[str]:
    """The known values of an enum column, from the descriptor."""
    res = resource_schema(load_descriptor(raw_dir), resource)
    field_ = next(f for f in res["schema"]["fields"] if f["name"] == field_name)
    return list(field_["constraints"]["enum"])
