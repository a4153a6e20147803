"""One cell at a time: parse a cell's text by its field's type (integer, number, date, partial date) and check
it against the field's constraints (required, minimum, maximum, enum, pattern, uniqueness) and, for a date,
its ``dateRange`` (a partial date by its earliest day). The same checks serve a corrected value
(:func:`cell_problems`)."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re

from .descriptor import date_range, is_partial_date
from .problems import Problem, shorten, visible
from .reading import RawTable

# ASCII digits only: ``\d`` would take other scripts' digits, which int() and float() would read as numbers.
_PARTIAL_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
_FULL_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
INTEGER = re.compile(r"^[+-]?[0-9]+$")
_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")
_URI = re.compile(r"^https?://\S+$")
#: The largest count a typed column holds (a 64-bit integer).
_INT64_MAX = 2**63 - 1


def parse_partial_date(text: str) -> tuple[dt.date, dt.date, str]:
    """``'2025-05'`` -> (2025-05-01, 2025-05-31, 'month'). Raises ValueError for an impossible date."""
    m = _PARTIAL_DATE.match(text)
    if not m:
        raise ValueError(f"'{shorten(text)}' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = m.group(1), m.group(2), m.group(3)
    y = int(year)
    if y < 1:
        raise ValueError(f"'{text}' has no year 0")
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
            hint = " (write it without thousands separators)" if re.fullmatch(r"[0-9]{1,3}([,. ][0-9]{3})+", text) else ""
            raise ValueError(f"'{shorten(text)}' is not a whole number{hint}")
        if len(text.lstrip("+-0")) > 18 or abs(int(text)) > _INT64_MAX:
            raise ValueError(f"'{shorten(text)}' is too large to be a count (more than 18 digits)")
        return int(text)
    if ftype == "number":
        if not _NUMBER.match(text):
            raise ValueError(f"'{shorten(text)}' is not a number (use a point as decimal mark, no thousands separator)")
        value = float(text)
        if math.isnan(value) or math.isinf(value):
            raise ValueError(f"'{shorten(text)}' is not a finite number")
        return value
    if ftype == "date":
        if not _FULL_DATE.match(text):
            raise ValueError(f"'{shorten(text)}' is not a date of the form YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a real calendar date") from None
    if is_partial_date(field_):
        parse_partial_date(text)  # validity only; the string is kept until typing
        return text
    return text


def check_constraints(field_: dict, text: str, value, today: dt.date | None = None) -> list[tuple[str, str]]:
    """(rule, message) for each constraint the parsed value breaks; ``today`` is the run date (default: today)."""
    out = []
    cons = field_.get("constraints", {})
    what = "count" if field_["type"] == "integer" else "value"
    if "minimum" in cons and value < cons["minimum"]:
        out.append(("minimum", f"{what} {text} is below the minimum {cons['minimum']}"))
    if "maximum" in cons and value > cons["maximum"]:
        out.append(("maximum", f"{what} {shorten(text)} is above the maximum {cons['maximum']:,} (the data "
                               "dictionary, data/README.md, gives each column's range)"))
    if "enum" in cons and text not in cons["enum"]:
        out.append(("enum", f"'{shorten(text)}' is not one of the known values: {', '.join(cons['enum'])}"))
    if "pattern" in cons and not is_partial_date(field_) and not re.fullmatch(cons["pattern"], text):
        if field_["name"] == "flags":
            allowed = re.findall(r"[a-z_]+", cons["pattern"].split(")(")[0])
            bad = [t for t in text.split(";") if t not in allowed]
            out.append(("pattern", f"unknown flag(s) {', '.join(repr(visible(b)) for b in bad) or repr(text)}; known: "
                                   f"{', '.join(allowed)}"))
        else:
            out.append(("pattern", f"'{shorten(text)}' does not match the pattern {cons['pattern']}"))
    if field_.get("format") == "uri" and not _URI.match(text):
        out.append(("format", f"'{shorten(text)}' is not a web address (http:// or https://)"))
    if "dateRange" in field_:
        earliest_day = value if isinstance(value, dt.date) else parse_partial_date(text)[0]
        low, high = date_range(field_, today or dt.date.today())
        if low and earliest_day < low:
            out.append(("date-range", f"{text} is before {low:%Y-%m-%d}, the earliest date this column takes"))
        if high and earliest_day > high:
            partial = "" if len(text) == 10 else f" (its first day, {earliest_day:%Y-%m-%d})"
            out.append(("date-range", f"{text}{partial} is after the day of this run, {high:%Y-%m-%d}: a date in the future"))
    return out


def cell_problems(field_: dict, text: str, today: dt.date | None = None) -> list[tuple[str, str]]:
    """(rule, message) for every check a cell's text fails: required, type, constraints (not uniqueness)."""
    if text == "":
        return [("required", "a value is required")] if field_.get("constraints", {}).get("required") else []
    try:
        value = parse_cell(field_, text)
    except ValueError as exc:
        return [("type", f"{exc} (type {field_['type']})")]
    return check_constraints(field_, text, value, today)


def check_cells(table: RawTable, problems: list[Problem], today: dt.date | None = None) -> None:
    """Every cell of every row that was read; the cells that fail are kept in ``table.bad_cells`` so that the
    rules across fields skip them (one cause, one message)."""
    uniques: dict[str, dict[str, int]] = {}
    for index, (row, number, line, rec) in enumerate(zip(table.rows, table.numbers, table.lines, table.ids)):
        for f in table.fields:
            name = f["name"]
            if name not in row:
                continue
            text = row[name]
            if text != text.strip():
                blank_required = not text.strip() and f.get("constraints", {}).get("required")
                if not blank_required:  # else the one problem is the missing value
                    problems.append(Problem(table.file, "whitespace", f"'{shorten(text)}' has leading or trailing spaces",
                                            number, line, rec, name))
                text = text.strip()
                row[name] = text
            found = cell_problems(f, text, today)
            for rule, msg in found:
                problems.append(Problem(table.file, rule, msg, number, line, rec, name))
            if found:
                table.bad_cells.add((index, name))
                table.ids_doubtful |= f is table.fields[0]
                continue
            if text and f.get("constraints", {}).get("unique"):
                first = uniques.setdefault(name, {})
                if text in first:
                    problems.append(
                        Problem(table.file, "unique", f"'{visible(text)}' already used in row {first[text]}", number, line, rec, name)
                    )
                    table.ids_doubtful |= f is table.fields[0]
                else:
                    first[text] = number
