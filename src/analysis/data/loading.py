"""Load and validate the raw data package in ``data/raw`` into typed DataFrames.

The Frictionless descriptor ``data/raw/datapackage.json`` is the single schema: the field types and
constraints are read from it (the tests also validate the files with the ``frictionless`` library against
the same descriptor, so the two cannot drift apart).

Loading does, in order:

1. read each CSV as text and check its header against the descriptor (missing, unknown, out of order;
   :mod:`.reading`);
2. check every cell: required, type (integer, number, date, partial date), minimum, enum, pattern,
   uniqueness (:mod:`.cells`), and that every ``source_id`` exists in ``sources.csv``;
3. apply ``corrections.csv``: each correction must name an existing record and field, its
   ``printed_value`` must equal the raw cell, and the corrected value must pass the field's checks
   (:mod:`.corrections`);
4. check rules across fields on the corrected values (killed + injured = total unless the row carries
   the flag ``source_arithmetic``; parts never above totals; period start not after the as-of date; no
   date after the page's publication date; ``duplicate_of`` names an earlier record; every record the
   intake ledger names exists, and no gathered row is entered twice; :mod:`.rules`);
5. return typed frames: counts as nullable ``Int64``, areas as ``Float64``, enums as categories, dates as
   ``datetime64``. A partial date column ``x`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) becomes three:
   ``x`` (earliest day it can mean), ``x_latest`` (latest day) and ``x_precision`` (year/month/day)
   (:mod:`.frames`).

Every problem found is collected (not only the first) and reported together in one
:class:`DataValidationError`; each names the file, the data row (1 = first row under the header), the
line in the file, the record id, the column and the rule.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..pipeline import paths
from .cells import check_cells
from .corrections import apply_corrections
from .descriptor import ALL_RESOURCES, load_descriptor, resource_schema
from .frames import DataPackage, typed_frame
from .problems import DataValidationError, Problem
from .reading import RawTable, read_table
from .rules import check_intake, check_rules


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
    tables: dict[str, RawTable] = {}
    for name in ALL_RESOURCES:
        try:
            res = resource_schema(descriptor, name)
        except KeyError as exc:
            problems.append(Problem("datapackage.json", "descriptor", str(exc)))
            continue
        table = read_table(raw_dir, res, problems)
        if table is not None:
            check_cells(table, problems)
            tables[name] = table
    # Corrections and cross-field rules run even when some cells are malformed (those cells are
    # skipped by the rules), so that one run lists every problem.
    applied = apply_corrections(tables, problems)
    check_rules(tables, problems)
    check_intake(tables, problems)
    if problems:
        return None, problems
    frames = {name: typed_frame(t) for name, t in tables.items()}
    lines = {name: dict(zip(t.ids, t.lines)) for name, t in tables.items()}
    return DataPackage(raw_dir, frames, applied, lines), []
