"""The direct period figures of ``clearance_reports.csv`` (weekly, monthly, annual, ...) in long form, one
operator scope at a time (``operators``: ``all``, ``anama``, ``mod``; scopes are never mixed), relays collapsed
(:func:`period_statements`): the monthly rates, the cross-checks and the rates per area start from them. The
series themselves come from the statement model (:mod:`analysis.statements.observations` and
:mod:`analysis.statements.model`).

Measures: ``hectares`` (area released as "cleared": includes battle-area clearance and survey-based
release), ``ap_mines`` (anti-personnel mines), ``at_mines`` (anti-tank mines), ``uxo`` (other explosive
ordnance).
"""

from __future__ import annotations

import pandas as pd

from ..data import has_flag, require_columns


MEASURES = ["hectares", "ap_mines", "at_mines", "uxo"]
#: Bases of the statements that give the amount of one period (not a cumulative total).
PERIOD_BASES = ("weekly", "monthly", "quarterly", "annual", "year_to_date", "interval")
PERIOD_COLUMNS = ["record_id", "basis", "period_start", "period_end", "days", "measure", "value", "qualifier",
                  "reporting_body", "flags", "operators", "territory", "duplicate_of", "relays"]
NOT_USED_COLUMNS = ["record_id", "measure", "reason"]


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
