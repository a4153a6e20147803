"""One cell at a time: parse a cell's text by its field's type (integer, number, date, partial date) and check
it against the field's constraints (required, minimum, enum, pattern, uniqueness)."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re

from .descriptor import is_partial_date
from .problems import Problem
from .reading import RawTable


_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INTEGER = re.compile(r"^[+-]?\d+$")
_URI = re.compile(r"^https?://\S+$")


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


def parse_cell(field_: dict, text: str):
    """Parse one non-empty cell by the field's type. Returns the value; raises ValueError with a reason."""
    ftype = field_["type"]
    if ftype == "integer":
        if not INTEGER.match(text):
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


def check_constraints(field_: dict, text: str, value) -> list[tuple[str, str]]:
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


def check_cells(table: RawTable, problems: list[Problem]) -> None:
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
                value = parse_cell(f, text)
            except ValueError as exc:
                problems.append(Problem(table.file, "type", f"{exc} (type {f['type']})", number, line, rec, name))
                continue
            for rule, msg in check_constraints(f, text, value):
                problems.append(Problem(table.file, rule, msg, number, line, rec, name))
            if cons.get("unique"):
                first = uniques.setdefault(name, {})
                if text in first:
                    problems.append(
                        Problem(table.file, "unique", f"'{text}' already used in row {first[text]}", number, line, rec, name)
                    )
                else:
                    first[text] = number
