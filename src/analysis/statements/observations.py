"""Statements → observations: one row per figure of one measure in one statement, with the period it covers,
the window its figure stands for and why it is or is not fitted.

An observation's *period* is ``start .. end`` in days since the ceasefire (a cumulative figure since the
ceasefire starts at day 0; a flow at its period's first day). A date known only to the month makes the end
a window of days (``end_lo .. end_hi``). Its *window* ``lo .. hi`` says what the figure means: an exact
figure is a point; a rounded figure (an "about" figure, or an exact one with two or more trailing zeros:
"64,000 ha", "400 victims") covers its rounding unit; "at least" and "at most" are one-sided.

Not fitted, with the reason (the statement stays in the table): relays giving the same figure as the
statement they relay (counted once), rows the curation flagged stale, doubtfully dated, garbled or outside
the scope, dates known only to the year (for a cumulative figure), rows without a date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CEASEFIRE = pd.Timestamp("2020-11-10")
#: Columns of an observation table.
COLUMNS = ["record_id", "series", "measure", "kind", "start", "end_lo", "end_hi", "value", "qualifier", "lo", "hi",
           "unit", "reporting_body", "derived", "duplicate_of", "published", "fitted", "reason"]
#: Curation flags whose rows are listed but not fitted, with the reason.
NOT_FITTED_FLAGS = {
    "stale": "flagged stale by the curation: an old total repeated after a newer one",
    "date_doubtful": "flagged date_doubtful by the curation: the stated date is probably wrong",
    "garbled": "flagged garbled by the curation: the page's figures are not reliable as printed",
    "outside_scope": "flagged outside_scope by the curation",
}
FLOW_BASES = ("weekly", "monthly", "quarterly", "annual", "year_to_date", "interval")


def rounding_unit(value: float, qualifier: str) -> float:
    """The unit a figure is rounded to: for "about" figures the largest power of ten dividing it; for exact
    ones the same when it is at least 100 (two trailing zeros: "64,000", "400"), else 0 (not rounded)."""
    if not np.isfinite(value) or value <= 0 or value != int(value):
        return 0.0
    v, unit = int(value), 1
    while v % (unit * 10) == 0:
        unit *= 10
    if qualifier == "approx":
        return float(unit) if unit > 1 else 0.0
    return float(unit) if unit >= 100 else 0.0


def window(value: float, qualifier: str) -> tuple[float, float, float]:
    """``(lo, hi, unit)``: the values a figure stands for (see the module docstring)."""
    if qualifier == "at_least":
        return value, np.inf, 0.0
    if qualifier == "at_most":
        return -np.inf, value, 0.0
    unit = rounding_unit(value, qualifier)
    if unit:
        return value - unit / 2, value + unit / 2, unit
    return value, value, 0.0


def day(ts) -> int:
    return int((pd.Timestamp(ts) - CEASEFIRE).days)


def end_window(row: dict, date_col: str = "as_of_date") -> tuple[int | None, int | None, str]:
    """The days a statement's figure can refer to, and why not when it cannot be placed."""
    date = row.get(date_col)
    if date is None or pd.isna(date):
        return None, None, "no as-of date"
    precision = row.get(f"{date_col}_precision")
    latest = row.get(f"{date_col}_latest")
    if precision == "year" and row.get("basis") == "cumulative":
        return None, None, "as-of date known only to the year"
    lo = day(date)
    hi = day(latest) if latest is not None and not pd.isna(latest) else lo
    return lo, hi, ""


def flag_reason(flags, corrected: bool = False) -> str:
    """Why a row's curation flags keep it out of the fit ('' if they do not). A row flagged implausible is
    fitted only when corrections.csv mends it."""
    tokens = set(flags.split(";")) if isinstance(flags, str) else set()
    for flag, why in NOT_FITTED_FLAGS.items():
        if flag in tokens:
            return why
    if "implausible" in tokens and not corrected:
        return "flagged implausible by the curation, with no correction: a value that cannot be right as printed"
    return ""


def published_day(row: dict, sources: pd.DataFrame, fallback: int) -> int:
    """Day the statement became public: its page's publication date (earliest day it can mean), else the
    latest day its figure can refer to."""
    sid = row.get("source_id")
    if sid in sources.index:
        pub = sources.at[sid, "published"]
        if not pd.isna(pub):
            return day(pub)
    return fallback


