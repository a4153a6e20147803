"""Observations from ``clearance_reports.csv``, one operator scope at a time (``operators``: ``all``,
``anama``, ``mod``; scopes are never mixed): the cumulative figures since the ceasefire and their
reconciliation into one series per measure, the variability of the weekly figures, and the direct period
figures (weekly, monthly, annual, ...) in long form.

Measures: ``hectares`` (area released as "cleared": includes battle-area clearance and survey-based
release), ``ap_mines`` (anti-personnel mines), ``at_mines`` (anti-tank mines), ``uxo`` (other explosive
ordnance).

- *Reconciliation*: the cumulative statements of one scope (all territory; the Gazakh-only figures are
  not added) go through :func:`analysis.statements.reconcile.reconcile` with a body priority; corrections
  (swapped AP/AT counts, "453,900 ha") are applied at load time.
- *Period figures* (:func:`period_statements`): the statements that give the amount of one period, relays
  collapsed; the monthly rates, the cross-checks and the rates per area start from them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import has_flag, require_columns
from .reconcile import OBSERVATION_COLUMNS, Reconciliation, reconcile


MEASURES = ["hectares", "ap_mines", "at_mines", "uxo"]
DEFAULT_PRIORITY = ["anama", "cabinet", "presidential_administration", "president", "mfa", "mod",
                    "mine_action_review", "azcbl", "government_other", "media"]
#: Bases of the statements that give the amount of one period (not a cumulative total).
PERIOD_BASES = ("weekly", "monthly", "quarterly", "annual", "year_to_date", "interval")
PERIOD_COLUMNS = ["record_id", "basis", "period_start", "period_end", "days", "measure", "value", "qualifier",
                  "reporting_body", "flags", "operators", "territory", "duplicate_of", "relays"]
NOT_USED_COLUMNS = ["record_id", "measure", "reason"]


def _qualifier(row, measure: str) -> str:
    q = row["hectares_qualifier"] if measure == "hectares" else row["items_qualifier"]
    return "exact" if pd.isna(q) else str(q)


def observations(reports: pd.DataFrame, scope: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Observations of the cumulative measures of one operator scope, and the statements not used (with why)."""
    rows, not_used = [], []
    for rid, row in reports.to_dict("index").items():  # plain dicts: a Series per row cost more than the work
        why = ""
        if row["operators"] != scope:
            continue  # another scope: reported by that scope's reconciliation
        if row["basis"] != "cumulative":
            article = "an" if str(row["basis"])[0] in "aeiou" else "a"
            why = f"{article} {str(row['basis']).replace('_', '-')} figure: used in the monthly rates and cross-checks"
        elif row["reporting_body"] == "mine_action_review":
            why = "Mine Action Review counts land released (cancelled, reduced and cleared): another measure"
        elif row["territory"] != "all":
            why = f"covers {row['territory']} only: not added to the national series"
        elif isinstance(row["flags"], str) and "stale" in row["flags"].split(";"):
            why = "flagged stale by the curation: an old total repeated after a newer one"
        elif pd.isna(row["period_start"]):
            why = "the period's start is not stated"
        elif not pd.Timestamp("2020-11-01") <= row["period_start"] <= pd.Timestamp("2020-11-30"):
            why = f"counts from {row['period_start']:%Y-%m-%d}, not from the ceasefire"
        elif pd.isna(row["as_of_date"]):
            why = "no as-of date"
        elif row["as_of_date_precision"] == "year":
            why = "as-of date known only to the year"
        if why:
            not_used.append({"record_id": rid, "reason": why})
            continue
        date, note = row["as_of_date"], ""
        if row["as_of_date_precision"] == "month":
            date, note = date + pd.Timedelta(days=14), "as-of date known to the month: placed on the 15th"
        values = {m: row[m] for m in MEASURES if not pd.isna(row[m])}
        if not values:
            not_used.append({"record_id": rid, "reason": "gives no hectares nor a split of items"})
            continue
        for measure, value in values.items():
            rows.append({"record_id": rid, "date": date, "measure": measure, "value": float(value),
                         "qualifier": _qualifier(row, measure), "reporting_body": str(row["reporting_body"]),
                         "derived": False, "duplicate_of": None if pd.isna(row["duplicate_of"]) else row["duplicate_of"],
                         "note": note})
    return pd.DataFrame(rows, columns=OBSERVATION_COLUMNS), pd.DataFrame(not_used, columns=["record_id", "reason"])


def reconcile_clearance(reports: pd.DataFrame, scope: str = "all", priority: list[str] | None = None) -> Reconciliation:
    """The reconciled cumulative series of each measure for one operator scope."""
    obs, not_used = observations(reports, scope)
    result = reconcile(obs, list(priority or DEFAULT_PRIORITY))
    result.not_used = not_used
    return result


def weekly_variability(reports: pd.DataFrame, scope: str, measure: str) -> float:
    """Coefficient of variation (sd / mean) of the weekly figures of a scope and measure (relays left out).

    Falls back to the all-operator weeks when the scope has fewer than 8 weekly figures.
    """
    def cv(sel):
        values = sel[measure].dropna().astype(float)
        values = values[values > 0]
        return (float(values.std(ddof=1) / values.mean()), len(values)) if len(values) >= 2 else (np.nan, len(values))

    weekly = reports[(reports["basis"] == "weekly") & (reports["territory"] == "all") & ~has_flag(reports, "duplicate")]
    value, n = cv(weekly[weekly["operators"] == scope])
    if n < 8 and scope != "all":
        value, n = cv(weekly[weekly["operators"] == "all"])
    return value if np.isfinite(value) else 1.0


