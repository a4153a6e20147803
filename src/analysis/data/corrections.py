"""Apply ``corrections.csv``: each correction must name an existing record and field, its ``printed_value``
must equal the raw cell, and the corrected value must pass the field's checks. The raw files stay
verbatim; what was mended is returned as a table."""

from __future__ import annotations

import pandas as pd

from .cells import check_constraints, parse_cell
from .problems import Problem
from .reading import RawTable


def apply_corrections(tables: dict[str, RawTable], problems: list[Problem]) -> pd.DataFrame:
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
                value = parse_cell(field_, new)
            except ValueError as exc:
                bad("corrected_value", f"{exc} (type {field_['type']} of {target.file} column '{field_['name']}')")
                continue
            broken = check_constraints(field_, new, value)
            if broken:
                bad("corrected_value", "; ".join(m for _, m in broken))
                continue
        target.rows[index][field_["name"]] = new
        applied.append({c: row.get(c, "") for c in cols})
    return pd.DataFrame(applied, columns=cols)