def collapse_relays(obs: pd.DataFrame) -> pd.DataFrame:
    """Mark relays that give the same figure as the statement they relay as not fitted (counted once)."""
    if obs.empty:
        return obs
    key = obs[["record_id", "measure", "value"]].rename(columns={"record_id": "duplicate_of", "value": "original"})
    merged = obs.reset_index().merge(key, on=["duplicate_of", "measure"], how="left")
    same = merged[merged["original"] == merged["value"]]
    obs = obs.copy()
    idx = same["index"].to_numpy()
    fresh = obs.loc[idx, "fitted"].to_numpy()
    obs.loc[idx[fresh], "fitted"] = False
    obs.loc[idx[fresh], "reason"] = [f"relay of {d} (same statement, same figure): counted once" for d in same["duplicate_of"][fresh]]
    return obs


def make_row(record_id, series, measure, kind, start, end_lo, end_hi, value, qualifier, body, derived, duplicate_of,
             published, reason) -> dict:
    lo, hi, unit = window(float(value), qualifier)
    return {"record_id": record_id, "series": series, "measure": measure, "kind": kind, "start": start, "end_lo": end_lo,
            "end_hi": end_hi, "value": float(value), "qualifier": qualifier, "lo": lo, "hi": hi, "unit": unit,
            "reporting_body": body, "derived": derived, "duplicate_of": duplicate_of, "published": published,
            "fitted": not reason, "reason": reason}


def frame(rows: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=COLUMNS)
    if out.empty:
        return out
    out = out.sort_values(["series", "end_lo", "start", "record_id", "measure"], kind="stable").reset_index(drop=True)
    return collapse_relays(out)


# --------------------------------------------------------------------------------------------------
# casualties

CASUALTY_MEASURES = [
    "total", "killed", "injured", "civilian", "military",
    "civilian_killed", "civilian_injured", "military_killed", "military_injured",
]
CASUALTY_COLUMN = {
    "total": "total", "killed": "killed", "injured": "injured", "civilian": "civilian_total",
    "military": "military_total", "civilian_killed": "civilian_killed", "civilian_injured": "civilian_injured",
    "military_killed": "military_killed", "military_injured": "military_injured",
}
CIVILIAN_MEASURES = {"civilian", "civilian_killed", "civilian_injured"}


def _casualty_period(row: dict) -> tuple[str, int | None, int | None, int | None, str]:
    """``(kind, start, end_lo, end_hi, why_not)`` of a casualty statement."""
    basis = row["basis"]
    if row["scope"] not in ("official", "official_civilians"):
        return "", None, None, None, f"another scope ({row['scope']}): not the official count since the ceasefire"
    start = row["period_start"]
    if basis == "cumulative":
        if start < pd.Timestamp("2020-11-01") or start > CEASEFIRE:
            return "", None, None, None, "counts from another start (e.g. since 1991): the long-run series"
        lo, hi, why = end_window(row)
        return "stock", 0, lo, hi, why
    if start < CEASEFIRE:
        return "", None, None, None, f"a {basis} count starting before the ceasefire"
    s = day(start)
    if basis == "annual":
        return "flow", s, day(start + pd.DateOffset(years=1) - pd.Timedelta(days=1)), None, ""
    if basis == "monthly":
        return "flow", s, day(start + pd.offsets.MonthEnd(0)), None, ""
    lo, hi, why = end_window(row)
    return "flow", s, lo, hi, why