def period_statements(reports: pd.DataFrame, scope: str = "all", territory: str = "all",
                      measures: list[str] | tuple[str, ...] = tuple(MEASURES)) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The direct period figures of one operator scope and territory, long form, relays collapsed.

    ``reports`` is the typed ``clearance_reports`` frame (``analysis.data.load_package()``, corrections
    applied). Rows used: basis weekly, monthly, quarterly, annual, year_to_date or interval, with
    ``operators == scope`` and ``territory == territory``. A row without a period start or end is not
    used (listed in ``not_used``). A partial date (month or year only) is read as its widest span: the
    earliest day of the start and the latest day of the end.

    One output row per (record, measure) with the measure given. ``value`` is in hectares for
    ``hectares`` and in items for the item types; ``qualifier`` is ``hectares_qualifier`` for hectares and
    ``items_qualifier`` for the items ("exact" where the page gave no qualifier); ``days`` = days in the
    period, both ends included.

    Relays: a row flagged ``duplicate`` whose ``duplicate_of`` record gives the same value for that
    measure over the same period is not repeated; it is listed in ``not_used`` with reason
    "relay of clXXX", and its id is added to the original row's ``relays``. A relay that supplies a value
    the original lacks, gives a different value (both are kept: the cross-checks show it) or prints
    another period (cl059: 1-31 Jan 2023, where cl058 prints 1-30 Jan) is kept.

    Returns ``(table, not_used)``. ``table`` columns: record_id, basis, period_start, period_end, days,
    measure, value, qualifier, reporting_body, flags, operators, territory, duplicate_of, relays; sorted by
    period_start, record_id and measure (in the order of ``MEASURES``). ``not_used`` columns: record_id,
    measure (empty when the whole record is not used), reason.
    """
    require_columns(reports, ["basis", "operators", "territory", "period_start", "period_end", "reporting_body", "flags",
                              "duplicate_of", "items_qualifier", "hectares_qualifier", *measures],
                    "period_statements")
    sel = reports[reports["basis"].astype("string").isin(PERIOD_BASES)
                  & (reports["operators"].astype("string") == scope)
                  & (reports["territory"].astype("string") == territory)]
    sel = sel.sort_index(kind="stable")
    relay_flag = has_flag(sel, "duplicate").to_dict()
    rows: list[dict] = []
    not_used: list[dict] = []
    kept: dict[tuple[str, str], dict] = {}
    for rid, row in sel.to_dict("index").items():  # plain dicts: a Series per row cost more than the work
        rid = str(rid)
        start, end = row["period_start"], row.get("period_end_latest", row["period_end"])
        if pd.isna(end):
            end = row["period_end"]
        if pd.isna(start) or pd.isna(end):
            missing = " and ".join(n for n, v in (("start", start), ("end", end)) if pd.isna(v))
            not_used.append({"record_id": rid, "measure": pd.NA,
                             "reason": f"undated: the page gives no period {missing}"})
            continue
        start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
        dup_of = row["duplicate_of"]
        dup_of = None if pd.isna(dup_of) else str(dup_of)
        for measure in measures:
            value = row[measure]
            if pd.isna(value):
                continue
            value = float(value)
            q = row["hectares_qualifier"] if measure == "hectares" else row["items_qualifier"]
            qualifier = "exact" if pd.isna(q) else str(q)
            if bool(relay_flag[rid]) and dup_of is not None:
                original = kept.get((dup_of, measure))
                if (original is not None and original["value"] == value
                        and original["period_start"] == start and original["period_end"] == end):
                    not_used.append({"record_id": rid, "measure": measure, "reason": f"relay of {dup_of}"})
                    original["_relays"].append(rid)
                    continue
            entry = {
                "record_id": rid, "basis": str(row["basis"]), "period_start": start, "period_end": end,
                "days": int((end - start).days) + 1, "measure": measure, "value": value, "qualifier": qualifier,
                "reporting_body": str(row["reporting_body"]),
                "flags": "" if pd.isna(row["flags"]) else str(row["flags"]),
                "operators": str(row["operators"]), "territory": str(row["territory"]),
                "duplicate_of": dup_of if dup_of is not None else pd.NA, "_relays": [],
            }
            rows.append(entry)
            kept[(rid, measure)] = entry
    for entry in rows:
        entry["relays"] = ";".join(entry.pop("_relays"))
    table = pd.DataFrame(rows, columns=PERIOD_COLUMNS)
    table["period_start"] = pd.to_datetime(table["period_start"])
    table["period_end"] = pd.to_datetime(table["period_end"])
    table["days"] = table["days"].astype("int64")
    table["value"] = table["value"].astype("float64")
    for col in ("record_id", "basis", "measure", "qualifier", "reporting_body", "flags", "operators", "territory",
                "duplicate_of", "relays"):
        table[col] = table[col].astype("string")
    order = {m: i for i, m in enumerate(MEASURES)}
    table = (table.assign(_m=table["measure"].map(lambda m: order.get(m, len(order))))
             .sort_values(["period_start", "record_id", "_m"], kind="stable").drop(columns="_m")
             .reset_index(drop=True))
    nu = pd.DataFrame(not_used, columns=NOT_USED_COLUMNS).astype("string")
    return table, nu
