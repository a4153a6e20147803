"""Apply ``corrections.csv``: each correction must name an existing record and field, its ``printed_value``
must equal the raw cell, and the corrected value must pass every check the raw cell would (required, type,
minimum and maximum, known values, pattern, date range). Only a figure (a count or a number) may be corrected
to empty, "treated as missing", where a printed figure is evidently wrong and nothing says what it should be;
a record's id, which the project gives and other rows refer to, is never corrected; a cell is corrected once.
The raw files stay verbatim; what was mended is returned as a table, and the rules across fields then run on
the corrected row (:mod:`.rules`).

A correction that cannot be applied is one problem, in ``corrections.csv``; the row it would have mended is
then left out of the rules across fields (its raw value is known to be wrong: checking it again would only
repeat the problem)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .cells import cell_problems
from .problems import Problem, shorten
from .reading import RawTable


def apply_corrections(tables: dict[str, RawTable], problems: list[Problem], today: dt.date | None = None) -> pd.DataFrame:
    cols = ["correction_id", "resource", "record_id", "field", "printed_value", "corrected_value", "reason"]
    corr = tables.get("corrections")
    if corr is None:
        return pd.DataFrame(columns=cols)
    applied = []
    for index, (row, number, line, rec) in enumerate(zip(corr.rows, corr.numbers, corr.lines, corr.ids)):
        if any((index, c) in corr.bad_cells for c in ("resource", "record_id", "field")):
            continue  # already reported in its own cell
        target = tables.get(row.get("resource", ""))
        if target is None:
            continue  # an unknown resource is reported by the enum check, an unreadable file where it is read

        def bad(column, message, rule="correction"):
            problems.append(Problem(corr.file, rule, message, number, line, rec, column))

        record = row.get("record_id", "")
        try:
            where = target.ids.index(record)
        except ValueError:
            if not target.knows(record):
                bad("record_id", f"{target.file} has no record '{shorten(record)}'")
            continue  # a record skipped as malformed is reported there
        name = row.get("field", "")
        field_ = next((f for f in target.fields if f["name"] == name), None)
        if field_ is None or name not in target.rows[where]:
            bad("field", f"{target.file} has no column '{shorten(name)}'")
            continue
        cell = f"{target.file}, {record}, column '{name}'"
        if field_ is target.fields[0]:
            bad("field", f"{cell} is the record's id, which the project gives and other rows refer to: it is not a printed "
                "value and cannot be corrected")
            target.unsettled.add(where)
            continue
        if (where, name) in target.corrected:
            bad("field", f"{cell} is already corrected by {target.corrected[(where, name)]}: one correction per cell")
            continue
        raw = target.rows[where][name]
        printed = row.get("printed_value", "")
        if raw != printed:
            bad("printed_value", f"printed_value '{shorten(printed)}' does not match the raw cell '{shorten(raw)}' of {cell}")
            target.unsettled.add(where)
            continue
        new = row.get("corrected_value", "")
        if new != new.strip():
            bad("corrected_value", f"'{shorten(new)}' has leading or trailing spaces", "whitespace")
            target.unsettled.add(where)
            continue
        found = cell_problems(field_, new, today)
        if new == "" and field_["type"] in ("integer", "number"):
            found = []  # a figure evidently wrong and with no evident mend is treated as missing (ce058's plan)
        if found:
            for rule, message in found:
                if rule == "required":
                    message = f"{cell} requires a value: a correction cannot empty it"
                else:
                    message = f"{message} (as a value of {cell})"
                bad("corrected_value", message, rule)
            target.unsettled.add(where)
            continue
        target.rows[where][name] = new
        target.bad_cells.discard((where, name))
        target.corrected[(where, name)] = rec or f"row {number}"
        applied.append({c: row.get(c, "") for c in cols})
    return pd.DataFrame(applied, columns=cols)
