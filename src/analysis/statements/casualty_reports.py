"""Observations from ``casualty_reports.csv``: every official statement of the cumulative count since the
ceasefire becomes one observation per measure it gives, and their reconciliation is one series per measure.

Measures: ``total`` (victims, killed + injured), ``killed``, ``injured``, ``civilian``, ``military``,
``civilian_killed``, ``civilian_injured``, ``military_killed``, ``military_injured`` (people).

- *Observations* come from official statements of the cumulative count since the ceasefire (civilian
  measures also from civilian-only statements). A measure a page did not print but whose parts it
  printed exactly is derived by addition or subtraction (``derived = True``; e.g. killed = civilian killed
  + military killed). ANAMA's interval table is chained onto its cumulative count of 14 Dec 2021 to give
  exact cumulative points that no single statement prints.
- *Reconciliation*: :func:`analysis.statements.reconcile.reconcile` (relays, bounds, one figure per date,
  never falling), with the body priority a notebook parameter.
"""

from __future__ import annotations

import pandas as pd

from .observations import CEASEFIRE
from .reconcile import OBSERVATION_COLUMNS, Reconciliation, reconcile

#: The curation flag of an old total repeated after a newer one: listed, never a point of the series.
STALE_FLAG = "stale"


MEASURES = [
    "total", "killed", "injured", "civilian", "military",
    "civilian_killed", "civilian_injured", "military_killed", "military_injured",
]
#: Where a measure is printed in casualty_reports.csv.
COLUMN_OF = {
    "total": "total", "killed": "killed", "injured": "injured", "civilian": "civilian_total",
    "military": "military_total", "civilian_killed": "civilian_killed", "civilian_injured": "civilian_injured",
    "military_killed": "military_killed", "military_injured": "military_injured",
}
#: measure = a + b, used both ways (a measure from its parts; a part from the total and the other part).
SUMS = [
    ("total", "killed", "injured"),
    ("total", "civilian", "military"),
    ("killed", "civilian_killed", "military_killed"),
    ("injured", "civilian_injured", "military_injured"),
    ("civilian", "civilian_killed", "civilian_injured"),
    ("military", "military_killed", "military_injured"),
]
CIVILIAN_MEASURES = {"civilian", "civilian_killed", "civilian_injured"}
#: Default order of trust (the sources' notes: ANAMA, then the Prosecutor General, then the Presidential
#: Administration's infographics, which cite ANAMA, then the Foreign Ministry and others).
DEFAULT_PRIORITY = [
    "anama", "pgo", "presidential_administration", "mfa", "president", "ombudsman", "un",
    "government_other", "sss", "amva", "media", "encyclopedia",
]


def derive_parts(values: dict[str, float]) -> dict[str, tuple[float, bool]]:
    """Complete a statement's measures from printed ones by the sums in :data:`SUMS`.

    Returns measure -> (value, derived). Derived values never overwrite printed ones; a derived value
    that would be negative is not produced.
    """
    out = {m: (float(v), False) for m, v in values.items() if v is not None and not pd.isna(v)}
    changed = True
    while changed:
        changed = False
        for whole, a, b in SUMS:
            have = {k: out[k][0] for k in (whole, a, b) if k in out}
            if len(have) != 2:
                continue
            if whole not in have:
                out[whole] = (have[a] + have[b], True)
            else:
                part, other = (a, b) if a not in have else (b, a)
                value = have[whole] - have[other]
                if value < 0:
                    continue
                out[part] = (value, True)
            changed = True
    return out


def _as_of(row) -> tuple[pd.Timestamp | None, str]:
    """The date a statement's count refers to, and a note when it is approximate."""
    if pd.isna(row["as_of_date"]):
        return None, "no as-of date"
    if row["as_of_date_precision"] == "year":
        return None, "as-of date known only to the year"
    if row["as_of_date_precision"] == "month":
        return row["as_of_date"] + pd.Timedelta(days=14), "as-of date known to the month: placed on the 15th"
    return row["as_of_date"], ""


def _eligible(row) -> str:
    """Empty if the statement counts since the ceasefire (all or civilian victims), else why not."""
    if row["basis"] != "cumulative":
        return {
            "interval": "an interval count: chained onto ANAMA's cumulative count where contiguous",
            "annual": "a calendar-year total: compared with the series in the annual cross-check",
        }.get(row["basis"], f"a {row['basis']} count, not cumulative since the ceasefire")
    if row["period_start"] < pd.Timestamp("2020-11-01") or row["period_start"] > CEASEFIRE:
        return "counts from another start (e.g. since 1991): the long-run series"
    if row["scope"] not in ("official", "official_civilians"):
        return f"another scope ({row['scope']}): not the official count since the ceasefire"
    if isinstance(row.get("flags"), str) and STALE_FLAG in row["flags"].split(";"):
        return "flagged stale by the curation: an old total repeated after a newer one"
    return ""


