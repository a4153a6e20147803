"""Load and validate the raw data package in ``data/raw`` into typed DataFrames.

The Frictionless descriptor ``data/raw/datapackage.json`` is the single schema: the field types and
constraints are read from it (the tests also validate the files with the ``frictionless`` library against
the same descriptor, so the two cannot drift apart).

Loading does, in order:

0. read the descriptor and check it (an unknown field type, a missing key, a path outside the package, a
   changed primary key...: :func:`.descriptor.check_descriptor`); a descriptor that cannot be used stops
   there, with problems about ``datapackage.json`` only;
1. read each CSV as text and check its header against the descriptor (missing, unknown, out of order,
   invisible characters) and the shape of each row (:mod:`.reading`);
2. check every cell: required, type (integer, number, date, partial date), minimum and maximum, enum,
   pattern, date range (from 1991, or as the descriptor says, to the day of the run), uniqueness
   (:mod:`.cells`);
3. apply ``corrections.csv``: each correction must name an existing record and field, its
   ``printed_value`` must equal the raw cell, and the corrected value must pass every check of the raw cell
   (:mod:`.corrections`);
4. check rules across fields on the corrected values (killed + injured = total unless the row carries
   the flag ``source_arithmetic``; parts never above totals; a range's upper end not below its lower one;
   period start not after the as-of date and agreeing with the scope text; no date after the page's
   publication date; ``duplicate_of`` names an earlier record and agrees with the flag ``duplicate``; every
   ``source_id`` exists in ``sources.csv``; every record the intake ledger names exists, and no gathered row
   is entered twice; :mod:`.rules`);
5. return typed frames: counts as nullable ``Int64``, areas as ``Float64``, enums as categories, dates as
   ``datetime64``. A partial date column ``x`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) becomes three:
   ``x`` (earliest day it can mean), ``x_latest`` (latest day) and ``x_precision`` (year/month/day)
   (:mod:`.frames`).

Every problem found is collected (not only the first) and reported together in one
:class:`DataValidationError`; each names the file, the data row (1 = first row under the header), the
line in the file, the record id, the column and the rule. Nothing else is raised: an exception the checks
did not foresee becomes a problem of rule ``internal-error`` naming the file it happened in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
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


def validate_package(raw_dir: Path | str | None = None, *, today: dt.date | None = None) -> list[Problem]:
    """Every problem in the data package (empty list = valid). Never raises for data problems.

    ``today`` is the day of the run, the latest date a statement or a publication may have (default: today)."""
    try:
        _, problems = _load(raw_dir, today)
    except DataValidationError as exc:
        return exc.problems
    return problems


def load_package(raw_dir: Path | str | None = None, *, today: dt.date | None = None) -> DataPackage:
    """Load, correct and validate the whole package; raise :class:`DataValidationError` listing every problem.

    The project's own package (``data/raw``), once valid, is kept in ``build/package-cache/`` under a key of
    everything the result depends on (every file of data/raw, the code of :mod:`analysis.data`, the pandas
    version and the day of the run), so the notebooks of one ``make figures`` validate it once, not each.
    ``AZMINE_NO_CACHE=1`` turns the cache off."""
    cached = _cache_path(raw_dir, today)
    if cached is not None:
        try:
            with open(cached, "rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass
    package, problems = _load(raw_dir, today)
    if problems:
        raise DataValidationError(problems)
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                pickle.dump(package, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, cached)
            for old in cached.parent.glob("*.pickle"):  # keep only the package as it is now
                if old != cached:
                    old.unlink(missing_ok=True)
        except OSError:
            pass  # only a shortcut for the next notebook
    return package


#: Where the validated project package is kept between the notebooks of a run (build/ is not versioned).
CACHE_DIR = "build/package-cache"


def _cache_path(raw_dir, today) -> Path | None:
    """The cache file of the project's package on this day (None for another folder, or with the cache off)."""
    if os.environ.get("AZMINE_NO_CACHE") or (raw_dir is not None and Path(raw_dir).resolve() != paths.RAW.resolve()):
        return None
    h = hashlib.sha256()
    h.update(f"{(today or dt.date.today()).isoformat()} pandas {pd.__version__}".encode())
    code = Path(__file__).parent
    for base, files in ((code, sorted(code.glob("*.py"))), (paths.RAW, sorted(p for p in paths.RAW.rglob("*") if p.is_file()))):
        for path in files:
            h.update(path.relative_to(base).as_posix().encode())
            h.update(path.read_bytes())
    return paths.ROOT / CACHE_DIR / f"{h.hexdigest()[:32]}.pickle"


def load(resource: str, raw_dir: Path | str | None = None) -> pd.DataFrame:
    """One resource as a typed, corrected DataFrame (the whole package is validated)."""
    if resource not in ALL_RESOURCES:
        raise KeyError(f"unknown resource {resource!r}; known: {', '.join(ALL_RESOURCES)}")
    return load_package(raw_dir)[resource]


_FAILED = object()


def _guarded(file: str, problems: list[Problem], step, *args):
    """``step(*args)``, with an exception the checks did not foresee turned into a problem of ``file`` (and
    :data:`_FAILED` returned)."""
    try:
        return step(*args)
    except DataValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - no bare traceback: the message names the file and the failure
        problems.append(Problem(file, "internal-error", f"the loader failed here ({type(exc).__name__}: {exc}); this is a "
                                "bug in analysis.data, please report it with the file"))
        return _FAILED


def _load(raw_dir, today: dt.date | None = None) -> tuple[DataPackage | None, list[Problem]]:
    raw_dir = Path(raw_dir) if raw_dir is not None else paths.RAW
    today = today or dt.date.today()
    descriptor = load_descriptor(raw_dir)  # raises, with problems of the descriptor only, when it cannot be used
    problems: list[Problem] = []
    tables: dict[str, RawTable] = {}
    for name in ALL_RESOURCES:
        res = resource_schema(descriptor, name)
        table = _guarded(res["path"], problems, read_table, raw_dir, res, problems)
        if table is None or table is _FAILED:
            continue
        if _guarded(res["path"], problems, check_cells, table, problems, today) is not _FAILED:
            tables[name] = table
    # Corrections and cross-field rules run even when some cells are malformed (those cells are
    # skipped by the rules), so that one run lists every problem.
    applied = _guarded("corrections.csv", problems, apply_corrections, tables, problems, today)
    _guarded("the data package", problems, check_rules, tables, problems)
    _guarded("intake.csv", problems, check_intake, tables, problems)
    if problems:
        return None, problems
    frames = {name: _guarded(t.file, problems, typed_frame, t) for name, t in tables.items()}
    if problems:
        return None, problems
    lines = {name: dict(zip(t.ids, t.lines)) for name, t in tables.items()}
    return DataPackage(raw_dir, frames, applied, lines), []