def casualty_observations(reports: pd.DataFrame, sources: pd.DataFrame, derive_parts=None, corrected=()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Observations of every casualty measure, and the statements that give none (with why).

    ``derive_parts`` completes an exact statement's measures from its printed parts (``total = killed +
    injured`` and the like; :func:`analysis.casualties.derive_parts`)."""
    rows, not_used = [], []
    for rid, row in reports.to_dict("index").items():
        kind, start, end_lo, end_hi, why = _casualty_period(row)
        if why:
            not_used.append({"record_id": rid, "reason": why})
            continue
        end_hi = end_lo if end_hi is None else end_hi
        printed = {m: row[c] for m, c in CASUALTY_COLUMN.items()}
        if row["qualifier"] == "exact" and derive_parts is not None:
            values = derive_parts(printed)
        else:
            values = {m: (float(v), False) for m, v in printed.items() if not pd.isna(v)}
        if row["scope"] == "official_civilians":
            values = {m: v for m, v in values.items() if m in CIVILIAN_MEASURES}
        if not values:
            not_used.append({"record_id": rid, "reason": "gives no figure of the measures"})
            continue
        reason = flag_reason(row.get("flags"), rid in corrected)
        published = published_day(row, sources, end_hi)
        dup = None if pd.isna(row["duplicate_of"]) else row["duplicate_of"]
        for measure, (value, derived) in values.items():
            rows.append(make_row(rid, f"casualties:{measure}", measure, kind, start, end_lo, end_hi, value, str(row["qualifier"]),
                                 str(row["reporting_body"]), derived, dup, published, reason))
    return frame(rows), pd.DataFrame(not_used, columns=["record_id", "reason"])


# --------------------------------------------------------------------------------------------------
# clearance

CLEARANCE_MEASURES = ["hectares", "ap_mines", "at_mines", "uxo"]
#: Combined counts a page may give instead of (or beside) the split: their own series, reconciled with the parts.
CLEARANCE_COMBINED = {"mines": ("ap_mines", "at_mines"), "items": ("ap_mines", "at_mines", "uxo")}


def _clearance_period(row: dict, scope: str) -> tuple[str, int | None, int | None, int | None, str]:
    basis = row["basis"]
    if row["reporting_body"] == "mine_action_review":
        return "", None, None, None, "Mine Action Review counts land released (cancelled, reduced and cleared): another measure"
    if row["territory"] != "all":
        return "", None, None, None, f"covers {row['territory']} only: not added to the national series"
    start = row["period_start"]
    if basis == "cumulative":
        if pd.isna(start):
            return "", None, None, None, "the period's start is not stated"
        if not pd.Timestamp("2020-11-01") <= start <= pd.Timestamp("2020-11-30"):
            return "", None, None, None, f"counts from {start:%Y-%m-%d}, not from the ceasefire"
        lo, hi, why = end_window(row)
        return "stock", 0, lo, hi, why
    if pd.isna(start):
        return "", None, None, None, f"a {basis} figure without its period's start"
    if start < CEASEFIRE:
        return "", None, None, None, f"a {basis} figure starting before the ceasefire"
    date_col = "period_end" if not pd.isna(row.get("period_end")) else "as_of_date"
    lo, hi, why = end_window(row, date_col)
    if why:
        return "", None, None, None, why
    # a flow's end is its period's last day: a month- or year-only end stands for the month's or year's last day
    return "flow", day(start), hi, hi, ""


def clearance_observations(reports: pd.DataFrame, sources: pd.DataFrame, scope: str = "all", corrected=()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Observations of the clearance measures of one operator scope (and the combined counts ``mines`` and
    ``items``), and the statements of that scope that give none (with why)."""
    rows, not_used = [], []
    for rid, row in reports.to_dict("index").items():
        if row["operators"] != scope:
            continue
        kind, start, end_lo, end_hi, why = _clearance_period(row, scope)
        if why:
            not_used.append({"record_id": rid, "reason": why})
            continue
        values = {m: row[m] for m in CLEARANCE_MEASURES if not pd.isna(row[m])}
        combined = {}
        if not pd.isna(row.get("mines")):
            combined["mines"] = (row["mines"], False)
        if not pd.isna(row.get("items_total")):
            combined["items"] = (row["items_total"], False)
        items_q = "exact" if pd.isna(row["items_qualifier"]) else str(row["items_qualifier"])
        if items_q == "exact":  # the sums of an exact split are exact figures of the combined counts
            for name, parts in CLEARANCE_COMBINED.items():
                if name not in combined and all(p in values for p in parts):
                    combined[name] = (sum(float(values[p]) for p in parts), True)
        if not values and not combined:
            not_used.append({"record_id": rid, "reason": "gives no hectares nor items"})
            continue
        reason = flag_reason(row.get("flags"), rid in corrected)
        published = published_day(row, sources, end_hi)
        dup = None if pd.isna(row["duplicate_of"]) else row["duplicate_of"]
        for measure, value in values.items():
            q = ("exact" if pd.isna(row["hectares_qualifier"]) else str(row["hectares_qualifier"])) if measure == "hectares" else items_q
            rows.append(make_row(rid, f"clearance:{scope}:{measure}", measure, kind, start, end_lo, end_hi, value, q,
                                 str(row["reporting_body"]), False, dup, published, reason))
        for measure, (value, derived) in combined.items():
            rows.append(make_row(rid, f"clearance:{scope}:{measure}", measure, kind, start, end_lo, end_hi, value, items_q,
                                 str(row["reporting_body"]), derived, dup, published, reason))
    return frame(rows), pd.DataFrame(not_used, columns=["record_id", "reason"])