def observations(reports: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Observations of the measures in official statements since the ceasefire, and the statements not used.

    ``reports`` is the typed ``casualty_reports`` frame (index ``report_id``).
    """
    rows, not_used = [], []
    for rid, row in reports.to_dict("index").items():  # plain dicts: a Series per row cost more than the work
        why = _eligible(row)
        date, date_note = _as_of(row)
        if not why and date is None:
            why = date_note
        if why:
            not_used.append({"record_id": rid, "reason": why})
            continue
        printed = {m: row[c] for m, c in COLUMN_OF.items()}
        values = derive_parts(printed) if row["qualifier"] == "exact" else {
            m: (float(v), False) for m, v in printed.items() if not pd.isna(v)}
        if row["scope"] == "official_civilians":
            values = {m: v for m, v in values.items() if m in CIVILIAN_MEASURES}
        if not values:
            not_used.append({"record_id": rid, "reason": "gives no figure of the measures"})
            continue
        for measure, (value, derived) in values.items():
            rows.append({
                "record_id": rid, "date": date, "measure": measure, "value": value, "qualifier": str(row["qualifier"]),
                "reporting_body": str(row["reporting_body"]), "derived": derived,
                "duplicate_of": row["duplicate_of"] if not pd.isna(row["duplicate_of"]) else None, "note": date_note,
            })
    return pd.DataFrame(rows, columns=OBSERVATION_COLUMNS), pd.DataFrame(not_used, columns=["record_id", "reason"])


def chained_intervals(reports: pd.DataFrame) -> pd.DataFrame:
    """Exact cumulative points from ANAMA's interval table chained onto its cumulative count.

    The official interval rows (sorted by start) are chained while each starts the day after the previous
    ends; the chain starts from an exact ANAMA cumulative statement dated the day before the first
    interval. Each measure is chained as long as every interval gives it (printed or derived).
    """
    intervals = reports[(reports["basis"] == "interval") & (reports["scope"] == "official")].sort_values("period_start")
    if intervals.empty:
        return pd.DataFrame(columns=OBSERVATION_COLUMNS)
    start = intervals["period_start"].iloc[0]
    base = reports[(reports["basis"] == "cumulative") & (reports["reporting_body"] == "anama") & (reports["qualifier"] == "exact")
                   & (reports["as_of_date_precision"] == "day") & (reports["as_of_date"] == start - pd.Timedelta(days=1))]
    if base.empty:
        return pd.DataFrame(columns=OBSERVATION_COLUMNS)
    base_id = base.index[0]
    running = {m: v for m, (v, _) in derive_parts({m: base.iloc[0][c] for m, c in COLUMN_OF.items()}).items()}
    rows, expected_start, ids = [], start, []
    for rid, row in intervals.iterrows():
        if row["period_start"] != expected_start:
            break
        ids.append(rid)
        parts = derive_parts({m: row[c] for m, c in COLUMN_OF.items()}) if row["qualifier"] == "exact" else {}
        running = {m: v + parts[m][0] for m, v in running.items() if m in parts}
        for measure, value in running.items():
            rows.append({"record_id": rid, "date": row["as_of_date"], "measure": measure, "value": value,
                         "qualifier": "exact", "reporting_body": "anama", "derived": True, "duplicate_of": None,
                         "note": f"chained: {base_id} + intervals {ids[0]}..{rid}"})
        expected_start = row["as_of_date"] + pd.Timedelta(days=1)
    return pd.DataFrame(rows, columns=OBSERVATION_COLUMNS)


def reconcile_casualties(reports: pd.DataFrame, priority: list[str] | None = None) -> Reconciliation:
    """The reconciled cumulative series of every measure since the ceasefire."""
    priority = list(priority or DEFAULT_PRIORITY)
    obs, not_used = observations(reports)
    chain = chained_intervals(reports)
    if not chain.empty:
        chained_ids = set(chain["record_id"])
        not_used = not_used[~not_used["record_id"].isin(chained_ids)]
        obs = pd.concat([obs, chain], ignore_index=True)
    result = reconcile(obs, priority)
    result.not_used = not_used.reset_index(drop=True)
    return result
