"""What the record holds: a timeline of statements, coverage by year and measure, and the flagged
and corrected rows (notebook ``00_data_overview``; its timeline is drawn by
:mod:`analysis.plots.overview`)."""

from __future__ import annotations

import pandas as pd

from .frames import DataPackage, has_flag

#: Statement files on the timeline, and the name of their kind.
TIMELINE_KINDS = {
    "casualty_reports": "casualties",
    "clearance_reports": "clearance",
    "contamination_estimates": "contamination",
}

#: Coverage rows: label -> (resource, test on a frame giving a boolean Series).
COVERAGE_MEASURES = {
    "casualties: total": ("casualty_reports", lambda df: df["total"].notna()),
    "casualties: killed": ("casualty_reports", lambda df: df["killed"].notna()),
    "casualties: injured": ("casualty_reports", lambda df: df["injured"].notna()),
    "casualties: civilian/military split": (
        "casualty_reports",
        lambda df: df[[c for c in df.columns if c.startswith(("civilian_", "military_"))]].notna().any(axis=1),
    ),
    "clearance: hectares": ("clearance_reports", lambda df: df["hectares"].notna()),
    "clearance: anti-personnel mines": ("clearance_reports", lambda df: df["ap_mines"].notna()),
    "clearance: anti-tank mines": ("clearance_reports", lambda df: df["at_mines"].notna()),
    "clearance: other ordnance": ("clearance_reports", lambda df: df["uxo"].notna()),
    "contamination, targets, capacity": ("contamination_estimates", lambda df: pd.Series(True, index=df.index)),
    "incidents (a sample)": ("casualty_incidents", lambda df: pd.Series(True, index=df.index)),
    "annual figures, Azerbaijan (Monitor, national)": ("monitor_annual", lambda df: df["country"] == "Azerbaijan"),
}


def statement_dates(pkg: DataPackage, resource: str) -> pd.Series:
    """The date a statement refers to: its as-of date; an incident's date; a Monitor row's period start (or end)."""
    df = pkg[resource]
    if resource == "casualty_incidents":
        return df["date"]
    if resource == "monitor_annual":
        return df["period_start"].fillna(df["period_end"])
    return df["as_of_date"]


def _year_of(pkg: DataPackage, resource: str) -> pd.Series:
    """The calendar year a statement refers to (:func:`statement_dates`)."""
    return statement_dates(pkg, resource).dt.year.astype("Int64")


def statement_timeline(pkg: DataPackage) -> pd.DataFrame:
    """Every dated statement: kind, record_id, date (the as-of date), precision, reporting_body, basis.

    Undated statements are kept, with an empty date (``NaT``).
    """
    parts = []
    for resource, kind in TIMELINE_KINDS.items():
        df = pkg[resource]
        parts.append(
            pd.DataFrame(
                {
                    "kind": kind,
                    "record_id": df.index,
                    "date": df["as_of_date"].to_numpy(),
                    "date_precision": df["as_of_date_precision"].astype("string").to_numpy(),
                    "reporting_body": df["reporting_body"].astype("string").to_numpy(),
                    "basis": df["basis"].astype("string").to_numpy() if "basis" in df else pd.NA,
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out["kind"] = pd.Categorical(out["kind"], categories=list(TIMELINE_KINDS.values()))
    return out.sort_values(["date", "kind", "record_id"], na_position="last", kind="stable").reset_index(drop=True)


def coverage_table(pkg: DataPackage, start_year: int, end_year: int, *, drop_duplicates: bool = True) -> pd.DataFrame:
    """Number of statements giving each measure, by the year they refer to, plus an 'undated' column.

    Relays of a statement already counted (flag ``duplicate``) are left out when ``drop_duplicates``.
    Statements dated outside [start_year, end_year] are not counted.
    """
    years = list(range(start_year, end_year + 1))
    rows = {}
    for label, (resource, test) in COVERAGE_MEASURES.items():
        df = pkg[resource]
        keep = test(df).fillna(False).astype(bool)
        if drop_duplicates:
            keep &= ~has_flag(df, "duplicate")
        year = _year_of(pkg, resource)[keep]
        counts = year.value_counts()
        row = {str(y): int(counts.get(y, 0)) for y in years}
        row["undated"] = int(year.isna().sum())
        rows[label] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "measure"
    return table


def package_summary(pkg: DataPackage) -> pd.DataFrame:
    """Per statement file: rows, rows without a date, rows flagged, relays (duplicate), fields corrected."""
    rows = {}
    corrected = pkg.corrections_applied["resource"].value_counts()
    for resource in TIMELINE_KINDS.keys() | {"monitor_annual", "casualty_incidents"}:
        df = pkg[resource]
        date = _year_of(pkg, resource)
        rows[resource] = {
            "rows": len(df),
            "undated": int(date.isna().sum()),
            "flagged": int(df["flags"].notna().sum()),
            "relays (duplicate)": int(has_flag(df, "duplicate").sum()),
            "fields corrected": int(corrected.get(resource, 0)),
        }
    order = list(TIMELINE_KINDS) + ["monitor_annual", "casualty_incidents"]
    table = pd.DataFrame.from_dict(rows, orient="index").loc[order]
    table.index.name = "file"
    return table


def flag_counts(pkg: DataPackage) -> pd.DataFrame:
    """How many rows of each file carry each flag (a row may carry several)."""
    flagged = pkg.flagged()
    tokens = flagged.assign(flag=flagged["flags"].str.split(";")).explode("flag")
    table = tokens.pivot_table(index="flag", columns="resource", values="record_id", aggfunc="count", fill_value=0)
    table.columns.name = None
    return table.astype(int)
