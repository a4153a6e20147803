"""The typed frames of a valid package: counts as nullable ``Int64``, areas as ``Float64``, enums as
categories, dates as ``datetime64`` (a partial date column ``x`` becomes ``x``, ``x_latest`` and
``x_precision``), gathered in a :class:`DataPackage` with what it covers; and the two checks every analysis
module makes on a frame it is given (:func:`require_columns`, :func:`has_flag`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .cells import parse_partial_date
from .descriptor import STATEMENT_DATE, STATEMENT_RESOURCES, is_partial_date
from .reading import RawTable


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


def typed_frame(table: RawTable) -> pd.DataFrame:
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
