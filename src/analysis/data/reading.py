"""Read one CSV file of the package as text, checking its header against the descriptor (missing, unknown,
out-of-order or repeated columns) and the shape of every row; nothing is typed yet."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem


@dataclass
class RawTable:
    resource: str
    file: str
    fields: list[dict]
    rows: list[dict[str, str]]  # column -> text ('' = missing), only known columns
    lines: list[int]  # line in the file where each row starts
    ids: list[str | None]
    malformed_ids: set[str] = field(default_factory=set)  # ids of rows skipped as malformed


def read_table(raw_dir: Path, resource: dict, problems: list[Problem]) -> RawTable | None:
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
    return RawTable(resource["name"], file, fields, rows, lines, ids, malformed)
